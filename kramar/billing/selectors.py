"""Reads of billing: which invoices and payments a person may see (rows, M3), the customer's own
invoices, the matching queue, client credit and limits, and the debtor figures of M17.

Visibility: ``billing.view_all_invoices`` (accountant, company head) sees every invoice; a head
of sales sees those of the departments they head; anyone else with ``billing.view_invoice`` sees
the invoices of the clients they may see (``clients_visible_to``) and those they are the
responsible manager of. Payments and statements are the accountant's (and the company head's).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal

from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.accounts.models import Department, User
from kramar.accounts.selectors import is_active_staff
from kramar.billing.enums import (
    OPEN_STATUSES,
    AgingBucket,
    BillingErrorCode,
    InvoiceStatus,
    LineStatus,
)
from kramar.billing.models import (
    Allocation,
    CreditLimit,
    CreditNote,
    IncomingPayment,
    Invoice,
    Statement,
    StatementLine,
)
from kramar.clients.models import Client
from kramar.clients.selectors import clients_visible_to
from kramar.core.errors import NotFoundError
from kramar.core.money import MoneyField, quantize

VIEW = "billing.view_invoice"
VIEW_ALL = "billing.view_all_invoices"
CHANGE = "billing.change_invoice"
ADD = "billing.add_invoice"
FROM_DEAL = "billing.issue_from_deal"
VIEW_PAYMENTS = "billing.view_incomingpayment"
ADD_PAYMENT = "billing.add_incomingpayment"
IMPORT = "billing.add_statement"
RESOLVE = "billing.change_statementline"
DEBTORS = "billing.view_debtors"
LIMITS = "billing.change_creditlimit"
ZERO = Decimal("0.00")


def _not_found() -> NotFoundError:
    return NotFoundError(BillingErrorCode.NOT_FOUND, _("No such invoice."))


# --- Invoices -----------------------------------------------------------------------------------


def invoices_visible_to(*, viewer: User) -> QuerySet[Invoice]:
    """Return every invoice the staff member may see (the base of every other invoice read)."""
    invoices = Invoice.objects.all()
    if not is_active_staff(viewer) or not viewer.has_perm(VIEW):
        return invoices.none()
    if viewer.is_superuser or viewer.has_perm(VIEW_ALL):
        return invoices
    rule = Q(manager=viewer) | Q(client__in=clients_visible_to(viewer=viewer).values("pk"))
    if viewer.has_perm("accounts.view_own_departments"):
        rule |= Q(department__in=Department.objects.filter(heads=viewer))
    return invoices.filter(rule)


def invoice_list(
    *,
    viewer: User,
    status: str = "",
    client_id: int | None = None,
    manager_id: int | None = None,
    deal_id: int | None = None,
    overdue: bool = False,
    search: str = "",
    today: date | None = None,
) -> QuerySet[Invoice]:
    invoices = invoices_visible_to(viewer=viewer)
    if status:
        invoices = invoices.filter(status=status)
    if client_id:
        invoices = invoices.filter(client_id=client_id)
    if manager_id:
        invoices = invoices.filter(manager_id=manager_id)
    if deal_id:
        invoices = invoices.filter(deal_id=deal_id)
    if overdue:
        invoices = invoices.filter(
            status__in=OPEN_STATUSES, due_date__lt=today or timezone.localdate()
        )
    text = search.strip()
    if text:
        invoices = invoices.filter(Q(number__icontains=text) | Q(buyer_name__icontains=text))
    return invoices.select_related("client", "manager", "order", "deal").order_by(
        "-issue_date", "-id"
    )


def invoice_get(*, viewer: User, pk: int) -> Invoice:
    """Return one invoice the viewer may see; any other is "not found" (no leak)."""
    invoice = (
        invoices_visible_to(viewer=viewer)
        .select_related("client", "manager", "department", "order", "deal")
        .prefetch_related("lines", "credit_notes", "allocations__payment")
        .filter(pk=pk)
        .first()
    )
    if invoice is None:
        raise _not_found()
    return invoice


def credit_note_get(*, viewer: User, pk: int) -> CreditNote:
    note = (
        CreditNote.objects.filter(invoice__in=invoices_visible_to(viewer=viewer).values("pk"))
        .select_related("invoice")
        .prefetch_related("lines")
        .filter(pk=pk)
        .first()
    )
    if note is None:
        raise NotFoundError(BillingErrorCode.NOT_FOUND, _("No such credit note."))
    return note


def invoices_of_customer(*, user: User) -> QuerySet[Invoice]:
    """Return the shop customer's own issued invoices, newest first (none for others)."""
    if not user.is_authenticated or user.is_staff:
        return Invoice.objects.none()
    return (
        Invoice.objects.filter(Q(client__user=user) | Q(order__user=user))
        .exclude(status=InvoiceStatus.DRAFT)
        .select_related("order")
        .order_by("-issue_date", "-id")
    )


def invoice_of_customer(*, user: User, pk: int) -> Invoice:
    invoice = invoices_of_customer(user=user).filter(pk=pk).first()
    if invoice is None:
        raise _not_found()
    return invoice


# --- Payments, statements, the matching queue ------------------------------------------------


def payments_visible_to(*, viewer: User) -> QuerySet[IncomingPayment]:
    if not is_active_staff(viewer) or not viewer.has_perm(VIEW_PAYMENTS):
        return IncomingPayment.objects.none()
    return IncomingPayment.objects.all()


def payment_list(
    *, viewer: User, client_id: int | None = None, with_credit: bool = False
) -> QuerySet[IncomingPayment]:
    payments = payments_visible_to(viewer=viewer)
    if client_id:
        payments = payments.filter(client_id=client_id)
    if with_credit:
        payments = payments.filter(allocated_amount__lt=F("amount"))
    return payments.select_related("client").order_by("-received_on", "-id")


def payment_get(*, viewer: User, pk: int) -> IncomingPayment:
    payment = (
        payments_visible_to(viewer=viewer)
        .select_related("client")
        .prefetch_related("allocations__invoice")
        .filter(pk=pk)
        .first()
    )
    if payment is None:
        raise NotFoundError(BillingErrorCode.NOT_FOUND, _("No such payment."))
    return payment


def statements_visible_to(*, viewer: User) -> QuerySet[Statement]:
    if not is_active_staff(viewer) or not viewer.has_perm("billing.view_statement"):
        return Statement.objects.none()
    return Statement.objects.all()


def statement_get(*, viewer: User, pk: int) -> Statement:
    statement = statements_visible_to(viewer=viewer).filter(pk=pk).first()
    if statement is None:
        raise NotFoundError(BillingErrorCode.NOT_FOUND, _("No such statement."))
    return statement


def matching_queue(*, viewer: User, status: str = LineStatus.QUEUED) -> QuerySet[StatementLine]:
    """Return the statement lines waiting for review (or of another status), oldest first."""
    lines = StatementLine.objects.filter(
        statement__in=statements_visible_to(viewer=viewer).values("pk")
    )
    if status:
        lines = lines.filter(status=status)
    return lines.select_related("statement", "payment__client").order_by("booked_on", "id")


def statement_line_get(*, viewer: User, pk: int) -> StatementLine:
    line = matching_queue(viewer=viewer, status="").filter(pk=pk).first()
    if line is None:
        raise NotFoundError(BillingErrorCode.NOT_FOUND, _("No such statement line."))
    return line


# --- A client's debt, credit and limit -------------------------------------------------------


def client_credit(*, client: Client) -> Decimal:
    """Return the client's credit: what their payments hold beyond what is allocated."""
    row = IncomingPayment.objects.filter(client=client).aggregate(
        paid=Sum("amount"), used=Sum("allocated_amount")
    )
    return quantize((row["paid"] or 0) - (row["used"] or 0))


def client_open_debt(*, client: Client) -> Decimal:
    """Return what the client owes on issued invoices now."""
    rows = Invoice.objects.filter(client=client, status__in=OPEN_STATUSES).values_list(
        "total", "credited_amount", "paid_amount"
    )
    return quantize(sum((total - credited - paid for total, credited, paid in rows), ZERO))


@dataclass(frozen=True)
class CreditCheck:
    limit: Decimal | None
    debt: Decimal
    credit: Decimal
    adding: Decimal

    @property
    def exposure(self) -> Decimal:
        return self.debt + self.adding - self.credit

    @property
    def exceeded(self) -> bool:
        return self.limit is not None and self.exposure > self.limit


def credit_check(*, client: Client, adding: Decimal = ZERO) -> CreditCheck:
    """Return the client's debt against their credit limit if ``adding`` were owed too (the
    warning at an order or a deal, M17); one query, however many invoices and payments."""
    money = MoneyField()
    debt = (
        Invoice.objects.filter(client=OuterRef("pk"), status__in=OPEN_STATUSES)
        .values("client")
        .annotate(sum=Sum(F("total") - F("credited_amount") - F("paid_amount"), output_field=money))
        .values("sum")
    )
    credit = (
        IncomingPayment.objects.filter(client=OuterRef("pk"))
        .values("client")
        .annotate(sum=Sum(F("amount") - F("allocated_amount"), output_field=money))
        .values("sum")
    )
    found = (
        Client.objects.filter(pk=client.pk)
        .annotate(
            debt=Subquery(debt, output_field=money),
            credit=Subquery(credit, output_field=money),
            limit=Subquery(CreditLimit.objects.filter(client=OuterRef("pk")).values("amount")),
        )
        .values("debt", "credit", "limit")
        .first()
    )
    row: dict[str, Any] = dict(found) if found else {}
    limit = row.get("limit")
    return CreditCheck(
        limit=quantize(limit) if limit is not None else None,
        debt=quantize(row.get("debt") or 0),
        credit=quantize(row.get("credit") or 0),
        adding=quantize(adding),
    )


# --- Debtors and payment behaviour (M17) -------------------------------------------------------

Group = Literal["manager", "client"]


def aging_bucket(due: date, today: date) -> AgingBucket:
    """Return the bucket of an open amount by the days it is past due on ``today``."""
    late = (today - due).days
    if late <= 0:
        return AgingBucket.CURRENT
    if late <= 30:
        return AgingBucket.DAYS_1_30
    if late <= 60:
        return AgingBucket.DAYS_31_60
    if late <= 90:
        return AgingBucket.DAYS_61_90
    return AgingBucket.OVER_90


@dataclass
class DebtorRow:
    key: int | None
    name: str
    open_debt: Decimal = ZERO
    overdue_debt: Decimal = ZERO
    open_invoices: int = 0
    buckets: dict[str, Decimal] = field(
        default_factory=lambda: dict.fromkeys(AgingBucket.values, ZERO)
    )
    paid: Decimal = ZERO  # money applied in the period
    days_to_pay: Decimal | None = None  # weighted by amount
    delay: Decimal | None = None  # days past the due date, weighted by amount
    _days_weight: Decimal = ZERO
    _delay_weight: Decimal = ZERO


def _group_field(group: Group) -> str:
    return "manager_id" if group == "manager" else "client_id"


def _names(group: Group, keys: set[int]) -> dict[int, str]:
    if group == "manager":
        return {
            user.pk: user.get_full_name() or user.email for user in User.objects.filter(pk__in=keys)
        }
    return dict(Client.objects.filter(pk__in=keys).values_list("pk", "name"))


def debtors_report(
    *,
    viewer: User,
    group: Group = "manager",
    today: date | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[DebtorRow]:
    """Return per manager (at issue) or per client: open and overdue debt and its aging on
    ``today``, and the money paid between ``date_from`` and ``date_to`` (by the day it paid the
    invoice) with its average days to pay and delay past the due date, both weighted by amount.

    Two queries whatever the number of invoices; figures are exact Decimal (docs/billing.md).
    """
    today = today or timezone.localdate()
    date_to = date_to or today
    date_from = date_from or date_to - timedelta(days=365)
    key = _group_field(group)
    visible = invoices_visible_to(viewer=viewer)
    rows: dict[int | None, DebtorRow] = {}

    def row(k: int | None) -> DebtorRow:
        return rows.setdefault(k, DebtorRow(key=k, name=""))

    open_rows = visible.filter(status__in=OPEN_STATUSES).values_list(
        key, "total", "credited_amount", "paid_amount", "due_date"
    )
    for k, total, credited, paid, due in open_rows:
        balance = total - credited - paid
        if balance <= 0:
            continue
        entry = row(k)
        entry.open_debt += balance
        entry.open_invoices += 1
        bucket = aging_bucket(due, today)
        entry.buckets[bucket] += balance
        if bucket != AgingBucket.CURRENT:
            entry.overdue_debt += balance
    paid_rows = Allocation.objects.filter(
        invoice__in=visible.values("pk"), amount__gt=0, paid_on__gte=date_from,
        paid_on__lte=date_to,
    ).values_list(f"invoice__{key}", "amount", "paid_on", "invoice__issue_date",
                  "invoice__due_date")  # fmt: skip
    for k, amount, paid_on, issued, due in paid_rows:
        entry = row(k)
        entry.paid += amount
        entry._days_weight += amount * (paid_on - issued).days
        entry._delay_weight += amount * max((paid_on - due).days, 0)
    names = _names(group, {k for k in rows if k is not None})
    for k, entry in rows.items():
        entry.name = names.get(k, "") if k is not None else _("(no manager)")
        if entry.paid:
            entry.days_to_pay = (entry._days_weight / entry.paid).quantize(Decimal("0.1"))
            entry.delay = (entry._delay_weight / entry.paid).quantize(Decimal("0.1"))
    return sorted(rows.values(), key=lambda r: (-r.open_debt, r.name))


def debtors_totals(rows: list[DebtorRow]) -> DebtorRow:
    """Return one row adding up the report (averages weighted over everything)."""
    total = DebtorRow(key=None, name=_("Total"))
    for entry in rows:
        total.open_debt += entry.open_debt
        total.overdue_debt += entry.overdue_debt
        total.open_invoices += entry.open_invoices
        total.paid += entry.paid
        total._days_weight += entry._days_weight
        total._delay_weight += entry._delay_weight
        for bucket, amount in entry.buckets.items():
            total.buckets[bucket] += amount
    if total.paid:
        total.days_to_pay = (total._days_weight / total.paid).quantize(Decimal("0.1"))
        total.delay = (total._delay_weight / total.paid).quantize(Decimal("0.1"))
    return total


def open_invoices_by_client(*, client_ids: list[int]) -> dict[int, list[Invoice]]:
    found: dict[int, list[Invoice]] = defaultdict(list)
    for invoice in Invoice.objects.filter(client_id__in=client_ids, status__in=OPEN_STATUSES):
        found[invoice.client_id].append(invoice)
    return found
