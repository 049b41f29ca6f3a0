"""Reads of the CRM: visibility of deals and activities, exit criteria, plans, lead rules.

Record rules (M3, M15; docs/security.md): a deal is seen by its manager, by the co-owners of
its client, by the heads of its department and by roles holding ``crm.view_all_deals``; an
activity is seen by whoever sees its client (one interaction plan per client, shared by every
employee, M14). Deals in the recycle bin, and those of a client in it, are seen by nobody here
(``deals_in_recycle_bin`` is the heads' view of the bin).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.accounts.enums import DepartmentKind, Role
from kramar.accounts.models import Department, User
from kramar.accounts.selectors import is_active_staff
from kramar.clients.models import Client
from kramar.clients.selectors import clients_visible_to
from kramar.core.errors import NotFoundError
from kramar.crm.enums import CriterionKind, CrmErrorCode, DealStatus, StageKind
from kramar.crm.models import (
    Activity,
    ApprovalRequest,
    Deal,
    ExitCriterion,
    LeadRule,
    Pipeline,
    Stage,
)

CoOwnership = Client.co_owners.through


def deals_visible_to(*, viewer: User) -> QuerySet[Deal]:
    deals = Deal.objects.filter(deleted_at__isnull=True, client__deleted_at__isnull=True)
    if not is_active_staff(viewer):
        return deals.none()
    if viewer.is_superuser or viewer.has_perm("crm.view_all_deals"):
        return deals
    rule = Q(manager=viewer) | Q(
        Exists(CoOwnership.objects.filter(client_id=OuterRef("client_id"), user_id=viewer.pk))
    )
    if viewer.has_perm("accounts.view_own_departments"):
        rule |= Q(department__in=Department.objects.filter(heads=viewer))
    return deals.filter(rule)


def deals_in_recycle_bin(*, viewer: User) -> QuerySet[Deal]:
    """Return the deleted deals the viewer may restore (a head's departments', or all)."""
    deleted = Deal.objects.filter(deleted_at__isnull=False, client__deleted_at__isnull=True)
    if not (is_active_staff(viewer) and viewer.has_perm("crm.restore_deal")):
        return deleted.none()
    if not (viewer.is_superuser or viewer.has_perm("crm.view_all_deals")):
        deleted = deleted.filter(department__in=Department.objects.filter(heads=viewer))
    return deleted.select_related("client", "manager", "department", "deleted_by").order_by(
        "-deleted_at", "-id"
    )


def deal_in_recycle_bin_get(*, viewer: User, pk: int) -> Deal:
    """Return a deleted deal the viewer may restore; any other is "not found"."""
    deal = deals_in_recycle_bin(viewer=viewer).filter(pk=pk).first()
    if deal is None:
        raise NotFoundError("crm.deal_not_found", _("No such deal in the recycle bin."))
    return deal


def deal_get(*, viewer: User, pk: int) -> Deal:
    deal = (
        deals_visible_to(viewer=viewer)
        .select_related("client", "pipeline", "stage", "manager", "department", "lost_reason")
        .filter(pk=pk)
        .first()
    )
    if deal is None:
        raise NotFoundError("crm.deal_not_found", _("No such deal."))
    return deal


def deal_list(
    *,
    viewer: User,
    pipeline: Pipeline | None = None,
    status: str = "",
    manager_id: int | None = None,
    client: Client | None = None,
) -> QuerySet[Deal]:
    deals = deals_visible_to(viewer=viewer)
    if pipeline is not None:
        deals = deals.filter(pipeline=pipeline)
    if status in DealStatus.values:
        deals = deals.filter(status=status)
    if manager_id:
        deals = deals.filter(manager_id=manager_id)
    if client is not None:
        deals = deals.filter(client=client)
    return deals.select_related("client", "stage", "pipeline", "manager").order_by(
        "-created_at", "-id"
    )


def activities_visible_to(*, viewer: User) -> QuerySet[Activity]:
    visible_clients = clients_visible_to(viewer=viewer)
    live = Activity.objects.filter(client__deleted_at__isnull=True).filter(
        Q(deal__isnull=True) | Q(deal__deleted_at__isnull=True)
    )
    return live.filter(Q(owner=viewer) | Q(client__in=visible_clients.values("pk")))


def activity_get(*, viewer: User, pk: int) -> Activity:
    activity = (
        activities_visible_to(viewer=viewer)
        .select_related("client", "deal", "deal__stage", "owner", "outcome", "stage")
        .filter(pk=pk)
        .first()
    )
    if activity is None:
        raise NotFoundError("crm.activity_not_found", _("No such activity."))
    return activity


def client_plan(*, viewer: User, client: Client) -> QuerySet[Activity]:
    """Return the client's interaction plan: its open activities, whoever owns them (M13, M14)."""
    return (
        activities_visible_to(viewer=viewer)
        .filter(client=client, completed_at__isnull=True)
        .select_related("owner", "deal")
        .order_by("due_at", "id")
    )


def my_day(*, viewer: User) -> dict[str, QuerySet[Activity]]:
    """Return the viewer's overdue and today's open activities (M12, M13).

    Deals with no next step are a separate list: ``deals_without_next_step``.
    """
    now = timezone.localtime()
    end_of_day = now.replace(hour=23, minute=59, second=59, microsecond=999_999)
    mine = Activity.objects.filter(owner=viewer, completed_at__isnull=True).select_related(
        "client", "deal"
    )
    return {
        "overdue": mine.filter(due_at__lt=now).order_by("due_at"),
        "today": mine.filter(due_at__gte=now, due_at__lte=end_of_day).order_by("due_at"),
    }


@dataclass(frozen=True)
class CriterionState:
    criterion: ExitCriterion
    met: bool


def exit_criteria_state(*, deal: Deal) -> list[CriterionState]:
    """Return each exit criterion of the deal's current stage and whether it is met.

    An activity criterion counts only work done while the deal was in this stage (M2).
    """
    states = []
    for criterion in deal.stage.exit_criteria.all():
        if criterion.kind == CriterionKind.ACTIVITY_DONE:
            met = deal.activities.filter(
                kind=criterion.activity_kind, completed_at__isnull=False, stage=deal.stage
            ).exists()
        else:
            met = bool(getattr(deal, criterion.field, None))
        states.append(CriterionState(criterion=criterion, met=met))
    return states


def pipeline_first_open_stage(*, pipeline: Pipeline) -> Stage | None:
    return pipeline.stages.filter(kind=StageKind.OPEN).order_by("order").first()


def pipeline_stage_of_kind(*, pipeline: Pipeline, kind: StageKind) -> Stage | None:
    return pipeline.stages.filter(kind=kind).order_by("order").first()


def pipeline_list(*, viewer: User) -> QuerySet[Pipeline]:
    """Return the active pipelines with their stages in order and each stage's exit criteria."""
    if not is_active_staff(viewer):
        return Pipeline.objects.none()
    return Pipeline.objects.filter(is_active=True).prefetch_related(
        "stages", "stages__exit_criteria"
    )


def activity_list(
    *,
    viewer: User,
    client_id: int | None = None,
    deal_id: int | None = None,
    owner_id: int | None = None,
    open_only: bool = False,
    overdue: bool = False,
) -> QuerySet[Activity]:
    """Return the activities the viewer may see, filtered; overdue ones are open and past due."""
    activities = activities_visible_to(viewer=viewer)
    if client_id:
        activities = activities.filter(client_id=client_id)
    if deal_id:
        activities = activities.filter(deal_id=deal_id)
    if owner_id:
        activities = activities.filter(owner_id=owner_id)
    if open_only or overdue:
        activities = activities.filter(completed_at__isnull=True)
    if overdue:
        activities = activities.filter(due_at__lt=timezone.now())
    return activities.select_related("client", "outcome").order_by("due_at", "id")


def deals_without_next_step(*, viewer: User) -> QuerySet[Deal]:
    """Return the viewer's open deals with no planned work: every open deal needs a next step."""
    planned = Activity.objects.filter(deal_id=OuterRef("pk"), completed_at__isnull=True)
    return (
        Deal.objects.filter(manager=viewer, status=DealStatus.OPEN)
        .filter(~Exists(planned))
        .select_related("client", "stage")
        .order_by("stage_entered_at")
    )


def activities_between(
    *, viewer: User, owner: User, start: datetime, end: datetime
) -> QuerySet[Activity]:
    """Return ``owner``'s activities due in [start, end) that the viewer may see (the calendar)."""
    return (
        activities_visible_to(viewer=viewer)
        .filter(owner=owner, due_at__gte=start, due_at__lt=end)
        .select_related("client", "deal", "outcome")
        .order_by("due_at", "id")
    )


def deal_needs_next_step(*, deal: Deal) -> bool:
    """Return whether an open deal has no planned (not yet done) work."""
    if deal.status != DealStatus.OPEN:
        return False
    return not Activity.objects.filter(deal=deal, completed_at__isnull=True).exists()


def approvals_visible_to(*, viewer: User) -> QuerySet[ApprovalRequest]:
    """Requests one asked for, those of the departments one heads, or all for roles that see
    every deal (M15)."""
    requests = ApprovalRequest.objects.select_related(
        "client", "deal", "requested_by", "decided_by", "department"
    )
    if not is_active_staff(viewer):
        return requests.none()
    if viewer.is_superuser or viewer.has_perm("crm.view_all_deals"):
        return requests
    return requests.filter(
        Q(requested_by=viewer) | Q(department__in=Department.objects.filter(heads=viewer))
    )


def approval_get(*, viewer: User, pk: int) -> ApprovalRequest:
    """Return one approval request the viewer may see; any other is "not found"."""
    found = approvals_visible_to(viewer=viewer).filter(pk=pk).first()
    if found is None:
        raise NotFoundError(CrmErrorCode.APPROVAL_NOT_FOUND, _("No such request."))
    return found


# --- Lead rules (who gets a new lead; M6, M8, M12) -----------------------------------------------


@dataclass(frozen=True)
class LeadRuleRow:
    """A rule as the office lists it, with why an active rule takes no lead now ("" if it does)."""

    rule: LeadRule
    idle: str


def lead_rules_visible_to(*, viewer: User) -> QuerySet[LeadRule]:
    """Return the rules in the order they are tried, to holders of ``crm.view_leadrule``."""
    rules = LeadRule.objects.select_related(
        "region", "product_group", "department", "manager"
    ).order_by("order", "pk")
    if not (is_active_staff(viewer) and viewer.has_perm("crm.view_leadrule")):
        return rules.none()
    return rules


def lead_rule_get(*, viewer: User, pk: int) -> LeadRule:
    rule = lead_rules_visible_to(viewer=viewer).filter(pk=pk).first()
    if rule is None:
        raise NotFoundError(CrmErrorCode.LEAD_RULE_NOT_FOUND, _("No such lead rule."))
    return rule


def _rule_idle(rule: LeadRule, staffed: set[int]) -> str:
    if rule.manager_id and rule.manager and is_active_staff(rule.manager):
        return ""
    if rule.department_id and rule.department_id in staffed:
        return ""
    if rule.department_id:
        return _("Skipped: the department has no active sales manager.")
    if rule.manager_id:
        return _("Skipped: the manager is no longer active.")
    return _("Skipped: it names no manager and no department.")


def lead_rule_rows(*, viewer: User) -> list[LeadRuleRow]:
    """Return the visible rules in order, each saying whether it can take a lead now."""
    rules = list(lead_rules_visible_to(viewer=viewer))
    staffed = set(
        User.objects.filter(
            is_active=True, is_staff=True, groups__name=Role.SALES_MANAGER.value
        ).values_list("department_id", flat=True)
    )
    return [
        LeadRuleRow(rule=rule, idle=_rule_idle(rule, staffed) if rule.is_active else "")
        for rule in rules
    ]


def lead_rule_departments() -> QuerySet[Department]:
    """Return the departments a rule may send leads to: the sales departments."""
    return Department.objects.filter(kind=DepartmentKind.SALES).order_by("name")


def lead_rule_managers() -> QuerySet[User]:
    """Return the people a rule may name: active sales managers and heads of sales."""
    return (
        User.objects.filter(
            is_active=True,
            is_staff=True,
            groups__name__in=[Role.SALES_MANAGER.value, Role.HEAD_OF_SALES.value],
        )
        .select_related("department")
        .distinct()
        .order_by("full_name", "email")
    )
