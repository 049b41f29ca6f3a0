"""Web forms into leads, visits onto the timeline, abandoned carts, privacy (issue 6)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client as Browser
from django.utils import timezone

from kramar.accounts.enums import DepartmentKind, Role
from kramar.accounts.tests.factories import DepartmentFactory
from kramar.audit.models import AuditEntry
from kramar.cart.models import Cart
from kramar.cart.services import cart_add, cart_open
from kramar.catalog.tests.factories import first_variant, make_group, make_product
from kramar.clients.enums import TimelineKind
from kramar.clients.models import Client, TimelineEntry
from kramar.clients.services import client_for_shop_user
from kramar.clients.tests.factories import ClientFactory
from kramar.crm.enums import ActivityKind, LeadChannel
from kramar.crm.models import Activity, Deal, LeadRule
from kramar.tracking.collector import CONSENT_COOKIE
from kramar.tracking.enums import FollowUpChannel, WebFormKind
from kramar.tracking.models import (
    CartFollowUp,
    Event,
    SiteSession,
    Visitor,
    WebFormSubmission,
)
from kramar.tracking.selectors import client_visits
from kramar.tracking.services import (
    abandoned_carts_follow_up,
    events_purge,
    sessions_fold,
    web_form_submit,
)

pytestmark = pytest.mark.django_db
UA = "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0"


def browser() -> Browser:
    b = Browser(HTTP_USER_AGENT=UA)
    b.cookies[CONSENT_COOKIE] = "all"
    return b


def test_a_call_back_request_makes_a_retail_lead_and_a_call(sales_manager):
    submission = web_form_submit(
        kind=WebFormKind.CALLBACK, name="Olena", phone="+380501234567", message="after 5"
    )
    deal = submission.deal
    assert deal.pipeline.code == "retail" and deal.manager == sales_manager
    assert deal.stage == deal.pipeline.stages.order_by("order").first()
    call = Activity.objects.get(client=submission.client)
    assert call.kind == ActivityKind.CALL and call.owner == sales_manager
    assert submission.client.manager == sales_manager


def test_a_quote_request_goes_to_the_wholesale_pipeline(sales_manager):
    submission = web_form_submit(
        kind=WebFormKind.QUOTE, name="Bud LLC", email="buy@bud.test", message="100 drills"
    )
    assert submission.deal.pipeline.code == "wholesale"
    assert Activity.objects.get(client=submission.client).kind == ActivityKind.OFFER


def test_the_same_person_is_one_client(sales_manager):
    first = web_form_submit(kind=WebFormKind.CONTACT, name="Ivan", email="ivan@example.test")
    second = web_form_submit(
        kind=WebFormKind.CALLBACK, name="Ivan P.", email="IVAN@example.test", phone="0501112233"
    )
    assert first.client == second.client
    assert second.client.phones.count() == 1


def test_leads_go_to_the_least_loaded_manager_then_in_turn(make_staff):
    busy, free = make_staff(Role.SALES_MANAGER), make_staff(Role.SALES_MANAGER)
    web_form_submit(kind=WebFormKind.CONTACT, name="A", email="a@example.test")
    web_form_submit(kind=WebFormKind.CONTACT, name="B", email="b@example.test")
    managers = list(Deal.objects.order_by("pk").values_list("manager", flat=True))
    assert set(managers) == {busy.pk, free.pk}  # equal load: each in turn


def test_a_rule_for_quotes_leaves_other_forms_alone_m6(make_staff):
    wholesale = DepartmentFactory(code="wholesale", kind=DepartmentKind.SALES)
    retail = make_staff(Role.SALES_MANAGER)
    desk = make_staff(Role.SALES_MANAGER, department=wholesale)
    LeadRule.objects.create(order=1, channel=LeadChannel.QUOTE, department=wholesale)
    quote = web_form_submit(kind=WebFormKind.QUOTE, name="Bud", email="bud@example.test")
    call = web_form_submit(kind=WebFormKind.CALLBACK, name="Ann", phone="0501234567")
    assert quote.deal.manager == desk and call.deal.manager == retail


def test_a_rule_by_product_group_sends_the_lead_to_its_department(make_staff):
    tools = make_group("Tools")
    drill = make_product("Drill", group=make_group("Drills", parent=tools))
    wholesale = DepartmentFactory(code="tools", name="Tools desk", kind=DepartmentKind.SALES)
    make_staff(Role.SALES_MANAGER)
    specialist = make_staff(Role.SALES_MANAGER, department=wholesale)
    LeadRule.objects.create(order=1, product_group=tools, department=wholesale)
    submission = web_form_submit(
        kind=WebFormKind.QUESTION, name="Q", email="q@example.test", message="?", product=drill
    )
    assert submission.deal.manager == specialist


def test_a_rule_naming_a_manager_and_a_region(make_staff):
    from kramar.clients.models import Region

    region = Region.objects.first()
    named = make_staff(Role.SALES_MANAGER)
    make_staff(Role.SALES_MANAGER)
    LeadRule.objects.create(order=1, region=region, manager=named)
    client = ClientFactory(emails=["r@example.test"], region=region)
    submission = web_form_submit(kind=WebFormKind.CONTACT, name="R", email="r@example.test")
    assert submission.client == client and submission.deal.manager == named


def test_a_client_with_a_manager_keeps_it(make_staff):
    own, other = make_staff(Role.SALES_MANAGER), make_staff(Role.SALES_MANAGER)
    ClientFactory(emails=["own@example.test"], manager=own)
    submission = web_form_submit(kind=WebFormKind.CONTACT, name="O", email="own@example.test")
    assert submission.deal.manager == own and other


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"name": "X"},  # no way to answer
        {"name": "X", "phone": "not a phone"},
        {"name": "\x00", "email": "a@b.test", "message": "m"},
        {"name": "X" * 500, "email": "bad", "message": "m"},
    ],
)
def test_bad_forms_are_refused_on_the_page_not_500(sales_manager, data):
    response = Browser().post("/contact/callback/", data)
    assert response.status_code == 400
    assert not WebFormSubmission.objects.exists()


def test_unknown_form_is_404():
    assert Browser().get("/contact/nonsense/").status_code == 404


def test_forms_render(sales_manager):
    product = make_product("Drill")
    for kind in WebFormKind.values:
        assert Browser().get(f"/contact/{kind}/?product={product.slug}").status_code == 200


def _visit(b: Browser, product) -> None:
    b.get("/?utm_source=google&utm_campaign=spring")
    b.get(f"/p/{product.slug}/")
    b.get("/search/?q=drill")


def test_visits_fold_into_one_timeline_entry_each(sales_manager):
    product = make_product("Drill")
    b = browser()
    _visit(b, product)
    b.post("/contact/callback/", {"name": "Olena", "phone": "+380501234567"})
    client = Client.objects.get(name="Olena")
    live = client_visits(client=client)
    assert len(live) == 1 and live[0].source == "google"
    assert live[0].summary["products"] == ["Drill"]
    assert sessions_fold() == 0  # still going
    later = timezone.now() + timedelta(hours=1)
    assert sessions_fold(now=later) == 1
    assert sessions_fold(now=later) == 0  # once
    entries = TimelineEntry.objects.filter(client=client, kind=TimelineKind.SITE_SESSION)
    assert entries.count() == 1
    assert "Drill" in entries.get().summary and "drill" in entries.get().summary
    session = SiteSession.objects.get()
    assert session.client == client and session.pages == 3 and session.source == "google"
    assert len(client_visits(client=client)) == 1


def test_the_client_card_shows_the_visits(sales_manager, client_for):
    product = make_product("Drill")
    b = browser()
    _visit(b, product)
    b.post("/contact/callback/", {"name": "Olena", "phone": "+380501234567"})
    client = Client.objects.get(name="Olena")
    page = client_for(sales_manager).get(f"/office/clients/{client.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="site-visit"' in html and "google" in html and "Drill" in html


def test_purge_deletes_old_events_and_keeps_visits(settings):
    product = make_product("Drill")
    _visit(browser(), product)
    events_purge(now=timezone.now() + settings.TRACKING_RETENTION + timedelta(days=1))
    assert not Event.objects.exists()
    assert SiteSession.objects.count() == 1


def _abandoned_cart(user) -> Cart:
    cart = cart_open(user=user, token=None)
    cart_add(cart=cart, variant=first_variant(make_product("Drill")), quantity=1)
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now() - timedelta(hours=30))
    return cart


def test_abandoned_cart_of_a_managed_client_is_a_call_once(customer, sales_manager):
    from kramar.clients.services import client_assign_manager

    client = client_for_shop_user(user=customer)
    client_assign_manager(actor=None, client=client, manager=sales_manager)
    _abandoned_cart(customer)
    assert abandoned_carts_follow_up() == 1
    assert abandoned_carts_follow_up() == 0
    assert Activity.objects.filter(client=client, owner=sales_manager).count() == 1
    assert CartFollowUp.objects.get().channel == FollowUpChannel.ACTIVITY
    assert mail.outbox == []


def test_abandoned_cart_without_a_manager_is_one_e_mail(customer):
    from kramar.tracking.tasks import cart_reminder_email

    client = client_for_shop_user(user=customer)
    _abandoned_cart(customer)
    assert abandoned_carts_follow_up() == 1
    assert abandoned_carts_follow_up() == 0
    follow_up = CartFollowUp.objects.get()
    assert follow_up.channel == FollowUpChannel.EMAIL
    assert cart_reminder_email.call(follow_up.pk) == "sent"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [customer.email]
    assert client.timeline.filter(kind=TimelineKind.EMAIL_OUT).count() == 1
    assert not Activity.objects.filter(client=client).exists()


def test_the_cart_of_a_client_in_the_recycle_bin_is_not_followed_up(customer, sales_manager):
    from kramar.clients.services import client_assign_manager, client_delete

    client = client_for_shop_user(user=customer)
    client_assign_manager(actor=None, client=client, manager=sales_manager)
    client_delete(actor=sales_manager, client=client)
    _abandoned_cart(customer)
    assert abandoned_carts_follow_up() == 0
    assert not CartFollowUp.objects.exists() and not Activity.objects.exists()


def test_a_fresh_cart_is_not_followed_up(customer):
    client_for_shop_user(user=customer)
    cart = _abandoned_cart(customer)
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())
    assert abandoned_carts_follow_up() == 0


def test_export_and_erase_are_audited(make_staff, client_for, sales_manager):
    product = make_product("Drill")
    b = browser()
    _visit(b, product)
    b.post("/contact/callback/", {"name": "Olena", "phone": "+380501234567"})
    client = Client.objects.get(name="Olena")
    sessions_fold(now=timezone.now() + timedelta(hours=1))
    admin = make_staff(Role.ADMINISTRATOR)
    api = client_for(admin)
    data = api.get(f"/api/clients/{client.pk}/site-data").json()
    assert len(data["events"]) == 6 and data["first_touch"]["source"] == "google"
    assert len(data["sessions"]) == 1
    assert AuditEntry.objects.filter(action="export", object_id=str(client.pk)).exists()
    assert client_for(sales_manager).get(f"/api/clients/{client.pk}/site-data").status_code == 403
    counts = api.delete(f"/api/clients/{client.pk}/site-data").json()
    assert counts == {"events": 6, "sessions": 1, "timeline": 1, "touches": 1}  # the lead's
    assert not Visitor.objects.exists() and not SiteSession.objects.exists()
    assert AuditEntry.objects.filter(action="erase", object_id=str(client.pk)).exists()
    assert Client.objects.filter(pk=client.pk).exists()  # the client record stays


def test_administrators_read_the_forms_and_the_rules_in_the_admin(administrator, client_for):
    browser = client_for(administrator)
    assert browser.get("/admin/crm/leadrule/").status_code == 200  # kept at /office/lead-rules/
    assert browser.get("/admin/crm/leadrule/add/").status_code == 403
    assert browser.get("/admin/tracking/webformsubmission/").status_code in (200, 403)


def test_every_form_kind_is_a_lead_channel_of_the_crm_m6():
    assert set(WebFormKind.values) <= set(LeadChannel.values)


def test_a_flood_of_forms_from_one_address_stops_at_the_limit(sales_manager, settings):
    settings.TRACKING_FORM_RATE = "2/10m"
    for number in range(4):
        response = Browser().post(
            "/contact/callback/",
            {"name": f"Bot {number}", "phone": f"+38050123450{number}"},
            REMOTE_ADDR="198.51.100.7",
        )
    assert response.status_code == 429 and b"Too many messages" in response.content
    assert Client.objects.filter(name__startswith="Bot").count() == 2
    assert Deal.objects.count() == 2 and Activity.objects.count() == 2


def test_mistakes_do_not_count_against_the_limit(sales_manager, settings):
    settings.TRACKING_FORM_RATE = "1/10m"
    for _ in range(3):
        Browser().post("/contact/callback/", {"name": "Olena"}, REMOTE_ADDR="198.51.100.8")
    ok = Browser().post(
        "/contact/callback/",
        {"name": "Olena", "phone": "+380501234567"},
        REMOTE_ADDR="198.51.100.8",
    )
    assert ok.status_code == 302 and Client.objects.filter(name="Olena").exists()


def test_a_filled_honeypot_is_thanked_and_dropped(sales_manager):
    response = Browser().post(
        "/contact/callback/",
        {"name": "Spam", "phone": "+380501234567", "website": "http://spam.example"},
    )
    assert response.status_code == 302  # the robot sees the usual thanks
    assert not Client.objects.filter(name="Spam").exists() and not Deal.objects.exists()
    page = Browser().get("/contact/callback/").content.decode()
    assert 'class="kr-hp" aria-hidden="true"' in page and 'tabindex="-1"' in page
