"""Approvals in the back office (issue 5 item 2, M15): a deal's discount above the limit waits
for a head of sales, who approves or refuses it at /office/approvals/."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kramar.accounts.models import User
from kramar.backoffice.decorators import office_view
from kramar.core.errors import ApplicationError
from kramar.crm import selectors, services
from kramar.crm.enums import ApprovalStatus

LIMIT = 200


def _viewer(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@office_view("crm.view_approvalrequest")
def approval_list(request: HttpRequest) -> HttpResponse:
    """Pending requests first (those to decide, for heads), then the latest decisions."""
    visible = selectors.approvals_visible_to(viewer=_viewer(request))
    context = {
        "pending": list(visible.filter(status=ApprovalStatus.PENDING)[:LIMIT]),
        "decided": list(visible.exclude(status=ApprovalStatus.PENDING)[:50]),
    }
    return render(request, "backoffice/deals/approvals.html", context)


@office_view("crm.decide_approvalrequest")
@require_POST
def approval_decide(request: HttpRequest, approval_id: int) -> HttpResponse:
    viewer = _viewer(request)
    found = selectors.approval_get(viewer=viewer, pk=approval_id)
    approve = request.POST.get("decision") == "approve"
    try:
        services.approval_decide(
            actor=viewer, request=found, approve=approve, note=request.POST.get("note", "")[:500]
        )
    except ApplicationError as error:
        if error.status == 404:
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Approved.") if approve else _("Refused."))
    return redirect("backoffice:approvals")


@office_view("crm.change_deal")
@require_POST
def deal_discount(request: HttpRequest, deal_id: int) -> HttpResponse:
    viewer = _viewer(request)
    deal = selectors.deal_get(viewer=viewer, pk=deal_id)
    try:
        asked = services.deal_set_discount(
            actor=viewer,
            deal=deal,
            percent=request.POST.get("percent", "").replace(",", ".").strip() or "-1",
            note=request.POST.get("note", "")[:500],
        )
    except ApplicationError as error:
        if error.status in (403, 404):
            raise
        messages.error(request, str(error.message))
    else:
        if asked is None:
            messages.success(request, _("The discount is set."))
        else:
            messages.info(request, _("The discount is above the limit: a head of sales decides."))
    return redirect("backoffice:deal-detail", deal_id=deal_id)
