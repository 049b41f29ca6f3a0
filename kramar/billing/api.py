"""Billing in the JSON API (issue 7): invoices, credit notes, payments, bank statements, the
matching queue, debtor figures (M17) and credit limits.

The same services, selectors and rules as the office pages: an invoice the caller may not see
answers 404; one they see but their role may not change answers 403; every refusal is the one
problem shape ``{code, message, extra}``.
"""

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from kramar.accounts.models import User
from kramar.accounts.permissions import require_permission
from kramar.billing import selectors, services
from kramar.billing.enums import InvoiceStatus, LineStatus
from kramar.billing.models import IncomingPayment, Invoice
from kramar.billing.schemas import (
    AllocateIn,
    AllocationOut,
    CancelIn,
    CreditLimitIn,
    CreditNoteIn,
    CreditNoteOut,
    CreditOut,
    DealInvoiceIn,
    DebtorOut,
    DebtorsOut,
    InvoiceIn,
    InvoiceListOut,
    InvoiceOut,
    LineInSchema,
    PaymentIn,
    PaymentOut,
    ResolveIn,
    StatementLineOut,
    StatementOut,
)
from kramar.clients.models import Client
from kramar.clients.selectors import client_get, clients_visible_to
from kramar.core.errors import ApplicationError, CoreErrorCode
from kramar.core.pagination import PageNumberPagination
from kramar.core.schemas import AUTHENTICATED, Id, problems
from kramar.crm.selectors import deal_get

router = Router(tags=["billing"])


class InvoiceFilters(Schema):
    status: InvoiceStatus | None = None
    client_id: Id | None = None
    manager_id: Id | None = None
    deal_id: Id | None = None
    overdue: bool = False
    q: str = ""


class PaymentFilters(Schema):
    client_id: Id | None = None
    with_credit: bool = False


class DebtorFilters(Schema):
    group: Literal["manager", "client"] = "manager"
    date_from: date | None = None
    date_to: date | None = None


def _known[M: Model](records: QuerySet[M], pk: int, field: str) -> M:
    record = records.filter(pk=pk).first()
    if record is None:
        raise ApplicationError(
            CoreErrorCode.VALIDATION,
            _("There is no such record: %(field)s.") % {"field": field},
            extra={"field": field},
        )
    return record


def _lines(lines: list[LineInSchema] | None) -> list[services.LineIn] | None:
    if lines is None:
        return None
    return [
        services.LineIn(
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            vat_rate=Decimal(line.vat_rate),
            unit=line.unit,
        )
        for line in lines
    ]


def _invoice(request: HttpRequest, invoice_id: int, permission: str) -> tuple[User, Invoice]:
    """Find the invoice the caller may see (404), then check the role may act (403)."""
    viewer = require_permission(request, selectors.VIEW)
    invoice = selectors.invoice_get(viewer=viewer, pk=invoice_id)
    return require_permission(request, permission), invoice


def _fresh(user: User, invoice: Invoice) -> Invoice:
    return selectors.invoice_get(viewer=user, pk=invoice.pk)


# --- Invoices ----------------------------------------------------------------------------------


@router.get(
    "/invoices",
    response={200: list[InvoiceListOut], **problems(*AUTHENTICATED)},
    summary="Invoices the caller may see, newest first",
)
@paginate(PageNumberPagination)
def invoice_list(request: HttpRequest, filters: Query[InvoiceFilters], **kwargs: Any) -> Any:
    user = require_permission(request, selectors.VIEW)
    return selectors.invoice_list(
        viewer=user,
        status=filters.status or "",
        client_id=filters.client_id,
        manager_id=filters.manager_id,
        deal_id=filters.deal_id,
        overdue=filters.overdue,
        search=filters.q[:100].replace("\x00", ""),
    )


@router.post(
    "/invoices",
    response={201: InvoiceOut, **problems(*AUTHENTICATED, 400)},
    summary="Make an invoice by hand (issued at once unless issue is false)",
)
def invoice_create(request: HttpRequest, payload: InvoiceIn) -> Status:
    user = require_permission(request, selectors.ADD)
    client = _known(clients_visible_to(viewer=user), payload.client_id, "client_id")
    invoice = services.invoice_create(
        actor=user, client=client, lines=_lines(payload.lines) or [], terms=payload.terms,
        days=payload.days, note=payload.note, language=payload.language,
    )  # fmt: skip
    if payload.issue:
        invoice = services.invoice_issue(actor=user, invoice=invoice)
    return Status(201, _fresh(user, invoice))


@router.get(
    "/invoices/{invoice_id}",
    response={200: InvoiceOut, **problems(*AUTHENTICATED, 404)},
    summary="One invoice with its lines, credit notes and payments",
)
def invoice_detail(request: HttpRequest, invoice_id: Id) -> Any:
    return _invoice(request, invoice_id, selectors.VIEW)[1]


@router.post(
    "/invoices/{invoice_id}/issue",
    response={200: InvoiceOut, **problems(*AUTHENTICATED, 400, 404, 409)},
    summary="Issue a draft: it gets its number and due date",
)
def invoice_issue(request: HttpRequest, invoice_id: Id) -> Any:
    user, invoice = _invoice(request, invoice_id, selectors.CHANGE)
    return _fresh(user, services.invoice_issue(actor=user, invoice=invoice))


@router.post(
    "/invoices/{invoice_id}/cancel",
    response={200: InvoiceOut, **problems(*AUTHENTICATED, 400, 404, 409)},
    summary="Cancel an invoice nothing was paid or credited on (it keeps its number)",
)
def invoice_cancel(request: HttpRequest, invoice_id: Id, payload: CancelIn) -> Any:
    user, invoice = _invoice(request, invoice_id, selectors.CHANGE)
    return _fresh(user, services.invoice_cancel(actor=user, invoice=invoice, reason=payload.reason))


@router.post(
    "/invoices/{invoice_id}/credit-notes",
    response={201: CreditNoteOut, **problems(*AUTHENTICATED, 400, 404, 409)},
    summary="Reverse all or part of an invoice with a credit note",
)
def credit_note_create(request: HttpRequest, invoice_id: Id, payload: CreditNoteIn) -> Status:
    user, invoice = _invoice(request, invoice_id, "billing.add_creditnote")
    note = services.credit_note_issue(
        actor=user, invoice=invoice, reason=payload.reason, lines=_lines(payload.lines),
        amount=payload.amount,
    )  # fmt: skip
    return Status(201, note)


@router.post(
    "/invoices/{invoice_id}/apply-credit",
    response={200: InvoiceOut, **problems(*AUTHENTICATED, 400, 404, 409)},
    summary="Pay the invoice from the client's credit (overpayments), oldest money first",
)
def invoice_apply_credit(request: HttpRequest, invoice_id: Id) -> Any:
    user, invoice = _invoice(request, invoice_id, selectors.ADD_PAYMENT)
    services.client_credit_apply(actor=user, invoice=invoice)
    return _fresh(user, invoice)


@router.post(
    "/deals/{deal_id}/invoice",
    response={201: InvoiceOut, **problems(*AUTHENTICATED, 400, 404, 409)},
    summary="Issue an invoice for a won deal (the deal's manager is responsible)",
)
def deal_invoice(request: HttpRequest, deal_id: Id, payload: DealInvoiceIn) -> Status:
    viewer = require_permission(request, "crm.view_deal")
    deal = deal_get(viewer=viewer, pk=deal_id)
    user = require_permission(request, selectors.FROM_DEAL)
    invoice = services.invoice_from_deal(
        actor=user, deal=deal, lines=_lines(payload.lines), terms=payload.terms, days=payload.days
    )
    return Status(201, _fresh(user, invoice))


# --- Payments ------------------------------------------------------------------------------------


@router.get(
    "/payments",
    response={200: list[PaymentOut], **problems(*AUTHENTICATED)},
    summary="Incoming payments, newest first",
)
@paginate(PageNumberPagination)
def payment_list(request: HttpRequest, filters: Query[PaymentFilters], **kwargs: Any) -> Any:
    user = require_permission(request, selectors.VIEW_PAYMENTS)
    return selectors.payment_list(
        viewer=user, client_id=filters.client_id, with_credit=filters.with_credit
    ).prefetch_related("allocations")


@router.post(
    "/payments",
    response={201: PaymentOut, **problems(*AUTHENTICATED, 400, 409)},
    summary="Record money that arrived (applied to an invoice if one is named)",
)
def payment_create(request: HttpRequest, payload: PaymentIn) -> Status:
    user = require_permission(request, selectors.ADD_PAYMENT)
    client = _known(clients_visible_to(viewer=user), payload.client_id, "client_id")
    invoice = None
    if payload.invoice_id is not None:
        invoice = _known(
            selectors.invoices_visible_to(viewer=user), payload.invoice_id, "invoice_id"
        )
    if payload.received_on > timezone.localdate():
        raise ApplicationError(
            CoreErrorCode.VALIDATION, _("Money cannot arrive in the future."),
            extra={"field": "received_on"},
        )  # fmt: skip
    payment = services.payment_record(
        actor=user, client=client, amount=payload.amount, received_on=payload.received_on,
        invoice=invoice, keep_excess_as_credit=payload.keep_excess_as_credit,
        reference=payload.reference, payer_name=payload.payer_name,
    )  # fmt: skip
    return Status(201, selectors.payment_get(viewer=user, pk=payment.pk))


@router.get(
    "/payments/{payment_id}",
    response={200: PaymentOut, **problems(*AUTHENTICATED, 404)},
    summary="One payment with its allocations",
)
def payment_detail(request: HttpRequest, payment_id: Id) -> Any:
    user = require_permission(request, selectors.VIEW_PAYMENTS)
    return selectors.payment_get(viewer=user, pk=payment_id)


@router.post(
    "/payments/{payment_id}/allocations",
    response={201: AllocationOut, **problems(*AUTHENTICATED, 400, 404, 409)},
    summary="Apply the unallocated part of a payment (client credit) to an invoice",
)
def payment_allocate(request: HttpRequest, payment_id: Id, payload: AllocateIn) -> Status:
    user = require_permission(request, selectors.VIEW_PAYMENTS)
    payment: IncomingPayment = selectors.payment_get(viewer=user, pk=payment_id)
    user = require_permission(request, selectors.ADD_PAYMENT)
    invoice = _known(selectors.invoices_visible_to(viewer=user), payload.invoice_id, "invoice_id")
    allocation = services.payment_allocate(
        actor=user, payment=payment, invoice=invoice, amount=payload.amount
    )
    return Status(201, allocation)


# --- Statements and the matching queue ---------------------------------------------------------


@router.post(
    "/statements",
    response={201: StatementOut, 200: StatementOut, **problems(*AUTHENTICATED, 400, 413)},
    summary="Import a bank statement (CSV or camt.053); the same file again changes nothing",
)
def statement_upload(request: HttpRequest, file: File[UploadedFile]) -> Status:
    user = require_permission(request, selectors.IMPORT)
    if file.size is not None and file.size > services.statements_max_bytes():
        raise ApplicationError(
            "billing.unreadable_statement", _("The file is larger than 5 MB."), status=413
        )
    result = services.statement_import(
        actor=user, file_name=(file.name or "statement")[:255], content=file.read()
    )
    out = StatementOut.from_orm(result.statement).model_dump()
    out.update(
        duplicate_file=result.duplicate_file, matched=result.matched, queued=result.queued,
        ignored=result.ignored,
    )  # fmt: skip
    return Status(200 if result.duplicate_file else 201, out)


@router.get(
    "/statements/{statement_id}",
    response={200: StatementOut, **problems(*AUTHENTICATED, 404)},
    summary="One imported statement",
)
def statement_detail(request: HttpRequest, statement_id: Id) -> Any:
    user = require_permission(request, "billing.view_statement")
    return selectors.statement_get(viewer=user, pk=statement_id)


@router.get(
    "/statement-lines",
    response={200: list[StatementLineOut], **problems(*AUTHENTICATED)},
    summary="Statement lines; by default the matching queue (waiting for review)",
)
@paginate(PageNumberPagination)
def statement_lines(
    request: HttpRequest, status: LineStatus = LineStatus.QUEUED, **kwargs: Any
) -> Any:
    user = require_permission(request, "billing.view_statement")
    return selectors.matching_queue(viewer=user, status=status)


@router.post(
    "/statement-lines/{line_id}/resolve",
    response={200: StatementLineOut, **problems(*AUTHENTICATED, 400, 404, 409)},
    summary="Settle a queued line: pay an invoice, keep as a client's credit, or ignore",
)
def statement_line_resolve(request: HttpRequest, line_id: Id, payload: ResolveIn) -> Any:
    user = require_permission(request, "billing.view_statement")
    line = selectors.statement_line_get(viewer=user, pk=line_id)
    user = require_permission(request, selectors.RESOLVE)
    invoice = client = None
    if payload.invoice_id is not None:
        invoice = _known(
            selectors.invoices_visible_to(viewer=user), payload.invoice_id, "invoice_id"
        )
    if payload.client_id is not None:
        client = _known(clients_visible_to(viewer=user), payload.client_id, "client_id")
    return services.statement_line_resolve(
        actor=user, line=line, invoice=invoice, client=client, ignore=payload.ignore
    )


# --- Figures and limits --------------------------------------------------------------------------


def _debtor(row: selectors.DebtorRow) -> DebtorOut:
    return DebtorOut(
        key=row.key, name=row.name, open_debt=row.open_debt, overdue_debt=row.overdue_debt,
        open_invoices=row.open_invoices, buckets=row.buckets, paid=row.paid,
        days_to_pay=row.days_to_pay, delay=row.delay,
    )  # fmt: skip


@router.get(
    "/debtors",
    response={200: DebtorsOut, **problems(*AUTHENTICATED, 400)},
    summary="Debt, aging, average days to pay and delay per manager or client (M17)",
)
def debtors(request: HttpRequest, filters: Query[DebtorFilters]) -> Any:
    user = require_permission(request, selectors.DEBTORS)
    today = timezone.localdate()
    date_to = filters.date_to or today
    date_from = filters.date_from or date(date_to.year - 1, date_to.month, 1)
    if date_from > date_to:
        raise ApplicationError(
            CoreErrorCode.VALIDATION, _("The period starts after it ends."),
            extra={"field": "date_from"},
        )  # fmt: skip
    rows = selectors.debtors_report(
        viewer=user, group=filters.group, today=today, date_from=date_from, date_to=date_to
    )
    return {
        "group": filters.group, "today": today, "date_from": date_from, "date_to": date_to,
        "rows": [_debtor(row) for row in rows],
        "total": _debtor(selectors.debtors_totals(rows)),
    }  # fmt: skip


def _client(request: HttpRequest, client_id: int, permission: str) -> tuple[User, Client]:
    viewer = require_permission(request, "clients.view_client")
    client = client_get(viewer=viewer, pk=client_id)
    return require_permission(request, permission), client


def _credit_out(client: Client) -> dict[str, Any]:
    check = selectors.credit_check(client=client)
    return {"client_id": client.pk, "limit": check.limit, "debt": check.debt,
            "credit": check.credit, "exceeded": check.exceeded}  # fmt: skip


@router.get(
    "/clients/{client_id}/credit",
    response={200: CreditOut, **problems(*AUTHENTICATED, 404)},
    summary="A client's open debt, credit (overpayments) and credit limit",
)
def client_credit(request: HttpRequest, client_id: Id) -> Any:
    _user, client = _client(request, client_id, "billing.view_creditlimit")
    return _credit_out(client)


@router.put(
    "/clients/{client_id}/credit-limit",
    response={200: CreditOut, 202: CreditOut, **problems(*AUTHENTICATED, 400, 404)},
    summary="Set (or with null remove) a client's credit limit; above the approval limit it "
    "waits for a head of sales (202, see /approvals)",
)
def client_credit_limit(request: HttpRequest, client_id: Id, payload: CreditLimitIn) -> Any:
    user, client = _client(request, client_id, selectors.LIMITS)
    asked = services.credit_limit_set(actor=user, client=client, amount=payload.amount)
    return Status(202 if asked else 200, _credit_out(client))
