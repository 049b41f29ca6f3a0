"""Activities: planned work with reminders (M13) and completed work with results (M1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.clients.models import Client
from kramar.clients.services import timeline_record
from kramar.core.errors import ApplicationError
from kramar.crm.enums import TIMELINE_KIND, ActivityKind, CrmErrorCode
from kramar.crm.models import (
    Activity,
    ActivityOutcome,
    Deal,
    PlanTemplate,
)
from kramar.crm.services.access import activity_check_actor
from kramar.crm.services.deals import _check_staff
from kramar.crm.tasks import schedule_activity_tasks


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
    activity_check_actor(actor=actor, client=client, permission="crm.add_activity")
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
    activity_check_actor(actor=actor, activity=activity, permission="crm.change_activity")
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
