"""Billing in the JSON API: the permission matrix (anonymous, customer, staff without the right,
staff with it; invisible 404, visible-but-not-allowed 403, nothing changed on a denial) and the
main flows with their clear 4xx refusals (issue 7)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as Browser

from kramar.accounts.enums import Role
from kramar.billing.models import IncomingPayment, Invoice, Statement
from kramar.billing.services import invoice_cancel
from kramar.billing.tests.factories import issued_invoice
from kramar.clients.tests.factories import ClientFactory
from kramar.crm.models import Pipeline
from kramar.crm.services import deal_create

pytestmark = pytest.mark.django_db
JSON = "application/json"
NEW = {
    "lines": [
        {"description": "Монтаж стелажів", "quantity": "3", "unit_price": "1250.50"},
        {"description": "Доставка", "quantity": "1", "unit_price": "300.00", "vat_rate": "0"},
    ],
    "terms": "net_30",
}


def test_the_matrix_for_the_invoice_list_and_creation(client_for, customer, make_staff, own_client):
    issued_invoice(client=own_client)
    anonymous = Browser()
    assert anonymous.get("/api/invoices").status_code == 401
    assert client_for(customer).get("/api/invoices").status_code == 403
    assert client_for(make_staff(Role.MARKETING)).get("/api/invoices").status_code == 403
    manager_api = client_for(own_client.manager)
    assert manager_api.get("/api/invoices").json()["count"] == 1
    # A manager may see but not write invoices by hand: 403, nothing made.
    refused = manager_api.post(
        "/api/invoices", {**NEW, "client_id": own_client.pk}, content_type=JSON
    )
    assert refused.status_code == 403 and Invoice.objects.count() == 1
    other_manager = client_for(make_staff(Role.SALES_MANAGER))
    assert other_manager.get("/api/invoices").json()["count"] == 0


def test_the_accountant_makes_pays_and_credits_an_invoice(client_for, accountant, own_client):
    api = client_for(accountant)
    made = api.post("/api/invoices", {**NEW, "client_id": own_client.pk}, content_type=JSON)
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["number"].startswith("РФ-") and body["total"] == "4051.50"
    assert body["vat_total"] == "625.25" and body["status"] == "issued"
    invoice_id = body["id"]

    too_much = api.post(
        "/api/payments",
        {"client_id": own_client.pk, "invoice_id": invoice_id, "amount": "5000",
         "received_on": "2026-03-05"},
        content_type=JSON,
    )  # fmt: skip
    assert too_much.status_code == 400 and too_much.json()["code"] == "billing.amount_above_debt"
    assert not IncomingPayment.objects.exists()

    paid = api.post(
        "/api/payments",
        {"client_id": own_client.pk, "invoice_id": invoice_id, "amount": "1000.00",
         "received_on": "2026-03-05"},
        content_type=JSON,
    )  # fmt: skip
    assert paid.status_code == 201 and paid.json()["unallocated"] == "0.00"
    note = api.post(
        f"/api/invoices/{invoice_id}/credit-notes",
        {"reason": "Знижка", "amount": "4051.51"},
        content_type=JSON,
    )
    assert note.status_code == 400 and note.json()["code"] == "billing.credit_above_invoice"
    note = api.post(
        f"/api/invoices/{invoice_id}/credit-notes", {"reason": "Знижка", "amount": "51.50"},
        content_type=JSON,
    )  # fmt: skip
    assert note.status_code == 201
    detail = api.get(f"/api/invoices/{invoice_id}").json()
    assert (detail["balance"], detail["status"]) == ("3000.00", "partly_paid")
    assert len(detail["allocations"]) == 1 and len(detail["credit_notes"]) == 1


def test_paying_a_cancelled_invoice_is_a_clear_409(client_for, accountant, own_client):
    invoice = invoice_cancel(actor=None, invoice=issued_invoice(client=own_client), reason="x")
    answer = client_for(accountant).post(
        "/api/payments",
        {"client_id": own_client.pk, "invoice_id": invoice.pk, "amount": "10",
         "received_on": "2026-03-05"},
        content_type=JSON,
    )  # fmt: skip
    assert answer.status_code == 409 and answer.json()["code"] == "billing.invoice_cancelled"


def test_an_invisible_invoice_is_404_and_a_visible_one_not_changeable_is_403(
    client_for, make_staff, own_client
):
    invoice = issued_invoice(client=own_client)
    outsider = client_for(make_staff(Role.SALES_MANAGER))
    assert outsider.get(f"/api/invoices/{invoice.pk}").status_code == 404
    owner = client_for(own_client.manager)
    assert owner.get(f"/api/invoices/{invoice.pk}").status_code == 200
    cancel = owner.post(f"/api/invoices/{invoice.pk}/cancel", {"reason": "x"}, content_type=JSON)
    assert cancel.status_code == 403
    invoice.refresh_from_db()
    assert invoice.status == "issued"
    head = client_for(make_staff(Role.COMPANY_HEAD))
    assert head.get(f"/api/invoices/{invoice.pk}").status_code == 200
    assert head.post(f"/api/invoices/{invoice.pk}/cancel", {"reason": "x"},
                     content_type=JSON).status_code == 403  # fmt: skip


def test_a_manager_invoices_their_won_deal(client_for, manager, own_client):
    wholesale = Pipeline.objects.get(code="wholesale")
    deal = deal_create(
        actor=manager, client=own_client, pipeline=wholesale, title="Поставка 200 стільців",
        manager=manager, amount=Decimal("150000.00"),
    )  # fmt: skip
    api = client_for(manager)
    refused = api.post(f"/api/deals/{deal.pk}/invoice", {}, content_type=JSON)
    assert refused.status_code == 409 and refused.json()["code"] == "billing.deal_not_won"
    won = wholesale.stages.get(kind="won")
    deal.stage, deal.status = won, "won"
    deal.save(update_fields=["stage", "status"])
    made = api.post(f"/api/deals/{deal.pk}/invoice", {"terms": "net_30"}, content_type=JSON)
    assert made.status_code == 201, made.content
    assert made.json()["total"] == "150000.00" and made.json()["manager"]["id"] == manager.pk


def test_statement_upload_is_idempotent_and_bad_files_are_400(client_for, accountant):
    company = ClientFactory(manager=None)
    invoice = issued_invoice(client=company, amount="250.00")
    api = client_for(accountant)
    content = f"date,amount,purpose,reference\n2026-03-05,250.00,Оплата {invoice.number},X1\n"

    def upload(data, name="s.csv"):
        return api.post("/api/statements", {"file": SimpleUploadedFile(name, data.encode())})

    first = upload(content)
    assert first.status_code == 201 and first.json()["matched"] == 1
    again = upload(content)
    assert again.status_code == 200 and again.json()["duplicate_file"] is True
    assert Statement.objects.count() == 1 and IncomingPayment.objects.count() == 1
    bad = upload("hello world")
    assert bad.status_code == 400
    assert bad.json()["code"] == "billing.unknown_statement_format"
    assert (
        client_for(make_staff_role(Role.SALES_MANAGER))
        .post("/api/statements", {"file": SimpleUploadedFile("s.csv", b"x")})
        .status_code
        == 403
    )


def make_staff_role(role):
    from kramar.accounts.tests.factories import StaffFactory

    return StaffFactory(roles=[role])


def test_debtors_and_credit_limit(client_for, accountant, manager, own_client):
    issued_invoice(client=own_client, amount="500.00", day=date(2026, 1, 5))
    api = client_for(accountant)
    report = api.get("/api/debtors?group=manager").json()
    assert report["rows"][0]["key"] == manager.pk
    assert report["rows"][0]["open_debt"] == "500.00"
    assert report["rows"][0]["buckets"]["over_90"] == "500.00"
    assert client_for(manager).get("/api/debtors").status_code == 200
    limit = api.put(f"/api/clients/{own_client.pk}/credit-limit", {"amount": "400"},
                    content_type=JSON)  # fmt: skip
    assert limit.status_code == 200 and limit.json()["exceeded"] is True
    assert (
        client_for(manager)
        .put(f"/api/clients/{own_client.pk}/credit-limit", {"amount": "9999"}, content_type=JSON)
        .status_code
        == 403
    )
    assert api.get("/api/debtors?date_from=2026-05-01&date_to=2026-01-01").status_code == 400
