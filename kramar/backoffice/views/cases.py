"""Service case pages: the after-sales queue by SLA, the case card, opening a case (M14)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kramar.accounts.models import User
from kramar.backoffice.cases_forms import (
    AssignForm,
    CaseForm,
    QueueFilterForm,
    ResolveForm,
    StatusForm,
)
from kramar.backoffice.decorators import office_view
from kramar.cases import selectors, services
from kramar.cases.enums import CaseStatus
from kramar.clients.selectors import client_get
from kramar.core.errors import ApplicationError

QUEUE_PAGE_SIZE = 50


def _viewer(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@office_view("cases.view_servicecase")
def queue(request: HttpRequest) -> HttpResponse:
    """The service queue: the cases due soonest first, overdue ones marked."""
    viewer = _viewer(request)
    filters = QueueFilterForm(request.GET or None)
    wanted = filters.cleaned_data if filters.is_valid() else {}
    status = wanted.get("status", "")
    cases = selectors.case_queue(
        viewer=viewer,
        status=status if status in CaseStatus.values else None,
        open_only=status == "",
        mine=bool(wanted.get("mine")),
        overdue=bool(wanted.get("overdue")),
    )
    context = {
        "filters": filters,
        "page": Paginator(cases, QUEUE_PAGE_SIZE).get_page(request.GET.get("page")),
        "query": _query_without_page(request),
        "now": timezone.now(),
    }
    return render(request, "backoffice/cases/queue.html", context)


@office_view("cases.add_servicecase")
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest, client_id: int) -> HttpResponse:
    viewer = _viewer(request)
    client = client_get(viewer=viewer, pk=client_id)
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(actor=viewer, client=client, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(error.extra.get("field"), str(error.message))
        else:
            messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
            return redirect("backoffice:case-detail", case_id=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "backoffice/cases/form.html", {"form": form, "client": client}, status=status
    )


@office_view("cases.view_servicecase")
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.case_get(viewer=_viewer(request), pk=case_id)
    context = {
        "case": case,
        "events": list(case.events.all()),
        "assign_form": AssignForm(initial={"owner": case.owner_id}),
        "status_form": StatusForm(),
        "resolve_form": ResolveForm(),
        "now": timezone.now(),
    }
    return render(request, "backoffice/cases/detail.html", context)


@office_view("cases.change_servicecase")
@require_POST
def case_assign(request: HttpRequest, case_id: int) -> HttpResponse:
    viewer = _viewer(request)
    case = selectors.case_get(viewer=viewer, pk=case_id)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose who works on the case."))
    else:
        _apply(request, lambda: services.case_assign(actor=viewer, case=case, **form.cleaned_data))
    return redirect("backoffice:case-detail", case_id=case.pk)


@office_view("cases.change_servicecase")
@require_POST
def case_status(request: HttpRequest, case_id: int) -> HttpResponse:
    viewer = _viewer(request)
    case = selectors.case_get(viewer=viewer, pk=case_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
    else:
        data = form.cleaned_data
        _apply(
            request,
            lambda: services.case_change_status(
                actor=viewer, case=case, status=CaseStatus(data["status"]), note=data["note"]
            ),
        )
    return redirect("backoffice:case-detail", case_id=case.pk)


@office_view("cases.change_servicecase")
@require_POST
def case_resolve(request: HttpRequest, case_id: int) -> HttpResponse:
    viewer = _viewer(request)
    case = selectors.case_get(viewer=viewer, pk=case_id)
    form = ResolveForm(request.POST)
    if form.is_valid():
        resolution = form.cleaned_data["resolution"]
        _apply(
            request,
            lambda: services.case_resolve(actor=viewer, case=case, resolution=resolution),
        )
    else:
        messages.error(request, _("Say how the case was resolved."))
    return redirect("backoffice:case-detail", case_id=case.pk)


def _apply(request: HttpRequest, write: Callable[[], object]) -> None:
    """Run one service write, telling the person what came of it."""
    try:
        write()
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Saved."))


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
