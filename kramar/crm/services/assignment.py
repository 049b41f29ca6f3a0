"""Who gets a new lead, whatever channel brought it, and the writes of the rules (M6, M8, M12).

One choice for every channel (docs/tracking.md, "Assignment"): the client's own active manager;
else the first active :class:`LeadRule` by ``order`` that matches the channel, the client's
region and the product's group (or a group above it), a blank field matching anything, naming
a manager or a department; else the sales managers of the sales departments. Among the sales
managers of a department the one with the **fewest open deals** wins; on equal load the one
whose last lead (of any channel) is oldest, so equal people take leads in turn.

The web forms (tracking) and letters from unknown senders (mail) ask :func:`lead_manager_for`;
the office's tester asks :func:`lead_assignment`, which also says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kramar.accounts.enums import DepartmentKind, Role
from kramar.accounts.models import Department, User
from kramar.accounts.selectors import is_active_staff
from kramar.catalog.models import Product, ProductGroup
from kramar.catalog.selectors import group_ancestors
from kramar.clients.models import Client, Region
from kramar.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from kramar.crm.enums import LEAD_DEAL_SOURCES, CrmErrorCode, DealStatus, LeadChannel
from kramar.crm.models import Deal, LeadRule
from kramar.crm.selectors import lead_rule_departments, lead_rule_managers

RULE_FIELDS = frozenset(
    {"channel", "region", "product_group", "department", "manager", "is_active", "note"}
)


class AssignedBy(models.TextChoices):
    CLIENT_MANAGER = "client_manager", gettext_lazy("the client's own manager")
    RULE_MANAGER = "rule_manager", gettext_lazy("a rule naming the manager")
    RULE_DEPARTMENT = (
        "rule_department",
        gettext_lazy("a rule naming the department: its least loaded sales manager"),
    )
    SALES_DEPARTMENTS = (
        "sales_departments",
        gettext_lazy("no rule: the least loaded sales manager of the sales departments"),
    )
    NOBODY = "nobody", gettext_lazy("nobody: there is no active sales manager")


@dataclass(frozen=True)
class LeadAssignment:
    """The manager a lead goes to, and why: the rule that chose, if one did."""

    manager: User | None
    by: AssignedBy
    rule: LeadRule | None = None


# --- The choice ----------------------------------------------------------------------------------


def _sales_managers() -> list[User]:
    return list(
        User.objects.filter(is_active=True, is_staff=True, groups__name=Role.SALES_MANAGER.value)
        .select_related("department")
        .distinct()
    )


def _least_loaded(candidates: list[User]) -> User | None:
    """Pick the manager with the fewest open deals; ties: the one whose last lead is oldest."""
    if not candidates:
        return None
    stats = {
        row["manager"]: row
        for row in Deal.objects.filter(manager__in=[person.pk for person in candidates])
        .values("manager")
        .annotate(
            open=Count("pk", filter=Q(status=DealStatus.OPEN, deleted_at__isnull=True)),
            last_lead=Max("created_at", filter=Q(source__in=LEAD_DEAL_SOURCES)),
        )
    }
    epoch = datetime.min.replace(tzinfo=timezone.get_current_timezone())

    def load(person: User) -> tuple[int, datetime, int]:
        row: dict[str, Any] = dict(stats.get(person.pk) or {})
        return (row.get("open") or 0, row.get("last_lead") or epoch, person.pk)

    return min(candidates, key=load)


def _rule_matches(rule: LeadRule, *, channel: str, region_id: int | None, groups: set[int]) -> bool:
    if rule.channel and rule.channel != channel:
        return False
    if rule.region_id and rule.region_id != region_id:
        return False
    return not (rule.product_group_id and rule.product_group_id not in groups)


def _groups_of(group: ProductGroup | None) -> set[int]:
    """Return the group and every group above it (a rule on "Tools" covers "Drills")."""
    if group is None:
        return set()
    return {group.pk, *(above.pk for above in group_ancestors(group))}


def lead_assignment(
    *,
    channel: str,
    client: Client | None = None,
    product: Product | None = None,
    region: Region | None = None,
    product_group: ProductGroup | None = None,
) -> LeadAssignment:
    """Return who would get a lead now, and why (the rules above).

    ``region`` and ``product_group`` stand in for a client's region and a product's group when
    there is no client or product yet (the office's tester).
    """
    if client is not None and client.manager_id and client.manager and client.manager.is_active:
        return LeadAssignment(client.manager, AssignedBy.CLIENT_MANAGER)
    region_id = region.pk if region is not None else (client.region_id if client else None)
    group = product_group if product_group is not None else (product.group if product else None)
    groups = _groups_of(group)
    managers = _sales_managers()
    for rule in LeadRule.objects.filter(is_active=True).select_related("manager"):
        if not _rule_matches(rule, channel=str(channel), region_id=region_id, groups=groups):
            continue
        if rule.manager_id and rule.manager and is_active_staff(rule.manager):
            return LeadAssignment(rule.manager, AssignedBy.RULE_MANAGER, rule)
        if rule.department_id:
            chosen = _least_loaded([m for m in managers if m.department_id == rule.department_id])
            if chosen is not None:
                return LeadAssignment(chosen, AssignedBy.RULE_DEPARTMENT, rule)
    chosen = _least_loaded(
        [m for m in managers if m.department and m.department.kind == DepartmentKind.SALES]
    ) or _least_loaded(managers)
    if chosen is None:
        return LeadAssignment(None, AssignedBy.NOBODY)
    return LeadAssignment(chosen, AssignedBy.SALES_DEPARTMENTS)


def lead_manager_for(
    *, channel: str, client: Client | None = None, product: Product | None = None
) -> User | None:
    """Return who handles a new lead from ``channel`` (a web form's kind, or "email")."""
    return lead_assignment(channel=channel, client=client, product=product).manager


# --- The rules' writes ---------------------------------------------------------------------------


def _require(actor: User | None, permission: str) -> None:
    """Refuse a staff member whose role lacks ``permission``; ``None`` is the system itself."""
    if actor is None:
        return
    if not (is_active_staff(actor) and actor.has_perm(permission)):
        raise PermissionDeniedError(
            CrmErrorCode.MAY_NOT_CHANGE,
            _("Your role does not allow this."),
            extra={"permission": permission},
        )


def _check_channel(channel: str) -> None:
    if channel and channel not in LeadChannel.values:
        raise ApplicationError(
            CrmErrorCode.LEAD_RULE_CHANNEL,
            _("There is no such channel."),
            extra={"field": "channel"},
        )


def _check_target(department: Department | None, manager: User | None) -> None:
    """A rule names exactly one: a sales department, or a person who works leads."""
    if (department is None) == (manager is None):
        raise ApplicationError(
            CrmErrorCode.LEAD_RULE_TARGET,
            _("Name either a manager or a department (one of them)."),
            extra={"field": "manager"},
        )
    if department is not None and not lead_rule_departments().filter(pk=department.pk).exists():
        raise ApplicationError(
            CrmErrorCode.LEAD_RULE_DEPARTMENT,
            _("Leads go to sales departments only."),
            extra={"field": "department"},
        )
    if manager is not None and not lead_rule_managers().filter(pk=manager.pk).exists():
        raise ApplicationError(
            CrmErrorCode.LEAD_RULE_MANAGER,
            _("Leads go to active sales managers and heads of sales only."),
            extra={"field": "manager"},
        )


def _clean_note(note: str) -> str:
    return " ".join(str(note).split())[:200]


@transaction.atomic
def lead_rule_create(
    *,
    actor: User | None,
    channel: str = "",
    region: Region | None = None,
    product_group: ProductGroup | None = None,
    department: Department | None = None,
    manager: User | None = None,
    is_active: bool = True,
    note: str = "",
) -> LeadRule:
    """Add a rule at the end of the order (move it up to make it win earlier)."""
    _require(actor, "crm.add_leadrule")
    _check_channel(channel)
    _check_target(department, manager)
    last = LeadRule.objects.aggregate(last=Max("order"))["last"] or 0
    return LeadRule.objects.create(
        order=last + 1,
        channel=channel,
        region=region,
        product_group=product_group,
        department=department,
        manager=manager,
        is_active=is_active,
        note=_clean_note(note),
    )


@transaction.atomic
def lead_rule_update(*, actor: User | None, rule: LeadRule, **changes: Any) -> LeadRule:
    """Change a rule's fields (``is_active`` alone switches it off or on); the trail keeps each."""
    _require(actor, "crm.change_leadrule")
    unknown = set(changes) - RULE_FIELDS
    if unknown:
        raise ApplicationError(
            CrmErrorCode.UNKNOWN_FIELD,
            _("Unknown rule fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
        )
    rule = LeadRule.objects.select_for_update().get(pk=rule.pk)
    if "note" in changes:
        changes["note"] = _clean_note(changes["note"])
    if "channel" in changes:
        changes["channel"] = changes["channel"] or ""
        _check_channel(changes["channel"])
    if {"department", "manager"} & set(changes):
        _check_target(
            changes.get("department", rule.department), changes.get("manager", rule.manager)
        )
    changed = [name for name, value in changes.items() if getattr(rule, name) != value]
    for name in changed:
        setattr(rule, name, changes[name])
    if changed:
        rule.save(update_fields=changed)
    return rule


@transaction.atomic
def lead_rule_delete(*, actor: User | None, rule: LeadRule) -> None:
    """Remove a rule (switching it off keeps it for later; both are in the trail)."""
    _require(actor, "crm.delete_leadrule")
    rule.delete()


@transaction.atomic
def lead_rule_move(*, actor: User | None, rule: LeadRule, position: int) -> list[LeadRule]:
    """Put a rule at ``position`` (1 is tried first) and number the rules 1, 2, 3… again.

    Every rule is locked while the order is rewritten, so two people moving rules at the same
    time leave one consistent order. Return the rules in their new order.
    """
    _require(actor, "crm.change_leadrule")
    rules = list(LeadRule.objects.select_for_update().order_by("order", "pk"))
    moving = next((item for item in rules if item.pk == rule.pk), None)
    if moving is None:
        raise NotFoundError(CrmErrorCode.LEAD_RULE_NOT_FOUND, _("No such lead rule."))
    rules.remove(moving)
    rules.insert(min(max(position, 1), len(rules) + 1) - 1, moving)
    for number, item in enumerate(rules, start=1):
        if item.order != number:
            item.order = number
            item.save(update_fields=["order"])
    return rules
