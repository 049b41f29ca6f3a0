"""Payments: by hand, partial, overpayment as credit, credit applied, refusals (issue 7)."""

from datetime import date
from decimal import Decimal

import pytest

from kramar.billing.enums import InvoiceStatus
from kramar.billing.models import IncomingPayment
from kramar.billing.selectors import client_credit
from kramar.billing.services import (
    client_credit_apply,
    invoice_cancel,
    payment_allocate,
    payment_record,
)
from kramar.billing.tests.factories import issued_invoice
from kramar.clients.tests.factories import ClientFactory
from kramar.core.errors import ApplicationError

pytestmark = pytest.mark.django_db
ARRIVED = date(2026, 3, 10)


def pay(client, amount, invoice=None, **kwargs):
    return payment_record(
        actor=None, client=client, amount=Decimal(amount), received_on=ARRIVED, invoice=invoice,
        **kwargs,
    )  # fmt: skip


def test_partial_then_full_payment(own_client):
    invoice = issued_invoice(client=own_client, amount="1000.00", day=date(2026, 3, 2))
    pay(own_client, "400", invoice)
    invoice.refresh_from_db()
    assert invoice.paid_amount == Decimal("400.00") and invoice.balance == Decimal("600.00")
    assert invoice.status in (InvoiceStatus.PARTLY_PAID, InvoiceStatus.OVERDUE)
    pay(own_client, "600", invoice)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.paid_on == ARRIVED


def test_more_than_the_debt_is_refused_unless_kept_as_credit(own_client):
    invoice = issued_invoice(client=own_client, amount="1000.00")
    with pytest.raises(ApplicationError) as refused:
        pay(own_client, "1500", invoice)
    assert refused.value.code == "billing.amount_above_debt"
    assert not IncomingPayment.objects.exists()
    pay(own_client, "1500", invoice, keep_excess_as_credit=True)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert client_credit(client=own_client) == Decimal("500.00")


def test_client_credit_is_applied_to_another_invoice(own_client):
    pay(own_client, "300")
    pay(own_client, "500")
    invoice = issued_invoice(client=own_client, amount="600.00", day=date(2026, 3, 12))
    assert client_credit_apply(actor=None, invoice=invoice) == Decimal("600.00")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert client_credit(client=own_client) == Decimal("200.00")
    # Money that was there before the invoice pays it on the day of issue (0 days to pay).
    assert {a.paid_on for a in invoice.allocations.all()} == {date(2026, 3, 12)}


def test_a_cancelled_invoice_cannot_be_paid(own_client):
    invoice = issued_invoice(client=own_client)
    invoice_cancel(actor=None, invoice=invoice, reason="Дублікат")
    with pytest.raises(ApplicationError) as refused:
        pay(own_client, "100", invoice)
    assert refused.value.code == "billing.invoice_cancelled"
    payment = pay(own_client, "100")
    with pytest.raises(ApplicationError) as refused:
        payment_allocate(actor=None, payment=payment, invoice=invoice)
    assert refused.value.code == "billing.invoice_cancelled"


def test_another_clients_invoice_and_foreign_money_are_refused(own_client):
    invoice = issued_invoice(client=ClientFactory())
    with pytest.raises(ApplicationError) as refused:
        pay(own_client, "100", invoice)
    assert refused.value.code == "billing.other_client"
    with pytest.raises(ApplicationError) as refused:
        pay(own_client, "100", currency="EUR")
    assert refused.value.code == "billing.bad_currency"
    for amount in ("0", "-5"):
        with pytest.raises(ApplicationError):
            pay(own_client, amount)
    assert not IncomingPayment.objects.exists()
