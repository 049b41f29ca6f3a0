"""A deal's own fields, its manager, and the recycle bin (M3, M15; docs/security.md).

Every function here checks the actor's right to the deal itself, whatever entry point calls
it: the deal must be visible to the actor (else "not found") and the role must allow the
change (else "forbidden"). Field-level rule: the manager and the department of a deal change
only through ``deal_reassign``, which needs ``crm.reassign_deal`` (heads of sales); a manager
who sends them to ``deal_update`` is refused.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.accounts.models import Department, User
from kramar.clients.enums import TimelineKind
from kramar.clients.services import timeline_record
from kramar.core.errors import ApplicationError, PermissionDeniedError
from kramar.crm.enums import CrmErrorCode
from kramar.crm.models import Deal
from kramar.crm.selectors import deal_in_recycle_bin_get
from kramar.crm.services.access import deal_require_change
from kramar.crm.services.deals import _check_amount, _check_staff

EDITABLE_FIELDS = frozenset(
    {"title", "amount", "expected_close_date", "probability", "description", "source"}
)
HEAD_ONLY_FIELDS = frozenset({"manager", "department"})


def _clean(field: str, value: Any) -> Any:
    if field == "title":
        if not str(value or "").strip():
            raise ApplicationError(
                "validation_error", _("Give the deal a title."), extra={"field": "title"}
            )
        return str(value).strip()
    if field == "amount":
        return _check_amount(Decimal(value))
    if field == "probability" and value is not None and not 0 <= int(value) <= 100:
        raise ApplicationError(
            "validation_error",
            _("A probability is between 0 and 100."),
            extra={"field": "probability"},
        )
    if field == "expected_close_date" and value is not None and not isinstance(value, date):
        raise ApplicationError("validation_error", _("Not a date."), extra={"field": field})
    if field in {"description", "source"}:
        return str(value or "")
    return value


@transaction.atomic
def deal_update(*, actor: User, deal: Deal, **changes: Any) -> Deal:
    """Change a deal's own fields; the audit trail keeps each old and new value."""
    deal_require_change(actor=actor, deal=deal)
    head_only = set(changes) & HEAD_ONLY_FIELDS
    if head_only:
        raise PermissionDeniedError(
            CrmErrorCode.FIELD_NEEDS_HEAD,
            _("Only a head of sales hands a deal to another manager."),
            extra={"fields": sorted(head_only)},
        )
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ApplicationError(
            CrmErrorCode.UNKNOWN_FIELD,
            _("Unknown deal fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
        )
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    changed = []
    for field, value in changes.items():
        value = _clean(field, value)
        if getattr(deal, field) != value:
            setattr(deal, field, value)
            changed.append(field)
    if changed:
        deal.save(update_fields=[*changed, "updated_at"])
    return deal


@transaction.atomic
def deal_reassign(*, actor: User, deal: Deal, manager: User) -> Deal:
    """Hand a deal to another manager, who brings their department (heads of sales only).

    A head hands deals only to people of the departments they head; administrators and roles
    that see every deal hand them to anyone on the staff.
    """
    deal_require_change(actor=actor, deal=deal, permission="crm.reassign_deal")
    _check_staff(manager, "manager")
    everywhere = actor.is_superuser or actor.has_perm("crm.view_all_deals")
    if not everywhere and not Department.objects.filter(heads=actor, members=manager).exists():
        raise PermissionDeniedError(
            CrmErrorCode.MANAGER_OUTSIDE_DEPARTMENTS,
            _("You hand deals only to people of the departments you head."),
            extra={"field": "manager"},
        )
    deal = Deal.objects.select_for_update().get(pk=deal.pk)
    if deal.manager_id == manager.pk:
        return deal
    previous = deal.manager
    deal.manager = manager
    deal.department = manager.department
    deal.save(update_fields=["manager", "department", "updated_at"])
    timeline_record(
        client=deal.client,
        kind=TimelineKind.DEAL,
        actor=actor,
        source=deal,
        summary=_("Deal %(title)s handed to %(new)s (was %(old)s)")
        % {"title": deal.title, "new": manager, "old": previous},
    )
    return deal


@transaction.atomic
def deal_delete(*, actor: User, deal: Deal) -> Deal:
    """Move a deal to the recycle bin; its activities leave the plans with it."""
    deal_require_change(actor=actor, deal=deal, permission="crm.delete_deal")
    deal.deleted_at = timezone.now()
    deal.deleted_by = actor
    deal.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    return deal


@transaction.atomic
def deal_restore(*, actor: User, deal: Deal) -> Deal:
    """Bring a deal back from the recycle bin (the head of its department, or administrators)."""
    deal_in_recycle_bin_get(viewer=actor, pk=deal.pk)
    deal.deleted_at = None
    deal.deleted_by = None
    deal.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    return deal
