"""Bank statements: import a file once, match each entry to a client and invoices, queue the rest.

Matching (docs/billing.md): (1) invoice numbers written in the purpose of payment name the
invoices and so the client; (2) else the payer's registration code (ЄДРПОУ) names the client,
and an open invoice of theirs whose balance is exactly the amount is the one paid; (3) anything
else waits in the matching queue for the accountant. Money in another currency, money for a
cancelled or settled invoice, and ambiguous entries always wait; outgoing money is ignored.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.billing.enums import (
    OPEN_STATUSES,
    BillingErrorCode,
    LineProblem,
    LineStatus,
    PaymentSource,
)
from kramar.billing.models import Invoice, Statement, StatementLine
from kramar.billing.services.payments import (
    invoice_check_payable,
    payment_allocate,
    payment_record,
)
from kramar.billing.statements import Entry, StatementError, parse
from kramar.clients.models import Client
from kramar.core.errors import ApplicationError

MAX_BYTES = 5 * 1024 * 1024
# An invoice number as people write it: series letters, year, number; any dash, spaces or none.
NUMBER_IN_TEXT = re.compile(
    r"([A-ZА-ЯІЇЄҐ]{1,8})\s*[-‐‑–—/ ]?\s*(20\d\d)\s*[-‐‑–—/ ]\s*0*(\d{1,9})"
)


@dataclass(frozen=True)
class ImportResult:
    statement: Statement
    duplicate_file: bool
    matched: int
    queued: int
    ignored: int
    skipped: int  # entries imported before from another file


def numbers_in(text: str) -> list[str]:
    """Return the invoice numbers written in a purpose of payment, in canonical form."""
    found = []
    for series, year, sequence in NUMBER_IN_TEXT.findall(text.upper()):
        number = f"{series}-{year}-{int(sequence):05d}"
        if number not in found:
            found.append(number)
    return found


def _parsed(content: bytes) -> tuple[str, list[Entry], str]:
    if not content:
        raise ApplicationError(BillingErrorCode.EMPTY_STATEMENT, _("The file is empty."))
    if len(content) > MAX_BYTES:
        raise ApplicationError(
            BillingErrorCode.UNREADABLE, _("The file is larger than 5 MB."), status=413
        )
    try:
        parsed = parse(content)
    except StatementError as error:
        code = (
            BillingErrorCode.UNKNOWN_FORMAT if error.unknown_format else BillingErrorCode.UNREADABLE
        )
        message = (
            _("This is not a statement we read (CSV with a header row, or camt.053 XML): %(why)s.")
            if error.unknown_format
            else _("Nothing was imported: %(why)s.")
        )
        raise ApplicationError(
            code, message % {"why": error}, extra={"rows": error.rows[:100]}
        ) from None
    if not parsed.entries:
        raise ApplicationError(BillingErrorCode.EMPTY_STATEMENT, _("The file has no entries."))
    return parsed.format, parsed.entries, parsed.account


def statement_import(
    *, actor: User | None, file_name: str, content: bytes, today: date | None = None
) -> ImportResult:
    """Import a bank statement; the same file a second time changes nothing."""
    file_hash = hashlib.sha256(content).hexdigest()
    known = Statement.objects.filter(file_hash=file_hash).first()
    if known is not None:
        return ImportResult(known, True, 0, 0, 0, 0)
    kind, entries, account = _parsed(content)
    try:
        return _import(actor, file_name, file_hash, kind, account, entries)
    except IntegrityError:  # the same file imported in parallel: the other import stands
        known = Statement.objects.filter(file_hash=file_hash).first()
        if known is None:
            raise
        return ImportResult(known, True, 0, 0, 0, 0)


@transaction.atomic
def _import(
    actor: User | None, file_name: str, file_hash: str, kind: str, account: str,
    entries: list[Entry],
) -> ImportResult:  # fmt: skip
    statement = Statement.objects.create(
        file_name=file_name[:255] or "statement", file_hash=file_hash, format=kind,
        account=account, imported_by=actor, entries=len(entries),
    )  # fmt: skip
    seen = set(
        StatementLine.objects.filter(
            account=account, entry_ref__in=[entry.entry_ref for entry in entries]
        ).values_list("entry_ref", flat=True)
    )
    fresh: list[Entry] = []
    for entry in entries:
        if entry.entry_ref in seen:
            continue
        seen.add(entry.entry_ref)
        fresh.append(entry)
    statement.duplicates = len(entries) - len(fresh)
    statement.save(update_fields=["duplicates"])
    lines = StatementLine.objects.bulk_create(
        StatementLine(
            statement=statement, account=account, entry_ref=entry.entry_ref,
            booked_on=entry.booked_on, amount=entry.amount, currency=entry.currency,
            is_credit=entry.is_credit, payer_name=entry.payer_name,
            payer_account=entry.payer_account, payer_code=entry.payer_code,
            purpose=entry.purpose, status=LineStatus.QUEUED,
        )
        for entry in fresh
    )  # fmt: skip
    lines = list(StatementLine.objects.filter(statement=statement).order_by("id"))
    counts = {LineStatus.MATCHED: 0, LineStatus.QUEUED: 0, LineStatus.IGNORED: 0}
    context = _MatchContext.for_lines(lines)
    for line in lines:
        _match(line, context, actor)
        counts[LineStatus(line.status)] += 1
    return ImportResult(
        statement, False, counts[LineStatus.MATCHED], counts[LineStatus.QUEUED],
        counts[LineStatus.IGNORED], statement.duplicates,
    )  # fmt: skip


@dataclass
class _MatchContext:
    """What matching needs, read in a few queries for the whole file (not per line)."""

    invoices: dict[str, Invoice]
    clients_by_code: dict[str, list[Client]]
    open_by_client: dict[int, list[Invoice]]

    @classmethod
    def for_lines(cls, lines: list[StatementLine]) -> _MatchContext:
        numbers = {number for line in lines for number in numbers_in(line.purpose)}
        invoices = {
            invoice.number: invoice
            for invoice in Invoice.objects.filter(number__in=numbers).select_related("client")
            if invoice.number
        }
        codes = {line.payer_code for line in lines if line.payer_code}
        clients_by_code: dict[str, list[Client]] = {}
        for client in Client.objects.filter(registration_code__in=codes, merged_into__isnull=True):
            clients_by_code.setdefault(client.registration_code, []).append(client)
        client_ids = [group[0].pk for group in clients_by_code.values() if len(group) == 1]
        open_by_client: dict[int, list[Invoice]] = {}
        for invoice in Invoice.objects.filter(client_id__in=client_ids, status__in=OPEN_STATUSES):
            open_by_client.setdefault(invoice.client_id, []).append(invoice)
        return cls(invoices, clients_by_code, open_by_client)


def _queue(line: StatementLine, problem: LineProblem) -> None:
    line.status, line.problem = LineStatus.QUEUED, problem
    line.save(update_fields=["status", "problem"])


def _match(line: StatementLine, context: _MatchContext, actor: User | None) -> None:
    if not line.is_credit:
        line.status, line.problem = LineStatus.IGNORED, LineProblem.OUTGOING
        line.save(update_fields=["status", "problem"])
        return
    if line.currency != settings.DEFAULT_CURRENCY:
        return _queue(line, LineProblem.CURRENCY)
    named = [context.invoices[n] for n in numbers_in(line.purpose) if n in context.invoices]
    if named:
        if len({invoice.client_id for invoice in named}) > 1:
            return _queue(line, LineProblem.AMBIGUOUS)
        payable = [invoice for invoice in named if invoice.status in OPEN_STATUSES]
        if not payable:
            return _queue(line, LineProblem.INVOICE_CLOSED)
        return _pay(line, named[0].client, payable, actor)
    clients = context.clients_by_code.get(line.payer_code, [])
    if len(clients) != 1:
        return _queue(line, LineProblem.AMBIGUOUS if clients else LineProblem.NO_MATCH)
    exact = [
        invoice for invoice in context.open_by_client.get(clients[0].pk, [])
        if invoice.balance == line.amount
    ]  # fmt: skip
    if len(exact) != 1:
        return _queue(line, LineProblem.AMBIGUOUS if exact else LineProblem.NO_MATCH)
    return _pay(line, clients[0], exact, actor)


def _pay(line: StatementLine, client: Client, invoices: list[Invoice], actor: User | None) -> None:
    """Record the line's money as the client's payment, applied to the invoices by due date;
    what is left is the client's credit."""
    invoices = sorted(invoices, key=lambda invoice: (invoice.due_date or date.max, invoice.pk))
    payment = payment_record(
        actor=actor, client=client, amount=line.amount, received_on=line.booked_on,
        source=PaymentSource.BANK, reference=line.purpose, payer_name=line.payer_name,
    )  # fmt: skip
    for invoice in invoices:
        payment.refresh_from_db()
        if payment.unallocated <= 0:
            break
        fresh = Invoice.objects.get(pk=invoice.pk)
        if fresh.status in OPEN_STATUSES and fresh.balance > 0:
            payment_allocate(actor=actor, payment=payment, invoice=fresh)
    payment.refresh_from_db()
    line.payment, line.status = payment, LineStatus.MATCHED
    line.problem = LineProblem.OVERPAID if payment.unallocated > 0 else LineProblem.NONE
    line.save(update_fields=["payment", "status", "problem"])


@transaction.atomic
def statement_line_resolve(
    *,
    actor: User,
    line: StatementLine,
    invoice: Invoice | None = None,
    client: Client | None = None,
    ignore: bool = False,
) -> StatementLine:
    """Settle a queued line by hand: pay an invoice with it, keep it as a client's credit, or
    ignore it (not a client's money)."""
    line = StatementLine.objects.select_for_update().get(pk=line.pk)
    if line.status != LineStatus.QUEUED:
        raise ApplicationError(
            BillingErrorCode.LINE_DONE, _("This line is resolved already."), status=409
        )
    if ignore:
        line.status = LineStatus.IGNORED
    else:
        if line.currency != settings.DEFAULT_CURRENCY or not line.is_credit:
            raise ApplicationError(
                BillingErrorCode.BAD_CURRENCY,
                _("Only money in, in %(currency)s, can be applied; ignore this line.")
                % {"currency": settings.DEFAULT_CURRENCY},
                status=409,
            )
        if invoice is None and client is None:
            raise ApplicationError(
                "validation_error", _("Choose an invoice or a client."), extra={"field": "invoice"}
            )
        if invoice is not None:
            invoice = Invoice.objects.select_related("client").get(pk=invoice.pk)
            invoice_check_payable(invoice)
        payer = invoice.client if invoice is not None else client
        assert payer is not None  # noqa: S101  # one of the two was given (checked above)
        line.payment = payment_record(
            actor=actor, client=payer, amount=line.amount, received_on=line.booked_on,
            invoice=invoice, keep_excess_as_credit=True, source=PaymentSource.BANK,
            reference=line.purpose, payer_name=line.payer_name,
        )  # fmt: skip
        line.status = LineStatus.MATCHED
        line.problem = LineProblem.OVERPAID if line.payment.unallocated > 0 else LineProblem.NONE
    line.resolved_by, line.resolved_at = actor, timezone.now()
    line.save(update_fields=["status", "problem", "payment", "resolved_by", "resolved_at"])
    return line
