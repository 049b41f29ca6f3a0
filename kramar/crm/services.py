"""Writes of the CRM: deals through their stages (M2, M16) and activities with results (M1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.clients.enums import TimelineKind
from kramar.clients.models import Client
from kramar.clients.services import timeline_record
from kramar.core.errors import ApplicationError
from kramar.core.money import quantize
from kramar.crm.enums import TIMELINE_KIND, ActivityKind, CrmErrorCode, DealStatus, StageKind
from kramar.crm.models import (
    Activity,
    ActivityOutcome,
    Deal,
    DealStageChange,
    LostReason,
    Pipeline,
    PlanTemplate,
    Stage,
)
from kramar.crm.selectors import (
    exit_criteria_state,
    pipeline_first_open_stage,
    pipeline_stage_of_kind,
)
from kramar.crm.tasks import schedule_activity_tasks


def _check_staff(person: User, field: str) -> None:
    if not (person.is_active and person.is_staff):
        raise ApplicationError(
            CrmErrorCode.NOT_STAFF,
            _("Only an active staff member can do this work."),
            extra={"field": field},
        )


def _check_amount(amount: Decimal) -> Decimal:
    if amount < 0:
        raise ApplicationError(
            CrmErrorCode.INVALID_AMOUNT,
            _("An amount cannot be negative."),
            extra={"field": "amount"},
        )
    return quantize(amount)


# --- Deals ---------------------------------------------------------------------------------------


@transaction.atomic
def deal_create(
    *,
    actor: User | None,
    client: Client,
    pipeline: Pipeline,
    title: str,
    manager: User,
    amount: Decimal = Decimal("0"),
    expected_close_date: date | None = None,
    probability: int | None = None,
    description: str = "",
    source: str = "",
    now: datetime | None = None,
) -> Deal:
    """Open a deal in the first open stage of its pipeline; the history starts with that stage."""
    _check_staff(manager, "manager")
    stage = pipeline_first_open_stage(pipeline=pipeline)
    if stage is None:
        raise ApplicationError(CrmErrorCode.NO_OPEN_STAGE, _("The pipeline has no open stage."))
    if not title.strip():
        raise ApplicationError(
            "validation_error", _("Give the deal a title."), extra={"field": "title"}
        )
    now = now or timezone.now()
    deal = Deal.objects.create(
        title=title.strip(),
        client=client,
        pipeline=pipeline,
        stage=stage,
        manager=manager,
        department=manager.department,
        amount=_check_amount(amount),
        expected_close_date=expected_close_date,
        probability=probability,
        description=description,
        source=source,
        stage_entered_at=now,
        created_by=actor,
    )
    DealStageChange.objects.create(
        deal=deal,
        from_stage=None,
        to_stage=stage,
        changed_at=now,
        changed_by=actor,
        manager=manager,
        department=manager.department,
    )
    timeline_record(
        client=client,
        kind=TimelineKind.DEAL,
        actor=actor,
        occurred_at=now,
        source=deal,
        summary=_("Deal opened: %(title)s") % {"title": deal.title},
    )
    return deal


def _enter_stage(
    *, deal: Deal, stage: Stage, actor: User | None, now: datetime, override_reason: str = ""
) -> DealStageChange:
    change = DealStageChange.objects.create(
        deal=deal,
        from_stage=deal.stage,
        to_stage=stage,
        changed_at=now,
        changed_by=actor,
        seconds_in_from_stage=max(0, int((now - deal.stage_entered_at).total_seconds())),
        manager=deal.manager,
        department=deal.department,
        override_reason=override_reason,
    )
    deal.stage = stage
    deal.stage_entered_at = now
    deal.status = {StageKind.WON: DealStatus.WON, StageKind.LOST: DealStatus.LOST}.get(
        StageKind(stage.kind), DealStatus.OPEN
    )
    deal.closed_at = now if deal.status != DealStatus.OPEN else None
    deal.save(update_fields=["stage", "stage_entered_at", "status", "closed_at", "updated_at"])
    return change


def _lock_open_deal(deal: Deal) -> Deal:
    locked = Deal.objects.select_for_update().select_related("stage").get(pk=deal.pk)
    if locked.status != DealStatus.OPEN:
        raise ApplicationError(CrmErrorCode.DEAL_CLOSED, _("The deal is closed already."))
    return locked


@transaction.atomic
def deal_move_stage(
    *,
    actor: User,
    deal: Deal,
    to_stage: Stage,
    override_reason: str = "",
    now: datetime | None = None,
) -> Deal:
    """Move a deal to another stage of its pipeline, if the current stage's exit criteria are met.

    A head of sales (``crm.override_exit_criteria``) may move past unmet criteria by giving a
    reason, which the stage history keeps. A lost deal goes through :func:`deal_mark_lost`.
    """
    deal = _lock_open_deal(deal)
    if to_stage.pipeline_id != deal.pipeline_id:
        raise ApplicationError(
            CrmErrorCode.STAGE_OF_OTHER_PIPELINE, _("That stage belongs to another pipeline.")
        )
    if to_stage.pk == deal.stage_id:
        raise ApplicationError(CrmErrorCode.SAME_STAGE, _("The deal is in that stage already."))
    if to_stage.kind == StageKind.LOST:
        raise ApplicationError(
            CrmErrorCode.USE_MARK_LOST, _("A lost deal needs a reason: mark it lost instead.")
        )
    unmet = [state.criterion for state in exit_criteria_state(deal=deal) if not state.met]
    override_reason = override_reason.strip()
    if unmet:
        if not override_reason:
            raise ApplicationError(
                CrmErrorCode.EXIT_CRITERIA_UNMET,
                _("The deal cannot leave “%(stage)s” yet: %(missing)s.")
                % {"stage": deal.stage.name, "missing": "; ".join(c.description for c in unmet)},
                extra={"unmet": [c.pk for c in unmet]},
            )
        if not actor.has_perm("crm.override_exit_criteria"):
            raise ApplicationError(
                CrmErrorCode.OVERRIDE_NOT_ALLOWED,
                _("Only a head of sales may move a deal past unmet exit criteria."),
                status=403,
            )
    elif override_reason:
        override_reason = ""  # nothing was overridden; keep the history true
    now = now or timezone.now()
    previous = deal.stage
    _enter_stage(deal=deal, stage=to_stage, actor=actor, now=now, override_reason=override_reason)
    timeline_record(
        client=deal.client,
        kind=TimelineKind.DEAL,
        actor=actor,
        occurred_at=now,
        source=deal,
        summary=_("Deal “%(title)s”: %(old)s → %(new)s")
        % {"title": deal.title, "old": previous.name, "new": to_stage.name},
    )
    return deal


@transaction.atomic
def deal_mark_lost(
    *,
    actor: User,
    deal: Deal,
    reason: LostReason | None,
    note: str = "",
    now: datetime | None = None,
) -> Deal:
    """Close a deal as lost, keeping why and at which stage it was lost (M17)."""
    deal = _lock_open_deal(deal)
    if reason is None:
        raise ApplicationError(
            CrmErrorCode.LOST_NEEDS_REASON,
            _("Say why the deal was lost."),
            extra={"field": "reason"},
        )
    lost_stage = pipeline_stage_of_kind(pipeline=deal.pipeline, kind=StageKind.LOST)
    if lost_stage is None:
        raise ApplicationError(
            CrmErrorCode.PIPELINE_HAS_NO_LOST_STAGE, _("The pipeline has no lost stage.")
        )
    now = now or timezone.now()
    deal.lost_reason = reason
    deal.lost_at_stage = deal.stage
    deal.lost_note = note.strip()[:500]
    deal.save(update_fields=["lost_reason", "lost_at_stage", "lost_note"])
    lost_at = deal.stage
    _enter_stage(deal=deal, stage=lost_stage, actor=actor, now=now)
    timeline_record(
        client=deal.client,
        kind=TimelineKind.DEAL,
        actor=actor,
        occurred_at=now,
        source=deal,
        summary=_("Deal “%(title)s” lost at “%(stage)s”: %(reason)s")
        % {"title": deal.title, "stage": lost_at.name, "reason": reason.name},
    )
    return deal


# --- Activities ----------------------------------------------------------------------------------


@transaction.atomic
def activity_plan(
    *,
    actor: User,
    client: Client,
    kind: ActivityKind,
    subject: str,
    due_at: datetime | None,
    owner: User | None = None,
    deal: Deal | None = None,
    remind_before: timedelta | None = None,
) -> Activity:
    """Plan a piece of work with a client (M12, M13), by default for oneself."""
    owner = owner or actor
    _check_staff(owner, "owner")
    if deal is not None and deal.client_id != client.pk:
        raise ApplicationError(
            CrmErrorCode.DEAL_OF_OTHER_CLIENT,
            _("That deal belongs to another client."),
            extra={"field": "deal"},
        )
    if not subject.strip():
        raise ApplicationError(
            "validation_error", _("Say what is to be done."), extra={"field": "subject"}
        )
    activity = Activity.objects.create(
        kind=ActivityKind(kind),
        subject=subject.strip(),
        client=client,
        deal=deal,
        owner=owner,
        department=owner.department,
        due_at=due_at,
        remind_before=remind_before,
        created_by=actor,
    )
    schedule_activity_tasks(activity)
    return activity


@transaction.atomic
def plan_template_apply(
    *,
    actor: User,
    template: PlanTemplate,
    client: Client,
    deal: Deal | None = None,
    owner: User | None = None,
    start: datetime | None = None,
) -> list[Activity]:
    """Plan every step of a template for a client (and deal), counting days from ``start``.

    A step due on a later day is set for 10:00 local time, the start of a working day.
    """
    if not template.is_active:
        raise ApplicationError(
            "crm.template_inactive",
            _("That plan template is switched off."),
            extra={"field": "template"},
        )
    start = start or timezone.now()
    planned = []
    for step in template.steps.order_by("order", "offset_days"):
        due = start + timedelta(days=step.offset_days)
        if step.offset_days:
            due = timezone.localtime(due).replace(hour=10, minute=0, second=0, microsecond=0)
        planned.append(
            activity_plan(
                actor=actor,
                client=client,
                kind=ActivityKind(step.kind),
                subject=step.subject,
                due_at=due,
                owner=owner,
                deal=deal,
                remind_before=timedelta(minutes=step.remind_before_minutes)
                if step.remind_before_minutes is not None
                else None,
            )
        )
    return planned


@transaction.atomic
def activity_complete(
    *,
    actor: User,
    activity: Activity,
    outcome: ActivityOutcome | None,
    result: str = "",
    now: datetime | None = None,
) -> Activity:
    """Record that the work is done and what came of it (M1), in the deal's current stage (M2)."""
    activity = (
        Activity.objects.select_for_update(of=("self",))
        .select_related("deal", "client")
        .get(pk=activity.pk)
    )
    if activity.completed_at is not None:
        raise ApplicationError(CrmErrorCode.ACTIVITY_DONE, _("This activity is done already."))
    if outcome is None:
        raise ApplicationError(
            CrmErrorCode.RESULT_REQUIRED,
            _("Choose the result of the work to complete it."),
            extra={"field": "outcome"},
        )
    if outcome.activity_kind and outcome.activity_kind != activity.kind:
        raise ApplicationError(
            CrmErrorCode.OUTCOME_NOT_FOR_KIND,
            _("That result does not fit this kind of work."),
            extra={"field": "outcome"},
        )
    now = now or timezone.now()
    activity.completed_at = now
    activity.outcome = outcome
    activity.result = result.strip()
    # The stage is read from the deal now, under the lock, never from the client or the caller.
    activity.stage_id = (
        Deal.objects.select_for_update().values_list("stage_id", flat=True).get(pk=activity.deal_id)
        if activity.deal_id
        else None
    )
    activity.save(update_fields=["completed_at", "outcome", "result", "stage", "updated_at"])
    summary = f"{activity.get_kind_display()}: {activity.subject} — {outcome.name}"
    timeline_record(
        client=activity.client,
        kind=TIMELINE_KIND[ActivityKind(activity.kind)],
        actor=actor,
        occurred_at=now,
        source=activity,
        summary=summary,
        details={"result": activity.result} if activity.result else None,
    )
    return activity


@dataclass(frozen=True)
class NextStep:
    """The work planned in the same breath as completing the last (every open deal needs one)."""

    kind: ActivityKind
    subject: str
    due_at: datetime | None
    owner: User | None = None
    remind_before: timedelta | None = None


@transaction.atomic
def activity_complete_with_next_step(
    *,
    actor: User,
    activity: Activity,
    outcome: ActivityOutcome | None,
    result: str = "",
    next_step: NextStep,
    now: datetime | None = None,
) -> tuple[Activity, Activity]:
    """Complete the work and plan the next step for the same client and deal, all or nothing."""
    done = activity_complete(
        actor=actor, activity=activity, outcome=outcome, result=result, now=now
    )
    planned = activity_plan(
        actor=actor,
        client=done.client,
        deal=done.deal,
        kind=next_step.kind,
        subject=next_step.subject,
        due_at=next_step.due_at,
        owner=next_step.owner,
        remind_before=next_step.remind_before,
    )
    return done, planned
