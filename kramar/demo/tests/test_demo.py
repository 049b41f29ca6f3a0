"""``manage.py kramar_demo``: every role has a person, a second run adds nothing, seeds repeat."""

import pytest
from django.core.management import CommandError, call_command

from kramar.accounts.enums import Role
from kramar.accounts.models import Department, User
from kramar.accounts.selectors import user_roles
from kramar.cases.models import ServiceCase
from kramar.clients.models import Client, SavedView, TimelineEntry
from kramar.clients.selectors import client_list
from kramar.crm.models import Activity, ApprovalRequest, Deal
from kramar.mail.models import MailMessage, MailTemplate
from kramar.tracking.models import WebFormSubmission

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_mail_files(settings, tmp_path):
    """The demo's letters carry files: keep them out of the working copy's var/."""
    settings.MAIL_FILES_ROOT = str(tmp_path / "mail-files")


def snapshot():
    return (
        sorted(User.objects.values_list("email", "full_name", "is_staff")),
        sorted(Department.objects.values_list("code", "kind")),
        sorted(
            Client.objects.values_list("name", "kind", "manager__email", "region__code"),
            key=str,
        ),
        TimelineEntry.objects.count(),
        sorted(Deal.objects.values_list("title", "status", "stage__code", "amount"), key=str),
    )


def test_the_demo_has_a_person_in_every_role_and_prints_the_logins(capsys):
    call_command("kramar_demo", scale="small", no_progress=True)
    out = capsys.readouterr().out
    roles = set()
    for user in User.objects.filter(is_staff=True).prefetch_related("groups"):
        roles |= user_roles(user)
    assert roles == set(Role)
    assert User.objects.filter(is_staff=False).count() >= 30
    for email in (
        "admin@demo.kramar.ua",
        "sales1.manager1@demo.kramar.ua",
        "customer@demo.kramar.ua",
    ):
        assert email in out
        assert User.objects.get(email=email).check_password("kramar-demo-2026")


def test_the_demo_command_is_idempotent():
    call_command("kramar_demo", scale="small", no_progress=True)
    first = snapshot()
    call_command("kramar_demo", scale="small", no_progress=True)
    assert snapshot() == first


def test_the_same_seed_gives_the_same_people_and_another_seed_other_names():
    call_command("kramar_demo", scale="small", seed=7, no_progress=True)
    first = snapshot()
    wipe()
    call_command("kramar_demo", scale="small", seed=7, no_progress=True)
    assert snapshot() == first
    wipe()
    call_command("kramar_demo", scale="small", seed=8, no_progress=True)
    assert snapshot() != first


def wipe():
    from kramar.billing.models import (
        Allocation,
        CreditNote,
        IncomingPayment,
        Invoice,
        NumberCounter,
        Statement,
    )
    from kramar.cart.models import Cart
    from kramar.catalog.models import Product, ProductGroup
    from kramar.orders.models import Order
    from kramar.tracking.models import Visitor

    Visitor.objects.all().delete()  # with its events and visits
    Allocation.objects.all().delete()
    Statement.objects.all().delete()  # with its lines
    CreditNote.objects.all().delete()
    IncomingPayment.objects.all().delete()
    Invoice.objects.all().delete()
    NumberCounter.objects.all().delete()
    Order.objects.all().delete()
    Cart.objects.all().delete()
    Product.objects.all().delete()  # with its variants and stock
    ProductGroup.objects.filter(depth=1).delete()
    ProductGroup.objects.all().delete()
    ServiceCase.objects.all().delete()
    MailMessage.objects.all().delete()
    MailTemplate.objects.all().delete()
    ApprovalRequest.objects.all().delete()
    Activity.objects.all().delete()
    Deal.objects.all().delete()
    Client.objects.update(company=None, merged_into=None)
    Client.objects.all().delete()
    User.objects.all().delete()
    Department.objects.all().delete()


def test_every_manager_has_a_book_of_clients_and_every_customer_is_a_client():
    call_command("kramar_demo", scale="small", no_progress=True)
    managers = User.objects.filter(groups__name="sales_manager")
    assert managers.exists()
    for manager in managers:
        # Twelve each, and the leads the demo's stranger's letter (M8) and the site's forms
        # (issue 6) brought them.
        lead = Client.objects.filter(mail__message_id="<demo-lead-1@example.org>")
        forms = Client.objects.filter(pk__in=WebFormSubmission.objects.values("client"))
        book = Client.objects.filter(manager=manager).exclude(pk__in=lead).exclude(pk__in=forms)
        assert book.count() == 12
    assert not User.objects.filter(is_staff=False, client__isnull=True).exists()
    silent = Client.objects.filter(manager__isnull=False, last_contact_at__isnull=True)
    assert silent.exists()  # the "no contact for long" indicator has something to show
    for manager in managers:
        views = {view.name: view.filters for view in SavedView.objects.filter(owner=manager)}
        assert views["Мовчать понад 90 днів"] == {"silent_days": 90, "ordering": "last_contact"}
        assert client_list(viewer=manager, **views["Компанії"]).exists()


def test_every_manager_has_open_won_and_lost_deals_and_work_to_do_m13_m17():
    call_command("kramar_demo", scale="small", no_progress=True)
    statuses = set(Deal.objects.values_list("status", flat=True))
    assert statuses == {"open", "won", "lost"}
    assert not Deal.objects.filter(status="lost", lost_reason__isnull=True).exists()
    assert Activity.objects.filter(completed_at__isnull=True).exists()
    done = Activity.objects.filter(completed_at__isnull=False)
    assert not done.filter(outcome__isnull=True).exists()  # M1
    assert not done.filter(deal__isnull=False, stage__isnull=True).exists()  # M2


def test_the_demo_routes_new_leads_by_a_few_rules_m6_m8():
    from kramar.crm.models import LeadRule

    call_command("kramar_demo", scale="small", no_progress=True)
    rules = list(LeadRule.objects.select_related("department", "manager"))
    assert [rule.order for rule in rules] == [1, 2, 3, 4, 5]
    assert {rule.channel for rule in rules} == {"", "quote", "email", "callback"}
    assert [rule.is_active for rule in rules].count(False) == 1
    by_mail = Client.objects.get(mail__message_id="<demo-lead-1@example.org>")
    assert by_mail.manager.department.code == "sales-1"  # the rule for letters


def test_an_unknown_scale_is_refused():
    with pytest.raises(CommandError):
        call_command("kramar_demo", scale="huge", no_progress=True)


def test_the_demo_shop_has_a_catalogue_stock_and_a_year_of_orders_m18():
    from kramar.catalog.models import Product, ProductGroup, Stock
    from kramar.orders.models import Order

    call_command("kramar_demo", scale="small", no_progress=True)
    assert Product.objects.count() == 500
    assert ProductGroup.objects.filter(parent__isnull=False).count() >= 27
    assert Stock.objects.filter(quantity=0).exists()  # some goods are sold out
    statuses = set(Order.objects.values_list("status", flat=True))
    assert {"delivered", "cancelled"} <= statuses
    assert Order.objects.exclude(manager=None).exists()  # sales credited to managers
    assert Order.objects.values("delivery_region").distinct().count() > 5
    assert not Order.objects.filter(lines__isnull=True).exists()


def test_the_demo_has_approvals_waiting_a_recycle_bin_and_an_audit_trail_issue_5():
    from kramar.audit.models import AuditEntry
    from kramar.crm.selectors import deals_in_recycle_bin

    call_command("kramar_demo", scale="small", no_progress=True)
    pending = ApprovalRequest.objects.filter(status="pending")
    assert pending.exists()
    head = User.objects.filter(groups__name=Role.HEAD_OF_SALES.value).first()
    assert deals_in_recycle_bin(viewer=head).exists()
    assert AuditEntry.objects.filter(model="crm.deal", action="soft_delete").exists()
    assert AuditEntry.objects.filter(model="crm.deal", action="create").count() == (
        Deal.objects.count()
    )


def test_the_demo_has_visits_leads_from_forms_and_touches_issue_6():
    from kramar.clients.enums import TimelineKind
    from kramar.tracking.models import (
        ClientTouch,
        DealTouch,
        Event,
        OrderTouch,
        SiteSession,
        Visitor,
    )

    call_command("kramar_demo", scale="small", no_progress=True)
    assert Visitor.objects.filter(client__isnull=False).count() >= 15
    assert Visitor.objects.filter(client__isnull=True).exists()  # anonymous visitors too
    assert set(Event.objects.values_list("kind", flat=True)) >= {
        "page_view",
        "product_view",
        "search",
    }
    assert SiteSession.objects.filter(client__isnull=False).exists()
    assert TimelineEntry.objects.filter(kind=TimelineKind.SITE_SESSION).exists()
    sources = set(ClientTouch.objects.values_list("first__source", flat=True))
    assert {"google", "newsletter"} & sources
    forms = WebFormSubmission.objects.all()
    assert forms.count() == 6 and not forms.filter(deal__isnull=True).exists()
    assert DealTouch.objects.count() == 6
    assert Activity.objects.filter(deal__in=forms.values("deal"), completed_at=None).count() == 6
    assert OrderTouch.objects.exists()


def test_the_demo_mail_has_a_letter_with_a_file_and_a_bounce_in_the_quarantine_m8():
    call_command("kramar_demo", scale="small", no_progress=True)
    with_file = MailMessage.objects.filter(direction="out", attachments__isnull=False).get()
    assert with_file.attachments.get().filename == "Комерційна пропозиція.txt"
    bounce = MailMessage.objects.get(message_id="<demo-bounce-1@mx.example.com>")
    assert bounce.status == "quarantined" and bounce.client is None
