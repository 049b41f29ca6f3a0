"""A person's data exported and erased on their request; sales documents kept (issue 6, privacy).

Crosses every app that keeps something of a person: the client record and account (clients,
accounts), letters (mail), site visits and forms (tracking), the personal offer (personal),
orders, invoices, returns, cases (kept), and the audit trail (values redacted, M3).
"""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from email.message import EmailMessage

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client as Browser
from django.utils import timezone

from kramar.accounts.enums import Role
from kramar.audit.models import AuditEntry
from kramar.catalog.tests.factories import first_variant, make_product
from kramar.clients.models import Client, ClientEmail, ClientPhone, TimelineEntry
from kramar.clients.services import client_erase, shop_customer_register
from kramar.clients.tests.factories import CompanyFactory
from kramar.core.errors import ApplicationError
from kramar.mail.models import MailAttachment, MailMessage
from kramar.mail.services import mail_import
from kramar.orders.models import Order
from kramar.orders.services import order_advance, order_place
from kramar.orders.tests.support import cart_with, details, new_key
from kramar.personal.models import PersonalOffer
from kramar.personal.services import offer_set
from kramar.tracking.collector import CONSENT_COOKIE
from kramar.tracking.models import Event, Visitor, WebFormSubmission

pytestmark = pytest.mark.django_db
NAME, EMAIL, PHONE = "Марія Заньковецька", "maria@example.test", "+380671112233"


def _letter() -> bytes:
    letter = EmailMessage()
    letter["From"] = f"Maria <{EMAIL}>"
    letter["To"] = "shop@kramar.test"
    letter["Subject"] = "About my order"
    letter["Message-ID"] = "<m1@example.test>"
    letter.set_content("Hello, it is Maria, my phone is +380671112233.")
    letter.add_attachment(b"receipt bytes", maintype="application", subtype="pdf", filename="r.pdf")
    return bytes(letter)


@pytest.fixture
def person(sales_manager):
    """A customer with an account, a delivered order, a letter, a visit, a form and an offer."""
    user, client = shop_customer_register(
        email=EMAIL, password="Kramar-test-2026", full_name=NAME, phone=PHONE
    )
    variant = first_variant(make_product("Lamp", stock=5))
    order = order_place(
        cart=cart_with((variant, 1), user=user),
        checkout_key=new_key(),
        user=user,
        details=details(full_name=NAME, email=EMAIL, phone=PHONE),
    )
    mail_import(raw=_letter())
    visitor = Browser(HTTP_USER_AGENT="Mozilla/5.0 Chrome/130.0")
    visitor.cookies[CONSENT_COOKIE] = "all"
    visitor.get("/?utm_source=google&utm_campaign=spring")
    visitor.post("/contact/callback/", {"name": NAME, "phone": PHONE, "email": EMAIL})
    offer_set(
        actor=sales_manager,
        client=Client.objects.get(pk=client.pk),
        percent=5,
        message="For you",
        valid_until=timezone.localdate() + timedelta(days=30),
    )
    return Client.objects.get(pk=client.pk), order


def _deliver(order: Order, shop_manager) -> None:
    for status in ("confirmed", "packed", "shipped", "delivered"):
        order_advance(actor=shop_manager, order=order, status=status, tracking_number="2040")


@pytest.fixture
def shop_manager(make_staff):
    return make_staff(Role.SHOP_MANAGER)


def test_the_export_holds_everything_kept_of_the_person_and_is_audited(
    person, make_staff, client_for
):
    client, order = person
    head = make_staff(Role.HEAD_OF_SALES)
    data = client_for(head).get(f"/api/clients/{client.pk}/personal-data").json()
    assert data["client"]["name"] == NAME and EMAIL in data["emails"]
    assert data["account"]["email"] == EMAIL
    assert data["orders"][0]["number"] == order.number
    assert data["letters"][0]["subject"] == "About my order"
    assert data["letters"][0]["attachments"] == ["r.pdf"]
    assert data["site"]["first_touch"]["source"] == "google"
    assert data["personal"]["offer"]["message"] == "For you"
    assert data["crm"]["deals"] and data["timeline"]
    assert AuditEntry.objects.filter(
        action="export", model="clients.client", object_id=str(client.pk)
    ).exists()


def test_an_open_order_makes_the_erasure_wait_and_nothing_is_written(
    person, administrator, client_for
):
    client, _order = person
    office = client_for(administrator)  # signing in is itself a trail row
    before = AuditEntry.objects.count()
    response = office.post(
        f"/api/clients/{client.pk}/erase", {"note": "letter"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "clients.erasure_refused"
    assert any("order" in reason for reason in response.json()["extra"]["reasons"])
    assert Client.objects.get(pk=client.pk).name == NAME
    assert MailMessage.objects.filter(client=client).exists()
    assert AuditEntry.objects.count() == before


def test_erasure_anonymises_the_person_and_keeps_the_sales_documents(
    person, administrator, client_for, shop_manager, django_capture_on_commit_callbacks
):
    client, order = person
    _deliver(order, shop_manager)
    attachment = MailAttachment.objects.get()
    storage, stored = attachment.file.storage, attachment.file.name
    assert storage.exists(stored)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(administrator).post(
            f"/api/clients/{client.pk}/erase",
            {"note": "e-mail of 20 Nov"},
            content_type="application/json",
        )
    assert response.status_code == 200, response.content
    counts = response.json()
    assert counts["emails"] == 1 and counts["phones"] == 1 and counts["letters"] == 1

    client.refresh_from_db()
    assert client.name == f"Erased client #{client.pk}" and client.erased_at is not None
    assert not ClientEmail.objects.filter(client=client).exists()
    assert not ClientPhone.objects.filter(client=client).exists()
    user = client.user
    assert not user.is_active and user.email == f"erased-{client.pk}@invalid"
    assert not user.has_usable_password() and user.full_name == ""
    signing_in = Browser().post(
        "/account/login/", {"username": EMAIL, "password": "Kramar-test-2026"}
    )
    assert signing_in.status_code == 200  # the form again: the account is gone
    assert not MailMessage.objects.filter(client=client).exists()
    assert not storage.exists(stored)  # the attachment's file is gone too
    assert not Visitor.objects.exists() and not Event.objects.exists()
    assert not WebFormSubmission.objects.exists()
    assert not PersonalOffer.objects.filter(client=client).exists()
    kinds = set(TimelineEntry.objects.filter(client=client).values_list("kind", flat=True))
    assert kinds <= {"order", "invoice", "payment", "deal", "case"} and "order" in kinds

    order.refresh_from_db()  # the sales document stays as written (tax law)
    assert order.full_name == NAME and order.email == EMAIL and order.client_id == client.pk


def test_the_audit_trail_records_the_erasure_and_keeps_no_erased_value(
    person, administrator, shop_manager
):
    client, order = person
    _deliver(order, shop_manager)
    client_erase(actor=administrator, client=client, note="by phone")
    personal = ["clients.client", "clients.clientemail", "clients.clientphone", "accounts.user"]
    rows = AuditEntry.objects.filter(model__in=personal)
    text = json.dumps([[r.object_repr, r.changes] for r in rows], ensure_ascii=False)
    for value in (NAME, "Марія", EMAIL, "380671112233"):
        assert value not in text
    site, erase = AuditEntry.objects.filter(action="erase", model="clients.client").order_by("pk")
    assert site.changes["site_data"][1]["events"] >= 1  # tracking's part, counts kept
    assert erase.actor_id == administrator.pk
    assert erase.changes["request"] == [None, "by phone"]
    assert erase.changes["personal_data"][1]["letters"] == 1
    assert rows.filter(changes___redacted=True).exists()


def test_redacted_rows_cannot_be_reverted(person, administrator, shop_manager, client_for):
    client, order = person
    _deliver(order, shop_manager)
    client_erase(actor=administrator, client=client)
    page = client_for(administrator).get(f"/office/history/clients.client/{client.pk}/")
    assert page.status_code == 200
    assert b"[erased]" in page.content and b'data-testid="revert-' not in page.content


def test_a_company_and_a_second_erasure_are_refused(administrator, person, shop_manager):
    company = CompanyFactory()
    with pytest.raises(ApplicationError) as refused:
        client_erase(actor=administrator, client=company)
    assert refused.value.code == "clients.not_a_person"
    client, order = person
    _deliver(order, shop_manager)
    client_erase(actor=administrator, client=client)
    with pytest.raises(ApplicationError) as again:
        client_erase(actor=administrator, client=client)
    assert again.value.code == "clients.already_erased"


def test_owed_money_makes_the_erasure_wait(administrator, person, shop_manager):
    from kramar.billing.services import LineIn, invoice_create, invoice_issue

    client, order = person
    _deliver(order, shop_manager)
    invoice = invoice_create(
        actor=None,
        client=client,
        lines=[LineIn(description="Assembly", quantity=Decimal(1), unit_price=Decimal("100"))],
    )
    invoice_issue(actor=None, invoice=invoice, notify=False)
    with pytest.raises(ApplicationError) as refused:
        client_erase(actor=administrator, client=client)
    assert any("owes" in reason for reason in refused.value.extra["reasons"])


def test_only_administrators_erase_and_heads_of_sales_export(person, make_staff, client_for):
    client, _order = person
    head = client_for(make_staff(Role.HEAD_OF_SALES))
    assert (
        head.post(
            f"/api/clients/{client.pk}/erase", {}, content_type="application/json"
        ).status_code
        == 403
    )
    manager = client_for(make_staff(Role.SALES_MANAGER))
    assert manager.get(f"/api/clients/{client.pk}/personal-data").status_code == 403


def test_the_office_asks_for_the_clients_number_before_erasing(
    person, administrator, client_for, shop_manager
):
    client, order = person
    office = client_for(administrator)
    page = office.get(f"/office/clients/{client.pk}/erase/")
    assert b'data-testid="erase-refusals"' in page.content  # the order is not delivered yet
    _deliver(order, shop_manager)
    wrong = office.post(f"/office/clients/{client.pk}/erase/", {"confirm": "12345"})
    assert wrong.status_code == 400 and Client.objects.get(pk=client.pk).erased_at is None
    done = office.post(f"/office/clients/{client.pk}/erase/", {"confirm": f"#{client.pk}"})
    assert done.status_code == 302
    card = office.get(f"/office/clients/{client.pk}/").content.decode()
    assert 'data-testid="erased"' in card and NAME not in card
    download = office.get(f"/office/clients/{client.pk}/personal-data.json")
    assert download["Content-Disposition"].startswith("attachment")
    assert json.loads(download.content)["client"]["erased_at"]


def test_the_persons_name_and_phone_leave_the_texts_of_kept_records(
    person, administrator, shop_manager
):
    from kramar.crm.models import Activity, Deal

    client, order = person
    _deliver(order, shop_manager)
    call = Activity.objects.get(client=client, subject__contains=NAME)
    Deal.objects.filter(client=client).update(
        description="Ring 067 111-22-33 or maria@example.test"
    )
    client_erase(actor=administrator, client=client)
    call.refresh_from_db()
    assert NAME not in call.subject and f"Erased client #{client.pk}" in call.subject
    deal = Deal.objects.get(client=client)
    assert "111-22-33" not in deal.description and EMAIL not in deal.description
    rows = AuditEntry.objects.filter(model__in=["crm.activity", "crm.deal"])
    text = json.dumps([[r.object_repr, r.changes] for r in rows], ensure_ascii=False)
    assert NAME not in text and EMAIL not in text


@pytest.mark.parametrize(
    "typed", ["+380671112233", "0671112233", "067 111 22 33", "+38 (067) 111-22-33", "671112233"]
)
def test_a_phone_is_found_however_it_was_typed(typed):
    from kramar.clients.services.privacy import Erasure, patterns_for

    patterns = patterns_for(names=["Olena Koval"], emails=[], phones=["+380671112233"])
    erasure = Erasure(
        actor=None, client=Client(), at=timezone.now(), patterns=patterns, replacement="#"
    )
    assert erasure.scrub(f"call {typed} today") == "call # today"
    assert erasure.scrub("order 10671112233999") == "order 10671112233999"  # a longer number
    assert erasure.scrub("OLENA  koval wrote") == "# wrote" and erasure.scrub("Olenak") == "Olenak"


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the redaction switch belongs to the PostgreSQL trigger (docs/security.md)",
)
def test_the_redaction_switch_lets_only_values_change_never_who_or_when(person):
    row = AuditEntry.objects.filter(model="clients.client").first()

    def run(sql: str, *, switch: bool) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            value = "on" if switch else "off"
            cursor.execute("SELECT set_config('kramar.audit_redaction', %s, true)", [value])
            cursor.execute(sql, [row.pk])

    with pytest.raises(DatabaseError, match="append-only"):  # no switch: not even the values
        run("UPDATE audit_auditentry SET object_repr = 'y' WHERE id = %s", switch=False)
    for sql in (
        "UPDATE audit_auditentry SET actor_label = 'x' WHERE id = %s",
        "UPDATE audit_auditentry SET at = now() WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"):
            run(sql, switch=True)
    run("UPDATE audit_auditentry SET object_repr = 'x' WHERE id = %s", switch=True)
    assert AuditEntry.objects.get(pk=row.pk).object_repr == "x"


def test_a_duplicate_once_merged_into_the_person_is_erased_with_it(
    person, administrator, shop_manager
):
    from kramar.clients.services import client_merge
    from kramar.clients.tests.factories import ClientFactory

    client, order = person
    _deliver(order, shop_manager)
    duplicate = ClientFactory(first_name="Марія", last_name="Заньковецька", emails=["m2@x.test"])
    client_merge(actor=administrator, source=duplicate, target=client)
    client_erase(actor=administrator, client=client)
    duplicate.refresh_from_db()
    assert duplicate.erased_at is not None and "Заньковецька" not in duplicate.name
    rows = AuditEntry.objects.filter(model="clients.client", object_id=str(duplicate.pk))
    assert "Заньковецька" not in json.dumps([[r.object_repr, r.changes] for r in rows])
