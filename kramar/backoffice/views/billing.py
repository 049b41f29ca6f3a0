"""Billing in the back office (issue 7): the accountants' invoice list, the invoice card with its
actions, PDFs, the payment matching queue with statement upload, and the debtors report (M17).

Pages parse input and call billing's services; an invoice the person may not see is 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kramar.accounts.models import User
from kramar.backoffice.billing_forms import (
    CancelForm,
    CreditLimitForm,
    CreditNoteForm,
    DealInvoiceForm,
    DebtorsForm,
    InvoiceFilterForm,
    InvoiceForm,
    PaymentForm,
    ResolveForm,
    StatementForm,
)
from kramar.backoffice.decorators import office_view
from kramar.billing import selectors, services
from kramar.billing.enums import AgingBucket
from kramar.billing.models import Invoice
from kramar.billing.pdf import credit_note_pdf, invoice_pdf
from kramar.clients.selectors import client_get
from kramar.core.errors import ApplicationError
from kramar.crm.selectors import deal_get


def _viewer(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _form_problems(form: Any) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


@office_view(selectors.VIEW)
def invoice_list(request: HttpRequest) -> HttpResponse:
    filters = InvoiceFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    invoices = selectors.invoice_list(
        viewer=_viewer(request), status=data.get("status", ""), overdue=data.get("overdue", False),
        search=data.get("q", ""),
    )  # fmt: skip
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "page": Paginator(invoices, 50).get_page(request.GET.get("page")),
        "query": query.urlencode(),
        "today": timezone.localdate(),
    }
    return render(request, "backoffice/billing/invoices.html", context)


@office_view(selectors.VIEW)
def invoice_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    viewer = _viewer(request)
    invoice = selectors.invoice_get(viewer=viewer, pk=invoice_id)
    context = {
        "invoice": invoice,
        "credit": selectors.client_credit(client=invoice.client),
        "cancel_form": CancelForm(),
        "credit_note_form": CreditNoteForm(),
        "payment_form": PaymentForm(),
        "today": timezone.localdate(),
    }
    return render(request, "backoffice/billing/invoice.html", context)


@office_view(selectors.VIEW)
def invoice_document(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = selectors.invoice_get(viewer=_viewer(request), pk=invoice_id)
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{invoice.number or invoice.pk}.pdf"'
    return response


@office_view(selectors.VIEW)
def credit_note_document(request: HttpRequest, note_id: int) -> HttpResponse:
    note = selectors.credit_note_get(viewer=_viewer(request), pk=note_id)
    response = HttpResponse(credit_note_pdf(note), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{note.number}.pdf"'
    return response


def _act(
    request: HttpRequest, invoice_id: int, permission: str, act: Callable[[User, Invoice], str]
) -> HttpResponse:
    """Find the invoice the person may see (404), check the role (403), act, go back."""
    actor = _viewer(request)
    invoice = selectors.invoice_get(viewer=actor, pk=invoice_id)
    if not actor.has_perm(permission):
        raise PermissionDenied
    try:
        messages.success(request, act(actor, invoice))
    except ApplicationError as error:
        messages.error(request, str(error.message))
    return redirect("backoffice:invoice-detail", invoice_id=invoice.pk)


def _valid(form: Any) -> dict[str, Any]:
    if not form.is_valid():
        raise ApplicationError("validation_error", _form_problems(form))
    return dict(form.cleaned_data)


@office_view(selectors.VIEW)
@require_POST
def invoice_issue(request: HttpRequest, invoice_id: int) -> HttpResponse:
    def act(actor: User, invoice: Invoice) -> str:
        issued = services.invoice_issue(actor=actor, invoice=invoice)
        return _("Invoice %(number)s issued.") % {"number": issued.number}

    return _act(request, invoice_id, selectors.CHANGE, act)


@office_view(selectors.VIEW)
@require_POST
def invoice_cancel(request: HttpRequest, invoice_id: int) -> HttpResponse:
    def act(actor: User, invoice: Invoice) -> str:
        reason = _valid(CancelForm(request.POST))["reason"]
        services.invoice_cancel(actor=actor, invoice=invoice, reason=reason)
        return _("The invoice is cancelled; it keeps its number.")

    return _act(request, invoice_id, selectors.CHANGE, act)


@office_view(selectors.VIEW)
@require_POST
def credit_note_create(request: HttpRequest, invoice_id: int) -> HttpResponse:
    def act(actor: User, invoice: Invoice) -> str:
        data = _valid(CreditNoteForm(request.POST))
        note = services.credit_note_issue(
            actor=actor, invoice=invoice, reason=data["reason"], amount=data["amount"]
        )
        return _("Credit note %(number)s issued.") % {"number": note.number}

    return _act(request, invoice_id, "billing.add_creditnote", act)


@office_view(selectors.VIEW)
@require_POST
def payment_create(request: HttpRequest, invoice_id: int) -> HttpResponse:
    def act(actor: User, invoice: Invoice) -> str:
        data = _valid(PaymentForm(request.POST))
        services.payment_record(
            actor=actor, client=invoice.client, amount=data["amount"],
            received_on=data["received_on"], invoice=invoice,
            keep_excess_as_credit=data["keep_excess_as_credit"], reference=data["reference"],
        )  # fmt: skip
        return _("Payment recorded.")

    return _act(request, invoice_id, selectors.ADD_PAYMENT, act)


@office_view(selectors.VIEW)
@require_POST
def credit_apply(request: HttpRequest, invoice_id: int) -> HttpResponse:
    def act(actor: User, invoice: Invoice) -> str:
        applied = services.client_credit_apply(actor=actor, invoice=invoice)
        return _("%(amount)s UAH of the client's credit applied.") % {"amount": applied}

    return _act(request, invoice_id, selectors.ADD_PAYMENT, act)


@office_view(selectors.ADD)
def invoice_create(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = _viewer(request)
    client = client_get(viewer=actor, pk=client_id)
    form = InvoiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invoice = services.invoice_create(
                actor=actor, client=client, lines=form.lines(), terms=data["terms"],
                days=data["days"], note=data["note"], language=data["language"],
            )  # fmt: skip
            if data["issue"]:
                invoice = services.invoice_issue(actor=actor, invoice=invoice)
        except ApplicationError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("backoffice:invoice-detail", invoice_id=invoice.pk)
    return render(request, "backoffice/billing/invoice_form.html", {"form": form, "client": client})


@office_view(selectors.FROM_DEAL)
@require_POST
def deal_invoice(request: HttpRequest, deal_id: int) -> HttpResponse:
    actor = _viewer(request)
    deal = deal_get(viewer=actor, pk=deal_id)
    form = DealInvoiceForm(request.POST)
    try:
        data = _valid(form)
        invoice = services.invoice_from_deal(
            actor=actor, deal=deal, terms=data["terms"], days=data["days"]
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect("backoffice:deal-detail", deal_id=deal.pk)
    messages.success(request, _("Invoice %(number)s issued.") % {"number": invoice.number})
    return redirect("backoffice:invoice-detail", invoice_id=invoice.pk)


@office_view("billing.change_creditlimit")
@require_POST
def credit_limit(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = _viewer(request)
    client = client_get(viewer=actor, pk=client_id)
    form = CreditLimitForm(request.POST)
    try:
        asked = services.credit_limit_set(actor=actor, client=client, amount=_valid(form)["amount"])
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        if asked is None:
            messages.success(request, _("Credit limit saved."))
        else:
            messages.info(request, _("The limit is above what you grant alone: a head decides."))
    return redirect("backoffice:client-detail", client_id=client.pk)


# --- Payments: the matching queue and statement upload ---------------------------------------


@office_view("billing.view_statement")
def matching_queue(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    lines = selectors.matching_queue(viewer=viewer)
    context = {
        "page": Paginator(lines, 50).get_page(request.GET.get("page")),
        "upload_form": StatementForm(),
        "resolve_form": ResolveForm(),
        "payments": selectors.payment_list(viewer=viewer)[:20],
        "may_import": viewer.has_perm(selectors.IMPORT),
        "may_resolve": viewer.has_perm(selectors.RESOLVE),
        "query": "",
    }
    return render(request, "backoffice/billing/payments.html", context)


@office_view(selectors.IMPORT)
@require_POST
def statement_upload(request: HttpRequest) -> HttpResponse:
    form = StatementForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_problems(form))
        return redirect("backoffice:payments")
    upload = form.cleaned_data["file"]
    try:
        result = services.statement_import(
            actor=_viewer(request), file_name=upload.name, content=upload.read()
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect("backoffice:payments")
    if result.duplicate_file:
        messages.warning(request, _("This file was imported before; nothing changed."))
    else:
        messages.success(
            request,
            _("Imported: %(matched)d matched, %(queued)d to review, %(ignored)d ignored, "
              "%(skipped)d seen before.")
            % {"matched": result.matched, "queued": result.queued, "ignored": result.ignored,
               "skipped": result.skipped},
        )  # fmt: skip
    return redirect("backoffice:payments")


@office_view(selectors.RESOLVE)
@require_POST
def line_resolve(request: HttpRequest, line_id: int) -> HttpResponse:
    actor = _viewer(request)
    line = selectors.statement_line_get(viewer=actor, pk=line_id)
    form = ResolveForm(request.POST)
    try:
        data = _valid(form)
        invoice = client = None
        if data["invoice"]:
            invoice = (
                selectors.invoices_visible_to(viewer=actor)
                .filter(number=data["invoice"].strip().upper())
                .first()
            )
            if invoice is None:
                raise ApplicationError("billing.not_found", _("No such invoice."))
        elif data["client"]:
            client = client_get(viewer=actor, pk=data["client"])
        services.statement_line_resolve(
            actor=actor, line=line, invoice=invoice, client=client, ignore=data["ignore"]
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The line is resolved."))
    return redirect("backoffice:payments")


# --- Debtors (M17) -------------------------------------------------------------------------


@office_view(selectors.DEBTORS)
def debtors(request: HttpRequest) -> HttpResponse:
    form = DebtorsForm(request.GET or None)
    group = form.cleaned_data.get("group") if form.is_valid() else ""
    date_from, date_to = form.period()
    rows = selectors.debtors_report(
        viewer=_viewer(request), group="client" if group == "client" else "manager",
        date_from=date_from, date_to=date_to,
    )  # fmt: skip
    context = {
        "form": form,
        "rows": rows,
        "total": selectors.debtors_totals(rows),
        "group": "client" if group == "client" else "manager",
        "buckets": AgingBucket.choices,
    }
    return render(request, "backoffice/billing/debtors.html", context)
