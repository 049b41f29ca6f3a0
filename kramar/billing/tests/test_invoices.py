"""Invoices: drafts, issue with gapless numbers per series and year, VAT, terms, cancel, credit
notes (issue 7, M10)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from kramar.billing.enums import InvoiceStatus
from kramar.billing.models import Invoice
from kramar.billing.services import (
    LineIn,
    credit_note_issue,
    invoice_cancel,
    invoice_create,
    invoice_draft_delete,
    invoice_issue,
    payment_record,
)
from kramar.billing.tests.factories import issued_invoice
from kramar.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


def test_a_draft_has_no_number_and_issue_numbers_it_with_dates_and_manager(own_client, manager):
    invoice = invoice_create(
        actor=manager,
        client=own_client,
        lines=[
            LineIn("Стіл", Decimal("2"), Decimal("1500.00")),
            LineIn("Ліки", Decimal("1"), Decimal("107.00"), vat_rate=Decimal("7")),
        ],
        terms="net_30",
    )
    assert invoice.number is None and invoice.status == InvoiceStatus.DRAFT
    assert invoice.total == Decimal("3107.00")
    assert invoice.vat_total == Decimal("500.00") + Decimal("7.00")
    invoice = invoice_issue(actor=manager, invoice=invoice, today=date(2026, 3, 2))
    assert invoice.number == "РФ-2026-00001"
    assert invoice.issue_date == date(2026, 3, 2)
    assert invoice.due_date == date(2026, 4, 1)
    assert invoice.manager == manager and invoice.status == InvoiceStatus.ISSUED


def test_numbers_follow_each_other_without_gaps_and_restart_each_year(own_client):
    first = issued_invoice(client=own_client, day=date(2026, 12, 31))
    draft = invoice_create(
        actor=None, client=own_client, lines=[LineIn("x", Decimal(1), Decimal(1))]
    )
    invoice_draft_delete(invoice=draft)  # a deleted draft leaves no gap
    second = issued_invoice(client=own_client, day=date(2026, 12, 31))
    next_year = issued_invoice(client=own_client, day=date(2027, 1, 1))
    assert [first.number, second.number, next_year.number] == [
        "РФ-2026-00001",
        "РФ-2026-00002",
        "РФ-2027-00001",
    ]


def test_a_cancelled_invoice_keeps_its_number(own_client):
    invoice = issued_invoice(client=own_client)
    cancelled = invoice_cancel(actor=None, invoice=invoice, reason="Помилка в реквізитах")
    assert cancelled.status == InvoiceStatus.CANCELLED
    assert cancelled.number == "РФ-2026-00001"
    assert issued_invoice(client=own_client).number == "РФ-2026-00002"


def test_custom_terms_need_days_and_give_the_due_date(own_client):
    invoice = issued_invoice(client=own_client, terms="custom", days=45, day=date(2026, 1, 10))
    assert invoice.due_date == date(2026, 1, 10) + timedelta(days=45)
    with pytest.raises(ApplicationError) as refused:
        issued_invoice(client=own_client, terms="custom")
    assert refused.value.code == "billing.bad_terms"


def test_bad_lines_are_refused(own_client):
    for line, code in [
        (LineIn("", Decimal(1), Decimal(1)), "billing.bad_line"),
        (LineIn("x", Decimal(0), Decimal(1)), "billing.bad_line"),
        (LineIn("x", Decimal(1), Decimal(-1)), "billing.bad_line"),
        (LineIn("x", Decimal(1), Decimal(1), vat_rate=Decimal(13)), "billing.bad_line"),
    ]:
        with pytest.raises(ApplicationError) as refused:
            invoice_create(actor=None, client=own_client, lines=[line])
        assert refused.value.code == code
    with pytest.raises(ApplicationError):
        invoice_create(actor=None, client=own_client, lines=[])
    assert not Invoice.objects.exists()


def test_a_credit_note_reverses_part_then_the_rest_and_never_more(own_client):
    invoice = issued_invoice(client=own_client, amount="1200.00")
    note = credit_note_issue(actor=None, invoice=invoice, reason="Знижка", amount=Decimal("200"))
    assert note.number == "КН-2026-00001" and note.vat_total == Decimal("33.33")
    invoice.refresh_from_db()
    assert invoice.balance == Decimal("1000.00")
    with pytest.raises(ApplicationError) as refused:
        credit_note_issue(actor=None, invoice=invoice, reason="x", amount=Decimal("1000.01"))
    assert refused.value.code == "billing.credit_above_invoice"
    credit_note_issue(actor=None, invoice=invoice, reason="Повернення")  # the rest
    invoice.refresh_from_db()
    assert invoice.balance == 0 and invoice.status == InvoiceStatus.CANCELLED


def test_crediting_a_paid_invoice_gives_the_money_back_as_client_credit(own_client):
    from kramar.billing.selectors import client_credit

    invoice = issued_invoice(client=own_client, amount="1000.00")
    payment_record(
        actor=None, client=own_client, amount=Decimal("1000"), received_on=date(2026, 3, 5),
        invoice=invoice,
    )  # fmt: skip
    note = credit_note_issue(actor=None, invoice=invoice, reason="Брак", amount=Decimal("300"))
    invoice.refresh_from_db()
    assert note.released_to_credit == Decimal("300.00")
    assert (invoice.paid_amount, invoice.balance, invoice.status) == (
        Decimal("700.00"), Decimal("0.00"), InvoiceStatus.PAID,
    )  # fmt: skip
    assert client_credit(client=own_client) == Decimal("300.00")


def test_an_invoice_with_money_on_it_cannot_be_cancelled(own_client):
    invoice = issued_invoice(client=own_client)
    payment_record(
        actor=None, client=own_client, amount=Decimal("1"), received_on=date(2026, 3, 5),
        invoice=invoice,
    )  # fmt: skip
    with pytest.raises(ApplicationError) as refused:
        invoice_cancel(actor=None, invoice=invoice, reason="x")
    assert refused.value.code == "billing.has_payments"
