"""Deals move through stages only when the work is done (M1, M2, M16); every piece of work has
a recorded result and is stamped with the stage the deal was in."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kramar.accounts.enums import Role
from kramar.clients.enums import TimelineKind
from kramar.clients.tests.factories import ClientFactory
from kramar.core.errors import ApplicationError
from kramar.crm.enums import ActivityKind, CrmErrorCode, DealStatus
from kramar.crm.models import ActivityOutcome, Deal, DealStageChange, LostReason, Pipeline
from kramar.crm.services import (
    activity_complete,
    activity_plan,
    deal_create,
    deal_mark_lost,
    deal_move_stage,
)

pytestmark = pytest.mark.django_db


def stage(pipeline, code):
    return pipeline.stages.get(code=code)


def outcome(code):
    return ActivityOutcome.objects.get(code=code)


def do(manager, deal, kind, code, result="", now=None):
    activity = activity_plan(
        actor=manager,
        client=deal.client,
        kind=kind,
        subject=f"{kind} for {deal}",
        due_at=timezone.now(),
        deal=deal,
    )
    return activity_complete(
        actor=manager, activity=activity, outcome=outcome(code), result=result, now=now
    )


def test_a_new_deal_starts_in_the_first_open_stage_with_its_history_row(deal, manager, wholesale):
    assert deal.stage == stage(wholesale, "lead")
    assert deal.status == DealStatus.OPEN
    assert deal.department == manager.department
    first = deal.stage_changes.get()
    assert first.from_stage is None and first.to_stage == stage(wholesale, "lead")
    assert deal.client.timeline.filter(kind=TimelineKind.DEAL).exists()


def test_an_unmet_exit_criterion_blocks_the_move_and_changes_nothing_m2(deal, manager, wholesale):
    with pytest.raises(ApplicationError) as error:
        deal_move_stage(actor=manager, deal=deal, to_stage=stage(wholesale, "meeting"))
    assert error.value.code == CrmErrorCode.EXIT_CRITERIA_UNMET
    assert "Дзвінок" in error.value.message
    deal.refresh_from_db()
    assert deal.stage == stage(wholesale, "lead")
    assert deal.stage_changes.count() == 1


def test_the_move_is_allowed_once_the_work_is_done_in_this_stage(deal, manager, wholesale):
    do(manager, deal, ActivityKind.CALL, "reached-agreed")
    deal_move_stage(actor=manager, deal=deal, to_stage=stage(wholesale, "meeting"))
    deal.refresh_from_db()
    assert deal.stage == stage(wholesale, "meeting")


def test_work_done_in_an_earlier_stage_does_not_meet_a_later_stages_criterion_m2(
    deal, manager, wholesale
):
    do(manager, deal, ActivityKind.CALL, "reached-agreed")
    do(manager, deal, ActivityKind.MEETING, "meeting-held")  # done while still in "lead"
    deal_move_stage(actor=manager, deal=deal, to_stage=stage(wholesale, "meeting"))
    with pytest.raises(ApplicationError) as error:
        deal_move_stage(actor=manager, deal=deal, to_stage=stage(wholesale, "proposal"))
    assert error.value.code == CrmErrorCode.EXIT_CRITERIA_UNMET


def test_each_activity_is_stamped_with_the_stage_the_deal_was_in_when_done_m2(
    deal, manager, wholesale
):
    planned_in_lead = activity_plan(
        actor=manager,
        client=deal.client,
        kind=ActivityKind.MEETING,
        subject="Зустріч",
        due_at=timezone.now(),
        deal=deal,
    )
    do(manager, deal, ActivityKind.CALL, "reached-agreed")
    deal_move_stage(actor=manager, deal=deal, to_stage=stage(wholesale, "meeting"))
    done = activity_complete(
        actor=manager, activity=planned_in_lead, outcome=outcome("meeting-held")
    )
    assert done.stage == stage(wholesale, "meeting")  # when done, not when planned


def test_a_manager_cannot_override_but_a_head_can_with_a_recorded_reason(
    deal, manager, make_staff, wholesale
):
    with pytest.raises(ApplicationError) as error:
        deal_move_stage(
            actor=manager,
            deal=deal,
            to_stage=stage(wholesale, "meeting"),
            override_reason="дуже треба",
        )
    assert error.value.code == CrmErrorCode.OVERRIDE_NOT_ALLOWED
    head = make_staff(Role.HEAD_OF_SALES)
    deal_move_stage(
        actor=head,
        deal=deal,
        to_stage=stage(wholesale, "meeting"),
        override_reason="Клієнт прийшов сам на зустріч",
    )
    change = deal.stage_changes.order_by("-id").first()
    assert change.override_reason == "Клієнт прийшов сам на зустріч"
    assert change.changed_by == head


def test_stage_history_keeps_the_time_spent_and_the_manager_at_the_time_m16(
    deal, manager, wholesale
):
    start = deal.stage_entered_at
    do(manager, deal, ActivityKind.CALL, "reached-agreed")
    deal_move_stage(
        actor=manager,
        deal=deal,
        to_stage=stage(wholesale, "meeting"),
        now=start + timedelta(days=3, hours=2),
    )
    change = deal.stage_changes.order_by("-id").first()
    assert change.seconds_in_from_stage == (3 * 24 + 2) * 3600
    assert change.manager == manager and change.department == manager.department


def test_a_lost_deal_needs_a_reason_and_keeps_the_stage_it_was_lost_at_m17(
    deal, manager, wholesale
):
    with pytest.raises(ApplicationError) as error:
        deal_mark_lost(actor=manager, deal=deal, reason=None)
    assert error.value.code == CrmErrorCode.LOST_NEEDS_REASON
    deal_mark_lost(
        actor=manager,
        deal=deal,
        reason=LostReason.objects.get(code="price"),
        note="Конкурент дав -10%",
    )
    deal.refresh_from_db()
    assert deal.status == DealStatus.LOST
    assert deal.lost_at_stage == stage(wholesale, "lead")
    assert deal.stage == stage(wholesale, "lost")
    assert deal.closed_at is not None


def test_moving_straight_to_lost_is_refused(deal, manager, wholesale):
    with pytest.raises(ApplicationError) as error:
        deal_move_stage(actor=manager, deal=deal, to_stage=stage(wholesale, "lost"))
    assert error.value.code == CrmErrorCode.USE_MARK_LOST


def test_a_closed_deal_does_not_move(deal, manager, wholesale):
    deal_mark_lost(actor=manager, deal=deal, reason=LostReason.objects.get(code="price"))
    with pytest.raises(ApplicationError) as error:
        deal_move_stage(actor=manager, deal=deal, to_stage=stage(wholesale, "meeting"))
    assert error.value.code == CrmErrorCode.DEAL_CLOSED


def test_a_stage_of_another_pipeline_is_refused(deal, manager):
    retail_stage = Pipeline.objects.get(code="retail").stages.get(code="offer")
    with pytest.raises(ApplicationError) as error:
        deal_move_stage(actor=manager, deal=deal, to_stage=retail_stage)
    assert error.value.code == CrmErrorCode.STAGE_OF_OTHER_PIPELINE


def test_winning_closes_the_deal(manager):
    retail = Pipeline.objects.get(code="retail")
    client = ClientFactory(manager=manager)
    deal = deal_create(
        actor=manager,
        client=client,
        pipeline=retail,
        title="Диван",
        manager=manager,
        amount=Decimal("24999.99"),
    )
    do(manager, deal, ActivityKind.CALL, "reached-agreed")
    deal_move_stage(actor=manager, deal=deal, to_stage=stage(retail, "offer"))
    deal_move_stage(actor=manager, deal=deal, to_stage=stage(retail, "order"))
    deal_move_stage(actor=manager, deal=deal, to_stage=stage(retail, "won"))
    deal.refresh_from_db()
    assert deal.status == DealStatus.WON and deal.closed_at is not None
    assert deal.stage_changes.count() == 4


def test_an_activity_cannot_be_completed_without_a_result_m1(deal, manager):
    activity = activity_plan(
        actor=manager,
        client=deal.client,
        kind=ActivityKind.CALL,
        subject="Дзвінок",
        due_at=None,
        deal=deal,
    )
    with pytest.raises(ApplicationError) as error:
        activity_complete(actor=manager, activity=activity, outcome=None)
    assert error.value.code == CrmErrorCode.RESULT_REQUIRED
    activity.refresh_from_db()
    assert activity.completed_at is None


def test_a_result_must_fit_the_kind_of_work(deal, manager):
    activity = activity_plan(
        actor=manager,
        client=deal.client,
        kind=ActivityKind.CALL,
        subject="Дзвінок",
        due_at=None,
        deal=deal,
    )
    with pytest.raises(ApplicationError) as error:
        activity_complete(actor=manager, activity=activity, outcome=outcome("meeting-held"))
    assert error.value.code == CrmErrorCode.OUTCOME_NOT_FOR_KIND


def test_completed_work_lands_on_the_client_timeline_and_moves_last_contact(deal, manager):
    done = do(manager, deal, ActivityKind.CALL, "reached-agreed", result="Замовлять у березні")
    entry = deal.client.timeline.filter(kind=TimelineKind.CALL).get()
    assert entry.details == {"result": "Замовлять у березні"}
    deal.client.refresh_from_db()
    assert deal.client.last_contact_at == done.completed_at


def test_an_activity_cannot_be_completed_twice(deal, manager):
    done = do(manager, deal, ActivityKind.CALL, "reached-agreed")
    with pytest.raises(ApplicationError) as error:
        activity_complete(actor=manager, activity=done, outcome=outcome("reached-agreed"))
    assert error.value.code == CrmErrorCode.ACTIVITY_DONE


def test_an_activity_cannot_name_a_deal_of_another_client(deal, manager):
    with pytest.raises(ApplicationError) as error:
        activity_plan(
            actor=manager,
            client=ClientFactory(manager=manager),
            kind=ActivityKind.CALL,
            subject="x",
            due_at=None,
            deal=deal,
        )
    assert error.value.code == CrmErrorCode.DEAL_OF_OTHER_CLIENT


def test_a_negative_amount_is_refused(manager, wholesale):
    with pytest.raises(ApplicationError):
        deal_create(
            actor=manager,
            client=ClientFactory(),
            pipeline=wholesale,
            title="x",
            manager=manager,
            amount=Decimal("-1"),
        )
    assert not Deal.objects.exists()
    assert not DealStageChange.objects.exists()


def test_a_plan_template_plans_every_step_from_the_start_day_m13(manager):
    from datetime import datetime

    from django.utils import timezone as tz

    from kramar.crm.models import PlanTemplate
    from kramar.crm.services import plan_template_apply

    client = ClientFactory(manager=manager)
    start = datetime(2026, 12, 1, 15, 30, tzinfo=tz.get_current_timezone())
    template = PlanTemplate.objects.get(code="new-wholesale-client")
    planned = plan_template_apply(actor=manager, template=template, client=client, start=start)
    assert [a.kind for a in planned] == ["call", "meeting", "offer"]
    assert [tz.localtime(a.due_at).date().day for a in planned] == [2, 8, 15]
    assert all(tz.localtime(a.due_at).hour == 10 for a in planned)
    assert planned[0].remind_before == timedelta(minutes=30)
    assert all(a.owner == manager and a.client == client for a in planned)


def test_a_switched_off_template_plans_nothing(manager):
    from kramar.crm.models import Activity, PlanTemplate
    from kramar.crm.services import plan_template_apply

    template = PlanTemplate.objects.get(code="after-sale")
    template.is_active = False
    template.save()
    with pytest.raises(ApplicationError):
        plan_template_apply(actor=manager, template=template, client=ClientFactory(manager=manager))
    assert not Activity.objects.exists()
