"""Deal pages: the board, the card enforcing exit criteria, planning, "my day" (M2, M12, M13)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kramar.accounts.enums import Role
from kramar.clients.tests.factories import ClientFactory
from kramar.crm.enums import ActivityKind, DealStatus
from kramar.crm.models import Activity, ActivityOutcome, Deal, LostReason, Pipeline
from kramar.crm.services import activity_plan, deal_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_staff):
    return make_staff(Role.SALES_MANAGER)


@pytest.fixture
def deal(manager):
    client = ClientFactory(manager=manager)
    return deal_create(
        actor=manager,
        client=client,
        pipeline=Pipeline.objects.get(code="wholesale"),
        title="Партія ламп",
        manager=manager,
        amount=Decimal("12000"),
    )


def test_the_board_shows_open_deals_in_their_stage_columns(client_for, manager, deal):
    page = client_for(manager).get("/office/deals/?pipeline=wholesale")
    assert page.status_code == 200
    lead = next(c for c in page.context["columns"] if c["stage"].code == "lead")
    assert [card["deal"] for card in lead["cards"]] == [deal]


def test_the_board_shows_a_manager_only_their_deals(client_for, make_staff, deal):
    other = make_staff(Role.SALES_MANAGER)
    page = client_for(other).get("/office/deals/?pipeline=wholesale")
    assert all(not column["cards"] for column in page.context["columns"])


def test_a_deal_is_opened_from_the_client_card(client_for, manager):
    client = ClientFactory(manager=manager)
    pipeline = Pipeline.objects.get(code="retail")
    response = client_for(manager).post(
        f"/office/clients/{client.pk}/deals/new/",
        {"title": "Холодильник", "pipeline": pipeline.pk, "amount": "18999.50"},
    )
    deal = Deal.objects.get(title="Холодильник")
    assert response.status_code == 302
    assert deal.amount == Decimal("18999.50")
    assert deal.manager == manager


def test_the_card_blocks_a_move_past_unmet_criteria_and_says_why_m2(client_for, manager, deal):
    client = client_for(manager)
    meeting = deal.pipeline.stages.get(code="meeting")
    page = client.post(f"/office/deals/{deal.pk}/move/", {"stage": meeting.pk}, follow=True)
    deal.refresh_from_db()
    assert deal.stage.code == "lead"
    assert "Дзвінок" in page.content.decode()


def test_doing_the_work_on_the_card_lets_the_deal_move(client_for, manager, deal):
    client = client_for(manager)
    call = activity_plan(
        actor=manager,
        client=deal.client,
        kind=ActivityKind.CALL,
        subject="Дзвінок",
        due_at=timezone.now(),
        deal=deal,
    )
    outcome = ActivityOutcome.objects.get(code="reached-agreed")
    client.post(
        f"/office/activities/{call.pk}/complete/",
        {"outcome": outcome.pk, "result": "Цікавиться", "next": f"/office/deals/{deal.pk}/"},
    )
    call.refresh_from_db()
    assert call.stage.code == "lead"
    meeting = deal.pipeline.stages.get(code="meeting")
    client.post(f"/office/deals/{deal.pk}/move/", {"stage": meeting.pk})
    deal.refresh_from_db()
    assert deal.stage == meeting


def test_completing_without_a_result_changes_nothing_m1(client_for, manager, deal):
    call = activity_plan(
        actor=manager,
        client=deal.client,
        kind=ActivityKind.CALL,
        subject="Дзвінок",
        due_at=None,
        deal=deal,
    )
    client_for(manager).post(f"/office/activities/{call.pk}/complete/", {"outcome": ""})
    call.refresh_from_db()
    assert call.completed_at is None


def test_a_lost_deal_keeps_its_reason(client_for, manager, deal):
    reason = LostReason.objects.get(code="competitor")
    client_for(manager).post(
        f"/office/deals/{deal.pk}/lose/", {"reason": reason.pk, "note": "ТОВ Х"}
    )
    deal.refresh_from_db()
    assert deal.status == DealStatus.LOST and deal.lost_reason == reason


def test_my_day_lists_overdue_and_todays_work(client_for, manager, deal):
    now = timezone.localtime()
    overdue = activity_plan(
        actor=manager,
        client=deal.client,
        kind=ActivityKind.CALL,
        subject="Прострочений дзвінок",
        due_at=now - timedelta(days=2),
    )
    later_today = now.replace(hour=23, minute=58)
    today = activity_plan(
        actor=manager,
        client=deal.client,
        kind=ActivityKind.TASK,
        subject="Сьогоднішнє",
        due_at=later_today,
    )
    activity_plan(
        actor=manager,
        client=deal.client,
        kind=ActivityKind.TASK,
        subject="Завтрашнє",
        due_at=now + timedelta(days=2),
    )
    page = client_for(manager).get("/office/my-day/")
    assert list(page.context["overdue"]) == [overdue]
    assert list(page.context["today"]) == ([today] if later_today > now else [])


def test_the_client_card_shows_deals_and_the_shared_plan_m14(client_for, manager, make_staff, deal):
    service = make_staff(Role.AFTER_SALES)
    activity_plan(
        actor=service,
        client=deal.client,
        kind=ActivityKind.CALL,
        subject="Опитування після доставки",
        due_at=timezone.now() + timedelta(days=1),
    )
    page = client_for(manager).get(f"/office/clients/{deal.client.pk}/")
    html = page.content.decode()
    assert deal.title in html
    assert "Опитування після доставки" in html  # another department's plan, same client


def test_roles_without_deals_cannot_open_the_board(client_for, make_staff):
    assert client_for(make_staff(Role.MARKETING)).get("/office/deals/").status_code == 403


def test_planning_from_the_client_card(client_for, manager):
    client = ClientFactory(manager=manager)
    client_for(manager).post(
        f"/office/clients/{client.pk}/plan/", {"kind": "meeting", "subject": "Зустріч у четвер"}
    )
    planned = Activity.objects.get(client=client)
    assert planned.owner == manager and planned.subject == "Зустріч у четвер"


def test_an_open_deal_without_planned_work_asks_for_a_next_step(client_for, manager, deal):
    page = client_for(manager).get(f"/office/deals/{deal.pk}/")
    assert page.context["needs_next_step"] is True
    assert list(client_for(manager).get("/office/my-day/").context["stalled"]) == [deal]
    activity_plan(
        actor=manager,
        client=deal.client,
        kind=ActivityKind.CALL,
        subject="Дзвінок",
        due_at=timezone.now() + timedelta(days=1),
        deal=deal,
    )
    assert client_for(manager).get(f"/office/deals/{deal.pk}/").context["needs_next_step"] is False
    assert list(client_for(manager).get("/office/my-day/").context["stalled"]) == []


def test_a_plan_template_is_applied_from_the_client_card_m13(client_for, manager):
    from kramar.crm.models import PlanTemplate

    client = ClientFactory(manager=manager)
    template = PlanTemplate.objects.get(code="after-sale")
    response = client_for(manager).post(
        f"/office/clients/{client.pk}/plan-template/", {"template": template.pk}
    )
    assert response.status_code == 302
    subjects = list(Activity.objects.filter(client=client).values_list("subject", flat=True))
    assert len(subjects) == template.steps.count() == 2


def test_completing_the_last_planned_work_of_an_open_deal_asks_for_the_next_step(
    client_for, manager, deal
):
    call = activity_plan(
        actor=manager,
        client=deal.client,
        kind=ActivityKind.CALL,
        subject="Дзвінок",
        due_at=timezone.now(),
        deal=deal,
    )
    outcome = ActivityOutcome.objects.get(code="reached-agreed")
    response = client_for(manager).post(
        f"/office/activities/{call.pk}/complete/",
        {"outcome": outcome.pk, "next": "/office/my-day/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/office/deals/{deal.pk}/"
    assert response.context["needs_next_step"] is True
    assert any(m.level_tag == "warning" for m in response.context["messages"])
