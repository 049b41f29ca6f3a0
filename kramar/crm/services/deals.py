"""Deals through their stages (M2, M16): create, move, lose."""

from __future__ import annotations

from datetime import date, datetime
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
from kramar.crm.enums import CrmErrorCode, DealStatus, StageKind
from kramar.crm.models import (
    Deal,
    DealStageChange,
    LostReason,
    Pipeline,
    Stage,
)
from kramar.crm.selectors import (
    exit_criteria_state,
    pipeline_first_open_stage,
    pipeline_stage_of_kind,
)
from kramar.crm.services.access import deal_check_actor


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
    deal_check_actor(actor=actor, deal=deal)
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
    deal_check_actor(actor=actor, deal=deal)
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
