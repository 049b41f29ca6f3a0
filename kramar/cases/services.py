"""Writes of the after-sales service: cases opened, assigned, moved, resolved and closed (M14).

Each write keeps an event row on the case and a line on the client's one history, in the same
transaction as the change (CONVENTIONS.md rule 6).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.cases.enums import (
    SLA_BY_PRIORITY,
    TRANSITIONS,
    CaseEventKind,
    CaseKind,
    CasePriority,
    CasesErrorCode,
    CaseStatus,
)
from kramar.cases.models import NUMBER_PREFIX, CaseEvent, ServiceCase
from kramar.clients.enums import TimelineKind
from kramar.clients.models import Client
from kramar.clients.services import timeline_record
from kramar.core.errors import ApplicationError

WORKS_ON_CASES = "cases.change_servicecase"


def case_sla_due_at(*, priority: CasePriority, opened_at: datetime) -> datetime:
    """Return when a case of ``priority`` opened at ``opened_at`` must be resolved."""
    return opened_at + SLA_BY_PRIORITY[CasePriority(priority)]


def _check_owner(owner: User) -> None:
    if not (owner.is_active and owner.is_staff and owner.has_perm(WORKS_ON_CASES)):
        raise ApplicationError(
            CasesErrorCode.OWNER_NOT_SERVICE,
            _("A case is owned by an active staff member who works on service cases."),
            extra={"field": "owner"},
        )


def _lock(case: ServiceCase) -> ServiceCase:
    locked = (
        ServiceCase.objects.select_for_update(of=("self",)).select_related("client").get(pk=case.pk)
    )
    if locked.status == CaseStatus.CLOSED:
        raise ApplicationError(CasesErrorCode.CASE_CLOSED, _("The case is closed already."))
    return locked


def _check_transition(case: ServiceCase, status: CaseStatus) -> None:
    if status == case.status:
        raise ApplicationError(
            CasesErrorCode.SAME_STATUS,
            _("The case is in that status already."),
            extra={"field": "status"},
        )
    if status not in TRANSITIONS[CaseStatus(case.status)]:
        raise ApplicationError(
            CasesErrorCode.TRANSITION_NOT_ALLOWED,
            _("A case cannot go from “%(old)s” to “%(new)s”.")
            % {"old": case.get_status_display(), "new": status.label},
            extra={"field": "status"},
        )


def _record(
    *,
    case: ServiceCase,
    kind: CaseEventKind,
    actor: User | None,
    at: datetime,
    from_status: str,
    note: str,
    summary: str,
) -> CaseEvent:
    event = CaseEvent.objects.create(
        case=case,
        kind=kind,
        at=at,
        actor=actor,
        from_status=from_status,
        to_status=case.status,
        note=note,
    )
    timeline_record(
        client=case.client,
        kind=TimelineKind.CASE,
        actor=actor,
        occurred_at=at,
        source=case,
        summary=summary,
        details={"note": note} if note else None,
        # Opening and resolving are contacts with the client; internal steps are not (M17).
        contact=kind in (CaseEventKind.OPENED, CaseEventKind.RESOLVED),
    )
    return event


@transaction.atomic
def case_open(
    *,
    actor: User,
    client: Client,
    kind: CaseKind,
    subject: str,
    description: str = "",
    priority: CasePriority = CasePriority.NORMAL,
    owner: User | None = None,
    now: datetime | None = None,
) -> ServiceCase:
    """Open a case for a client with its SLA due time from the priority; a contact (M14)."""
    if not subject.strip():
        raise ApplicationError(
            CasesErrorCode.SUBJECT_REQUIRED,
            _("Say what the case is about."),
            extra={"field": "subject"},
        )
    if owner is not None:
        _check_owner(owner)
    now = now or timezone.now()
    priority = CasePriority(priority)
    case = ServiceCase.objects.create(
        client=client,
        kind=CaseKind(kind),
        subject=subject.strip(),
        description=description.strip(),
        priority=priority,
        owner=owner,
        department=owner.department if owner is not None else None,
        sla_due_at=case_sla_due_at(priority=priority, opened_at=now),
        created_by=actor,
    )
    case.number = f"{NUMBER_PREFIX}{case.pk:06d}"
    case.save(update_fields=["number"])
    _record(
        case=case,
        kind=CaseEventKind.OPENED,
        actor=actor,
        at=now,
        from_status="",
        note=owner.get_full_name() if owner is not None else "",
        summary=_("Service case %(number)s opened: %(subject)s")
        % {"number": case.number, "subject": case.subject},
    )
    return case


@transaction.atomic
def case_assign(
    *, actor: User, case: ServiceCase, owner: User, now: datetime | None = None
) -> ServiceCase:
    """Make ``owner`` responsible for the case; the case takes the owner's department."""
    case = _lock(case)
    _check_owner(owner)
    if owner.pk == case.owner_id:
        raise ApplicationError(
            CasesErrorCode.SAME_OWNER,
            _("The case is that person's already."),
            extra={"field": "owner"},
        )
    now = now or timezone.now()
    case.owner = owner
    case.department = owner.department
    case.save(update_fields=["owner", "department", "updated_at"])
    _record(
        case=case,
        kind=CaseEventKind.ASSIGNED,
        actor=actor,
        at=now,
        from_status=case.status,
        note=owner.get_full_name(),
        summary=_("Service case %(number)s assigned to %(owner)s")
        % {"number": case.number, "owner": owner.get_full_name()},
    )
    return case


@transaction.atomic
def case_change_status(
    *,
    actor: User,
    case: ServiceCase,
    status: CaseStatus,
    note: str = "",
    now: datetime | None = None,
) -> ServiceCase:
    """Move a case to another status; resolving goes through :func:`case_resolve`."""
    status = CaseStatus(status)
    if status == CaseStatus.RESOLVED:
        raise ApplicationError(
            CasesErrorCode.USE_RESOLVE,
            _("A case is resolved with its resolution: resolve it instead."),
            extra={"field": "status"},
        )
    if status == CaseStatus.CLOSED:
        return case_close(actor=actor, case=case, note=note, now=now)
    case = _lock(case)
    _check_transition(case, status)
    now = now or timezone.now()
    previous = case.status
    case.status = status
    if previous == CaseStatus.RESOLVED:
        case.resolved_at = None  # reopened: the client came back with the same trouble
    case.save(update_fields=["status", "resolved_at", "updated_at"])
    _record(
        case=case,
        kind=CaseEventKind.STATUS_CHANGED,
        actor=actor,
        at=now,
        from_status=previous,
        note=note.strip(),
        summary=_("Service case %(number)s: %(old)s → %(new)s")
        % {
            "number": case.number,
            "old": CaseStatus(previous).label,
            "new": status.label,
        },
    )
    return case


@transaction.atomic
def case_resolve(
    *, actor: User, case: ServiceCase, resolution: str, now: datetime | None = None
) -> ServiceCase:
    """Resolve a case, saying how; a contact with the client (M14)."""
    case = _lock(case)
    resolution = resolution.strip()
    if not resolution:
        raise ApplicationError(
            CasesErrorCode.RESOLUTION_REQUIRED,
            _("Say how the case was resolved."),
            extra={"field": "resolution"},
        )
    _check_transition(case, CaseStatus.RESOLVED)
    now = now or timezone.now()
    previous = case.status
    case.status = CaseStatus.RESOLVED
    case.resolution = resolution
    case.resolved_at = now
    case.save(update_fields=["status", "resolution", "resolved_at", "updated_at"])
    _record(
        case=case,
        kind=CaseEventKind.RESOLVED,
        actor=actor,
        at=now,
        from_status=previous,
        note=resolution,
        summary=_("Service case %(number)s resolved: %(resolution)s")
        % {"number": case.number, "resolution": resolution},
    )
    return case


@transaction.atomic
def case_close(
    *, actor: User, case: ServiceCase, note: str = "", now: datetime | None = None
) -> ServiceCase:
    """Close a case for good; closing one that was never resolved needs a reason."""
    case = _lock(case)
    note = note.strip()
    _check_transition(case, CaseStatus.CLOSED)
    if case.status != CaseStatus.RESOLVED and not note:
        raise ApplicationError(
            CasesErrorCode.CLOSE_NEEDS_NOTE,
            _("Say why the case is closed without a resolution."),
            extra={"field": "note"},
        )
    now = now or timezone.now()
    previous = case.status
    case.status = CaseStatus.CLOSED
    case.save(update_fields=["status", "updated_at"])
    _record(
        case=case,
        kind=CaseEventKind.CLOSED,
        actor=actor,
        at=now,
        from_status=previous,
        note=note,
        summary=_("Service case %(number)s closed") % {"number": case.number},
    )
    return case
