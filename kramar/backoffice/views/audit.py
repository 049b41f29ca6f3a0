"""The audit trail in the back office (M3): a record's history with revert, the whole trail
with filters for heads and administrators, the recycle bin, and the roles-by-rights matrix."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kramar.accounts.models import Department, User
from kramar.audit import selectors as audit_selectors
from kramar.audit.models import AuditEntry
from kramar.audit.services import audit_revert, revertible_fields
from kramar.backoffice.audit_forms import AuditFilterForm
from kramar.backoffice.decorators import office_view
from kramar.cases.selectors import case_get
from kramar.clients.selectors import client_get
from kramar.core.errors import ApplicationError
from kramar.crm.selectors import deal_get, lead_rule_get
from kramar.orders.selectors import order_get

PAGE_SIZE = 50


def _viewer(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


# The records whose history the office shows: how to load one as the viewer may see it (the
# owning app's selector: an invisible record is "not found"), and the page it lives on.
RECORDS: dict[str, tuple[Callable[[User, int], Model], str]] = {
    "clients.client": (lambda viewer, pk: client_get(viewer=viewer, pk=pk), "client-detail"),
    "crm.deal": (lambda viewer, pk: deal_get(viewer=viewer, pk=pk), "deal-detail"),
    "orders.order": (lambda viewer, pk: order_get(viewer=viewer, pk=pk), "order-detail"),
    "cases.servicecase": (lambda viewer, pk: case_get(viewer=viewer, pk=pk), "case-detail"),
    "crm.leadrule": (lambda viewer, pk: lead_rule_get(viewer=viewer, pk=pk), "lead-rule-edit"),
}


def _record(viewer: User, model: str, object_id: int) -> tuple[Model, str]:
    if model not in RECORDS:
        raise Http404
    load, url_name = RECORDS[model]
    record = load(viewer, object_id)
    return record, reverse(f"backoffice:{url_name}", args=[object_id])


def _rows(entries: Any) -> list[dict[str, Any]]:
    return [
        {
            "entry": entry,
            "changes": [
                {"field": name, "value": value, "pair": isinstance(value, list)}
                for name, value in entry.changes.items()
                if not name.startswith("_")
            ],
            "revertible": revertible_fields(entry),
        }
        for entry in entries
    ]


@office_view("accounts.access_office")
def history(request: HttpRequest, model: str, object_id: int) -> HttpResponse:
    """One record's history: who changed what, when and from where (the "history" tab)."""
    viewer = _viewer(request)
    record, record_url = _record(viewer, model, object_id)
    entries = audit_selectors.record_history(model=model, object_id=object_id)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "record": record,
        "record_url": record_url,
        "model": model,
        "page": page,
        "rows": _rows(page),
        "may_revert": viewer.has_perm("audit.revert_change"),
    }
    return render(request, "backoffice/audit/history.html", context)


@office_view("audit.revert_change")
@require_POST
def revert(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Put one field back as it was before a change; the owning service checks the right."""
    viewer = _viewer(request)
    entry = get_object_or_404(AuditEntry, pk=entry_id)
    record, _url = _record(viewer, entry.model, int(entry.object_id or 0))
    field = request.POST.get("field", "")
    try:
        audit_revert(actor=viewer, entry=entry, field=field, record=record)
    except ApplicationError as error:
        if error.status == 404:
            raise
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The change was reverted."))
    return redirect("backoffice:history", model=entry.model, object_id=entry.object_id)


def _trail_scope(viewer: User) -> list[int] | None:
    """None: the whole trail; else the people whose rows the viewer may read."""
    if viewer.is_superuser or viewer.has_perm("audit.view_all_audit"):
        return None
    departments = Department.objects.filter(heads=viewer)
    return list(User.objects.filter(department__in=departments).values_list("pk", flat=True))


@office_view("audit.view_auditentry")
def trail(request: HttpRequest) -> HttpResponse:
    """The whole trail, filtered (administrators and the company head; heads: their people)."""
    viewer = _viewer(request)
    form = AuditFilterForm(request.GET or None)
    wanted = form.cleaned_data if form.is_valid() else {}
    entries = audit_selectors.audit_log(
        actor_ids=_trail_scope(viewer),
        actor_id=wanted.get("actor"),
        model=wanted.get("model", ""),
        action=wanted.get("action", ""),
        object_id=wanted.get("object_id", ""),
        source=wanted.get("source", ""),
        since=wanted.get("since"),
        until=wanted.get("until"),
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": _rows(page), "query": query.urlencode()}
    return render(request, "backoffice/audit/trail.html", context)


ROLE_ACTIONS = [
    (gettext_lazy("See clients"), "clients.view_client"),
    (gettext_lazy("See every client"), "clients.view_all_clients"),
    (gettext_lazy("Change clients"), "clients.change_client"),
    (gettext_lazy("Delete clients (recycle bin)"), "clients.delete_client"),
    (gettext_lazy("Restore clients"), "clients.restore_client"),
    (gettext_lazy("Reassign clients"), "clients.reassign_client"),
    (gettext_lazy("Merge clients"), "clients.merge_clients"),
    (gettext_lazy("Export a person's data (their request)"), "clients.export_personal_data"),
    (gettext_lazy("Erase a person's data (their request)"), "clients.erase_client"),
    (gettext_lazy("See deals"), "crm.view_deal"),
    (gettext_lazy("See every deal"), "crm.view_all_deals"),
    (gettext_lazy("Change deals"), "crm.change_deal"),
    (gettext_lazy("Delete deals (recycle bin)"), "crm.delete_deal"),
    (gettext_lazy("Restore deals"), "crm.restore_deal"),
    (gettext_lazy("Reassign deals"), "crm.reassign_deal"),
    (gettext_lazy("Pass exit criteria"), "crm.override_exit_criteria"),
    (gettext_lazy("Plan and do activities"), "crm.add_activity"),
    (gettext_lazy("See the lead rules"), "crm.view_leadrule"),
    (gettext_lazy("Keep the lead rules"), "crm.change_leadrule"),
    (gettext_lazy("Write to clients by e-mail"), "mail.add_mailmessage"),
    (gettext_lazy("Sort the mail quarantine"), "mail.manage_quarantine"),
    (gettext_lazy("See service cases"), "cases.view_servicecase"),
    (gettext_lazy("Work service cases"), "cases.change_servicecase"),
    (gettext_lazy("See orders"), "orders.view_order"),
    (gettext_lazy("Fulfil orders"), "orders.change_order"),
    (gettext_lazy("Decide returns"), "returns.change_goodsreturn"),
    (gettext_lazy("Keep the catalogue, prices and stock"), "catalog.change_product"),
    (gettext_lazy("Read a record's history"), "accounts.access_office"),
    (gettext_lazy("Read the whole audit trail"), "audit.view_all_audit"),
    (gettext_lazy("Read the trail of one's departments"), "audit.view_auditentry"),
    (gettext_lazy("Revert a change"), "audit.revert_change"),
    (gettext_lazy("Manage staff and roles"), "accounts.manage_staff"),
]


@office_view("accounts.view_user")
def roles(request: HttpRequest) -> HttpResponse:
    """Every role against every action: what each may do (M3, M15), from the roles' grants."""
    from django.contrib.auth.models import Group

    from kramar.accounts.enums import Role

    held: dict[str, set[str]] = {}
    for group in Group.objects.filter(name__in=Role.values).prefetch_related(
        "permissions__content_type"
    ):
        held[group.name] = {
            f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()
        }
    matrix = [
        {
            "label": label,
            "permission": permission,
            "cells": [permission in held.get(role.value, set()) for role in Role],
        }
        for label, permission in ROLE_ACTIONS
    ]
    return render(request, "backoffice/audit/roles.html", {"roles": list(Role), "matrix": matrix})
