"""The balance of every invoice equals its lines minus its payments and credit notes, whatever
sequence of operations happened (issue 7's "done when"): a hypothesis property test.

Random sequences of payments (to an invoice, or as credit), credit applications, credit notes
and cancellations over two invoices of one client; after every step, every invoice's stored
amounts equal those recounted from the rows, the balance is never negative, and the client's
credit equals their payments less what is allocated. Refused operations change nothing.
"""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kramar.billing.models import Allocation, IncomingPayment, Invoice, InvoiceLine
from kramar.billing.selectors import client_credit
from kramar.billing.services import (
    client_credit_apply,
    credit_note_issue,
    invoice_amounts_recount,
    invoice_cancel,
    payment_allocate,
    payment_record,
)
from kramar.billing.tests.factories import issued_invoice
from kramar.clients.tests.factories import ClientFactory
from kramar.core.errors import ApplicationError

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1500"), places=2)
operations = st.lists(
    st.tuples(
        st.sampled_from(["pay", "pay_excess", "credit_payment", "apply", "allocate",
                         "credit_note", "credit_all", "cancel"]),
        st.integers(min_value=0, max_value=1),
        amounts,
    ),
    min_size=1,
    max_size=12,
)  # fmt: skip


def _check(client, invoices):
    for invoice in invoices:
        invoice.refresh_from_db()
        credited, paid = invoice_amounts_recount(invoice=invoice)
        lines = sum(line.total for line in InvoiceLine.objects.filter(invoice=invoice))
        assert invoice.total == lines
        assert (invoice.credited_amount, invoice.paid_amount) == (credited, paid)
        assert invoice.balance == lines - credited - paid
        assert invoice.balance >= 0
    paid_in = sum(p.amount for p in IncomingPayment.objects.filter(client=client))
    allocated = sum(a.amount for a in Allocation.objects.filter(payment__client=client))
    assert client_credit(client=client) == paid_in - allocated >= 0
    for payment in IncomingPayment.objects.filter(client=client):
        assert payment.allocated_amount == sum(a.amount for a in payment.allocations.all())


def _apply(operation, client, invoice, amount):
    day = date(2026, 3, 20)
    if operation in ("pay", "pay_excess"):
        payment_record(
            actor=None, client=client, amount=amount, received_on=day, invoice=invoice,
            keep_excess_as_credit=operation == "pay_excess",
        )  # fmt: skip
    elif operation == "credit_payment":
        payment_record(actor=None, client=client, amount=amount, received_on=day)
    elif operation == "apply":
        client_credit_apply(actor=None, invoice=invoice)
    elif operation == "allocate":
        payment = IncomingPayment.objects.filter(client=client).order_by("-id").first()
        if payment is not None:
            payment_allocate(actor=None, payment=payment, invoice=invoice, amount=amount)
    elif operation == "credit_note":
        credit_note_issue(actor=None, invoice=invoice, reason="test", amount=amount)
    elif operation == "credit_all":
        credit_note_issue(actor=None, invoice=invoice, reason="test")
    else:
        invoice_cancel(actor=None, invoice=invoice, reason="test")


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(steps=operations)
def test_balance_is_lines_minus_payments_minus_credit_notes(steps):
    client = ClientFactory()
    invoices = [
        issued_invoice(client=client, amount="1000.00", day=date(2026, 3, 2)),
        issued_invoice(client=client, amount="250.50", day=date(2026, 3, 3)),
    ]
    for operation, which, amount in steps:
        before = list(Invoice.objects.filter(client=client).values().order_by("pk"))
        try:
            _apply(operation, client, invoices[which], amount)
        except ApplicationError:
            after = list(Invoice.objects.filter(client=client).values().order_by("pk"))
            assert before == after  # a refusal changes nothing
        _check(client, invoices)
