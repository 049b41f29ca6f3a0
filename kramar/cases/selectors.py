"""Reads of the after-sales service. Which cases a person may see is decided here, and only here.

Staff whose role holds ``cases.view_all_cases`` (the service, the company head, administrators)
see every case; anyone else on the staff sees the cases of the clients they may see, and the
cases they own; customers and anonymous visitors see none (M14).
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.accounts.selectors import is_active_staff
from kramar.cases.enums import OPEN_STATUSES, CaseStatus
from kramar.cases.models import CaseEvent, ServiceCase
from kramar.clients.models import Client
from kramar.clients.selectors import clients_visible_to
from kramar.core.errors import NotFoundError


def cases_visible_to(*, viewer: User) -> QuerySet[ServiceCase]:
    """Return every case the viewer may see (the base of every other case read)."""
    cases = ServiceCase.objects.all()
    if not is_active_staff(viewer):
        return cases.none()
    if viewer.is_superuser or viewer.has_perm("cases.view_all_cases"):
        return cases
    visible_clients = clients_visible_to(viewer=viewer)
    return cases.filter(Q(owner=viewer) | Q(client__in=visible_clients.values("pk")))


def case_get(*, viewer: User, pk: int) -> ServiceCase:
    """Return one case with its events; an invisible one is "not found" (no leak)."""
    case = (
        cases_visible_to(viewer=viewer)
        .select_related("client", "owner", "department", "created_by")
        .prefetch_related(
            Prefetch(
                "events", queryset=CaseEvent.objects.select_related("actor").order_by("at", "id")
            )
        )
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise NotFoundError("cases.not_found", _("No such service case."))
    return case


def case_queue(
    *,
    viewer: User,
    status: str | None = None,
    mine: bool = False,
    overdue: bool = False,
    open_only: bool = False,
    client: Client | None = None,
) -> QuerySet[ServiceCase]:
    """Return the visible cases, the one due soonest first, ready to render without more queries.

    ``overdue`` keeps the open cases past their SLA due time; ``open_only`` the cases the service
    still owes an answer.
    """
    cases = cases_visible_to(viewer=viewer)
    if status in CaseStatus.values:
        cases = cases.filter(status=status)
    if open_only or overdue:
        cases = cases.filter(status__in=OPEN_STATUSES)
    if overdue:
        cases = cases.filter(sla_due_at__lt=timezone.now())
    if mine:
        cases = cases.filter(owner=viewer)
    if client is not None:
        cases = cases.filter(client=client)
    return cases.select_related("client", "owner", "department").order_by("sla_due_at", "id")


def case_owner_candidates() -> QuerySet[User]:
    """Return the active staff who may own a case: those whose role works on service cases."""
    works = Q(
        groups__permissions__content_type__app_label="cases",
        groups__permissions__codename="change_servicecase",
    ) | Q(
        user_permissions__content_type__app_label="cases",
        user_permissions__codename="change_servicecase",
    )
    return (
        User.objects.filter(is_active=True, is_staff=True)
        .filter(works | Q(is_superuser=True))
        .distinct()
        .order_by("full_name", "email")
    )
