"""Deleting clients and deals, and the recycle bin where heads restore them (M3)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kramar.accounts.models import User
from kramar.backoffice.decorators import office_view
from kramar.clients import selectors as client_selectors
from kramar.clients import services as client_services
from kramar.core.errors import ApplicationError, NotFoundError
from kramar.crm import selectors as crm_selectors
from kramar.crm import services as crm_services

BIN_LIMIT = 200


def _viewer(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@office_view("clients.delete_client")
@require_POST
def client_delete(request: HttpRequest, client_id: int) -> HttpResponse:
    viewer = _viewer(request)
    client = client_selectors.client_get(viewer=viewer, pk=client_id)
    try:
        client_services.client_delete(actor=viewer, client=client)
    except ApplicationError as error:
        if isinstance(error, NotFoundError):
            raise
        messages.error(request, str(error.message))
        return redirect("backoffice:client-detail", client_id=client_id)
    messages.success(request, _("The client is in the recycle bin."))
    return redirect("backoffice:client-list")


@office_view("crm.delete_deal")
@require_POST
def deal_delete(request: HttpRequest, deal_id: int) -> HttpResponse:
    viewer = _viewer(request)
    deal = crm_selectors.deal_get(viewer=viewer, pk=deal_id)
    crm_services.deal_delete(actor=viewer, deal=deal)
    messages.success(request, _("The deal is in the recycle bin."))
    return redirect("backoffice:client-detail", client_id=deal.client_id)


def _may_restore(user: User) -> bool:
    return user.has_perm("clients.restore_client") or user.has_perm("crm.restore_deal")


@office_view("accounts.access_office")
def recycle_bin(request: HttpRequest) -> HttpResponse:
    """Deleted clients and deals the viewer may restore (heads: their departments')."""
    viewer = _viewer(request)
    if not _may_restore(viewer):
        raise PermissionDenied
    context = {
        "clients": list(client_selectors.clients_in_recycle_bin(viewer=viewer)[:BIN_LIMIT]),
        "deals": list(crm_selectors.deals_in_recycle_bin(viewer=viewer)[:BIN_LIMIT]),
    }
    return render(request, "backoffice/audit/recycle_bin.html", context)


@office_view("clients.restore_client")
@require_POST
def client_restore(request: HttpRequest, client_id: int) -> HttpResponse:
    viewer = _viewer(request)
    client = client_selectors.client_in_recycle_bin_get(viewer=viewer, pk=client_id)
    client_services.client_restore(actor=viewer, client=client)
    messages.success(request, _("The client is back, with its deals and plan."))
    return redirect("backoffice:client-detail", client_id=client_id)


@office_view("crm.restore_deal")
@require_POST
def deal_restore(request: HttpRequest, deal_id: int) -> HttpResponse:
    viewer = _viewer(request)
    deal = crm_selectors.deal_in_recycle_bin_get(viewer=viewer, pk=deal_id)
    crm_services.deal_restore(actor=viewer, deal=deal)
    messages.success(request, _("The deal is back."))
    return redirect("backoffice:deal-detail", deal_id=deal_id)
