"""Bank statements: CSV and camt.053, matching by reference, by client and amount, the queue,
idempotent import, and bad files refused whole (issue 7)."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from kramar.billing.enums import InvoiceStatus, LineProblem, LineStatus
from kramar.billing.models import IncomingPayment, Statement, StatementLine
from kramar.billing.selectors import client_credit
from kramar.billing.services import numbers_in, statement_import, statement_line_resolve
from kramar.billing.tests.factories import issued_invoice
from kramar.clients.tests.factories import CompanyFactory
from kramar.core.errors import ApplicationError

pytestmark = pytest.mark.django_db
CAMT = (Path(__file__).parent / "data" / "camt053.xml").read_text(encoding="utf-8")


def _csv(*rows: str) -> bytes:
    header = "date;amount;currency;payer_name;payer_code;purpose;reference"
    return "\n".join([header, *rows]).encode()


def test_invoice_numbers_are_found_however_they_are_written():
    assert numbers_in("Оплата рах. РФ-2026-00012 та рф 2026/13, ПДВ") == [
        "РФ-2026-00012",
        "РФ-2026-00013",
    ]
    assert numbers_in("за товар") == []


def test_camt053_entries_are_matched_ignored_or_queued(accountant):
    company = CompanyFactory(name="ТОВ «Ромашка»")
    invoice = issued_invoice(client=company, amount="1200.00", day=date(2026, 3, 2))
    content = CAMT.replace("{NUMBER}", invoice.number).encode()
    result = statement_import(actor=accountant, file_name="march.xml", content=content)
    assert (result.matched, result.queued, result.ignored) == (1, 2, 1)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.paid_on == date(2026, 3, 10)
    lines = {line.entry_ref: line for line in StatementLine.objects.all()}
    assert lines["BANK-0002"].problem == LineProblem.OUTGOING
    assert lines["BANK-0003"].problem == LineProblem.CURRENCY
    assert lines["BANK-0004"].problem == LineProblem.NO_MATCH
    assert lines["BANK-0001"].payer_name == "ТОВ «Ромашка»"
    assert result.statement.account == "UA213223130000026007233566001"


def test_the_same_file_twice_changes_nothing(accountant):
    company = CompanyFactory()
    invoice = issued_invoice(client=company, amount="1200.00")
    content = CAMT.replace("{NUMBER}", invoice.number).encode()
    first = statement_import(actor=accountant, file_name="a.xml", content=content)
    counts = (Statement.objects.count(), StatementLine.objects.count(),
              IncomingPayment.objects.count())  # fmt: skip
    again = statement_import(actor=accountant, file_name="a-copy.xml", content=content)
    assert again.duplicate_file and again.statement == first.statement
    assert counts == (Statement.objects.count(), StatementLine.objects.count(),
                      IncomingPayment.objects.count())  # fmt: skip
    # An overlapping file (another export holding the same entries) adds only the new ones.
    overlapping = content.replace(b"</Stmt>", b"<!-- re-exported --></Stmt>")
    result = statement_import(actor=accountant, file_name="b.xml", content=overlapping)
    assert not result.duplicate_file and result.skipped == 4 and result.matched == 0
    assert IncomingPayment.objects.count() == counts[2]


def test_csv_matches_by_registration_code_and_exact_amount(accountant):
    company = CompanyFactory(registration_code="12345678")
    small = issued_invoice(client=company, amount="300.00")
    big = issued_invoice(client=company, amount="950.50")
    content = _csv(
        "10.03.2026;950,50;UAH;ТОВ Ромашка;12345678;за товар;R1",
        "2026-03-11;1 000,00;UAH;ТОВ Ромашка;12345678;аванс;R2",
    )
    result = statement_import(actor=accountant, file_name="s.csv", content=content)
    assert (result.matched, result.queued) == (1, 1)
    big.refresh_from_db()
    small.refresh_from_db()
    assert big.status == InvoiceStatus.PAID and small.paid_amount == 0
    assert StatementLine.objects.get(entry_ref="R2").problem == LineProblem.NO_MATCH


def test_overpayment_by_reference_is_kept_as_client_credit(accountant):
    company = CompanyFactory()
    invoice = issued_invoice(client=company, amount="1000.00")
    content = _csv(f"2026-03-11;1500.00;UAH;Ромашка;;Оплата {invoice.number};R9")
    statement_import(actor=accountant, file_name="s.csv", content=content)
    line = StatementLine.objects.get()
    assert line.status == LineStatus.MATCHED and line.problem == LineProblem.OVERPAID
    assert client_credit(client=company) == Decimal("500.00")


def test_queued_lines_are_resolved_by_hand_and_foreign_money_only_ignored(accountant):
    company = CompanyFactory()
    invoice = issued_invoice(client=company, amount="777.00")
    content = CAMT.replace("{NUMBER}", "без номера").encode()
    statement_import(actor=accountant, file_name="m.xml", content=content)
    unknown = StatementLine.objects.get(entry_ref="BANK-0004")
    statement_line_resolve(actor=accountant, line=unknown, invoice=invoice)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    with pytest.raises(ApplicationError) as refused:
        statement_line_resolve(actor=accountant, line=unknown, client=company)
    assert refused.value.code == "billing.line_already_resolved"
    euro = StatementLine.objects.get(entry_ref="BANK-0003")
    with pytest.raises(ApplicationError) as refused:
        statement_line_resolve(actor=accountant, line=euro, client=company)
    assert refused.value.code == "billing.bad_currency"
    assert statement_line_resolve(actor=accountant, line=euro, ignore=True).status == "ignored"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "billing.empty_statement"),
        (b"\x89PNG\r\n", "billing.unknown_statement_format"),
        (b"name,total\nx,1\n", "billing.unknown_statement_format"),
        (b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:pain.001.001.03'/>",
         "billing.unknown_statement_format"),
        (b"<not xml", "billing.unknown_statement_format"),
        (b"date;amount\n2026-03-01;abc\n2026-03-02;10\n", "billing.unreadable_statement"),
        (b"date;amount\n31.02.2026;10\n", "billing.unreadable_statement"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
         "billing.unknown_statement_format"),
    ],
)  # fmt: skip
def test_bad_files_are_refused_whole_with_a_clear_error(accountant, content, code):
    with pytest.raises(ApplicationError) as refused:
        statement_import(actor=accountant, file_name="bad", content=content)
    assert refused.value.code == code
    assert not Statement.objects.exists()
