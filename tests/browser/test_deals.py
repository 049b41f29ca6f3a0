"""A sales manager in a real browser: a deal blocked by its exit criterion, the call logged with
its result, then the move allowed (M1, M2)."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kramar.accounts.enums import Role
from kramar.clients.tests.factories import ClientFactory
from kramar.crm.enums import ActivityKind
from kramar.crm.models import Pipeline
from kramar.crm.services import activity_plan, deal_create

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]
PASSWORD = "correct-horse-battery-staple"


def test_a_manager_does_the_work_before_the_deal_may_move(page, make_staff):
    manager = make_staff(Role.SALES_MANAGER)
    client = ClientFactory(manager=manager)
    deal = deal_create(
        actor=manager,
        client=client,
        pipeline=Pipeline.objects.get(code="wholesale"),
        title="Поставка стільців",
        manager=manager,
        amount=Decimal("50000"),
    )
    call = activity_plan(
        actor=manager,
        client=client,
        kind=ActivityKind.CALL,
        subject="Дзвінок закупівельнику",
        due_at=timezone.now(),
        deal=deal,
    )
    meeting_stage = deal.pipeline.stages.get(code="meeting")

    page.goto("/office/login/")
    page.fill("input[name=username]", manager.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:not([name=language])")
    expect(page).to_have_url(re.compile(r"/office/$"))

    page.goto(f"/office/deals/{deal.pk}/")
    expect(page.locator("[data-testid=criteria] .unmet")).to_have_count(1)
    page.select_option("select[name=stage]", str(meeting_stage.pk))
    page.click("[data-testid=move]")
    expect(page.locator(".message.error")).to_contain_text("Дзвінок")
    expect(page.locator(".stages .current")).to_have_text("Потенційний клієнт")

    page.select_option(
        f"[data-testid=outcome-{call.pk}]", label="Поговорили, домовилися про наступний крок"
    )
    page.fill(f"form[action$='/activities/{call.pk}/complete/'] input[name=result]", "Чекає КП")
    page.click(f"form[action$='/activities/{call.pk}/complete/'] button[type=submit]")
    expect(page.locator("[data-testid=criteria] .met")).to_have_count(1)
    expect(page.locator("[data-testid=activities]")).to_contain_text("Чекає КП")

    page.select_option("select[name=stage]", str(meeting_stage.pk))
    page.click("[data-testid=move]")
    expect(page.locator(".stages .current")).to_have_text("Зустріч")


def test_a_manager_sees_the_reminder_the_worker_delivered_m13(page, make_staff):
    from datetime import timedelta

    from django.core.management import call_command

    manager = make_staff(Role.SALES_MANAGER)
    client = ClientFactory(manager=manager)
    activity_plan(
        actor=manager,
        client=client,
        kind=ActivityKind.CALL,
        subject="Дзвінок щодо оплати",
        due_at=timezone.now() + timedelta(minutes=10),
        remind_before=timedelta(minutes=15),
    )
    call_command("kramar_worker", batch=True)

    page.goto("/office/login/")
    page.fill("input[name=username]", manager.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:not([name=language])")
    expect(page.locator("[data-testid=bell] [data-testid=unread]")).to_have_text("1")
    page.click("[data-testid=bell]")
    expect(page.locator("[data-testid=notifications]")).to_contain_text("Дзвінок щодо оплати")


def test_dragging_a_deal_on_the_board_obeys_the_exit_criteria_m2(page, make_staff):
    from kramar.crm.models import ActivityOutcome
    from kramar.crm.services import activity_complete

    manager = make_staff(Role.SALES_MANAGER)
    wholesale = Pipeline.objects.get(code="wholesale")
    blocked = deal_create(
        actor=manager,
        client=ClientFactory(manager=manager),
        pipeline=wholesale,
        title="Меблі для офісу",
        manager=manager,
        amount=Decimal("90000"),
    )
    ready = deal_create(
        actor=manager,
        client=ClientFactory(manager=manager),
        pipeline=wholesale,
        title="Лампи для складу",
        manager=manager,
        amount=Decimal("12000"),
    )
    call = activity_plan(
        actor=manager,
        client=ready.client,
        kind=ActivityKind.CALL,
        subject="Дзвінок",
        due_at=timezone.now(),
        deal=ready,
    )
    activity_complete(
        actor=manager, activity=call, outcome=ActivityOutcome.objects.get(code="reached-agreed")
    )
    page.goto("/office/login/")
    page.fill("input[name=username]", manager.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:not([name=language])")

    page.goto("/office/deals/?pipeline=wholesale")
    drag(page, f"[data-deal-id='{blocked.pk}']", "[data-stage='meeting'] .board-cards")
    expect(page.locator(".message.error")).to_contain_text("Дзвінок")
    expect(page.locator(f"[data-stage='lead'] [data-deal-id='{blocked.pk}']")).to_be_visible()

    page.goto("/office/deals/?pipeline=wholesale")
    drag(page, f"[data-deal-id='{ready.pk}']", "[data-stage='meeting'] .board-cards")
    expect(page.locator(".message.success")).to_be_visible()  # the board reloaded
    expect(page.locator(f"[data-stage='meeting'] [data-deal-id='{ready.pk}']")).to_be_visible()
    ready.refresh_from_db()
    assert ready.stage.code == "meeting"


def drag(page, source, target):
    """Drag with real mouse moves, as a person does (Sortable listens to pointer events)."""
    page.mouse.move(5, 5)
    page.locator(source).scroll_into_view_if_needed()
    start = page.locator(source).bounding_box()
    end = page.locator(target).bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.wait_for_timeout(150)
    page.mouse.move(start["x"] + start["width"] / 2 + 10, start["y"] + start["height"] / 2, steps=5)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 20, steps=20)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + 25, steps=5)
    page.mouse.up()
