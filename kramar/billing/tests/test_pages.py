"""Billing pages: the office's invoice list and card, PDFs, the matching queue with statement
upload, the debtors report, the invoices on the client and deal cards, and the customer's
account with their own invoices only (issue 7)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kramar.accounts.enums import Role
from kramar.accounts.tests.factories import CustomerFactory
from kramar.billing.models import IncomingPayment, StatementLine
from kramar.billing.services import credit_limit_set
from kramar.billing.tests.factories import issued_invoice
from kramar.clients.services import client_for_shop_user
from kramar.crm.models import Pipeline
from kramar.crm.services import deal_create

pytestmark = pytest.mark.django_db


def test_the_accountant_works_through_the_office(client_for, accountant, own_client):
    invoice = issued_invoice(client=own_client, amount="900.00", day=date(2026, 3, 2))
    office = client_for(accountant)
    listing = office.get("/office/invoices/?overdue=on")
    assert listing.status_code == 200 and invoice.number in listing.content.decode()
    card = office.get(f"/office/invoices/{invoice.pk}/")
    assert card.status_code == 200 and "Record payment" in card.content.decode()
    pdf = office.get(f"/office/invoices/{invoice.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    paid = office.post(
        f"/office/invoices/{invoice.pk}/payments/",
        {"amount": "900.00", "received_on": "2026-03-20", "reference": "п/д 17"},
    )
    assert paid.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == "paid"
    too_much = office.post(
        f"/office/invoices/{invoice.pk}/payments/", {"amount": "1", "received_on": "2026-03-20"}
    )
    assert too_much.status_code == 302 and IncomingPayment.objects.count() == 1

    content = b"date;amount;purpose;reference\n2026-03-21;55.00;unknown;Q1\n"
    office.post("/office/payments/statements/", {"file": SimpleUploadedFile("s.csv", content)})
    queue = office.get("/office/payments/")
    assert "unknown" in queue.content.decode()
    line = StatementLine.objects.get()
    office.post(f"/office/payments/lines/{line.pk}/resolve/", {"client": own_client.pk})
    line.refresh_from_db()
    assert line.status == "matched" and line.payment.client == own_client
    debtors = office.get("/office/debtors/?group=client")
    assert debtors.status_code == 200 and own_client.name in debtors.content.decode()


def test_roles_without_billing_see_no_billing_pages(client_for, make_staff, own_client):
    invoice = issued_invoice(client=own_client)
    marketing = client_for(make_staff(Role.MARKETING))
    assert marketing.get("/office/invoices/").status_code == 403
    assert marketing.get("/office/debtors/").status_code == 403
    outsider = client_for(make_staff(Role.SALES_MANAGER))
    assert outsider.get(f"/office/invoices/{invoice.pk}/").status_code == 404
    assert outsider.get("/office/payments/").status_code == 403
    owner = client_for(own_client.manager)
    assert owner.get(f"/office/invoices/{invoice.pk}/").status_code == 200
    assert owner.post(f"/office/invoices/{invoice.pk}/cancel/", {"reason": "x"}).status_code == 403


def test_client_and_deal_cards_show_invoices_and_the_limit_warning(client_for, manager, own_client):
    invoice = issued_invoice(client=own_client, amount="700.00")
    credit_limit_set(actor=None, client=own_client, amount=Decimal("1000"))
    deal = deal_create(
        actor=manager, client=own_client, pipeline=Pipeline.objects.get(code="wholesale"),
        title="Поставка", manager=manager, amount=Decimal("500.00"),
    )  # fmt: skip
    office = client_for(manager)
    client_card = office.get(f"/office/clients/{own_client.pk}/").content.decode()
    assert invoice.number in client_card and 'data-testid="limit-exceeded"' not in client_card
    deal_card = office.get(f"/office/deals/{deal.pk}/").content.decode()
    assert 'data-testid="limit-exceeded"' in deal_card  # 700 owed + 500 > 1000


def test_the_customer_sees_and_downloads_only_their_own_invoices(client_for, customer):
    mine = issued_invoice(client=client_for_shop_user(user=customer), amount="100.00")
    other = issued_invoice(
        client=client_for_shop_user(user=CustomerFactory(email="x@example.test"))
    )
    shop = client_for(customer)
    page = shop.get("/account/").content.decode()
    assert mine.number in page and other.number not in page
    pdf = shop.get(f"/account/invoices/{mine.pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert shop.get(f"/account/invoices/{other.pk}.pdf").status_code == 404
    assert client_for(customer).get("/office/invoices/").status_code in (302, 403)
