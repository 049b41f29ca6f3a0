"""The calendar: a month of one's planned and done work, day by day (M12)."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from kramar.accounts.enums import Role
from kramar.clients.tests.factories import ClientFactory
from kramar.crm.enums import ActivityKind
from kramar.crm.services import activity_plan

pytestmark = pytest.mark.django_db


def test_each_activity_stands_on_its_day(client_for, make_staff):
    manager = make_staff(Role.SALES_MANAGER)
    client = ClientFactory(manager=manager)
    due = datetime(2026, 12, 15, 11, 0, tzinfo=timezone.get_current_timezone())
    activity_plan(
        actor=manager, client=client, kind=ActivityKind.CALL, subject="Дзвінок 15-го", due_at=due
    )
    page = client_for(manager).get("/office/calendar/?month=2026-12")
    days = {day: items for week in page.context["weeks"] for day, items in week}
    assert [a.subject for a in days[due.date()]] == ["Дзвінок 15-го"]
    assert days[due.date() + timedelta(days=1)] == []


def test_a_bad_month_shows_this_month_and_others_plans_stay_private(client_for, make_staff):
    manager, colleague = make_staff(Role.SALES_MANAGER), make_staff(Role.SALES_MANAGER)
    page = client_for(manager).get(f"/office/calendar/?month=13-2026&owner={colleague.pk}")
    assert page.status_code == 200
    assert page.context["first"] == timezone.localdate().replace(day=1)
    assert page.context["owner"] == manager  # a manager cannot open another's calendar


def test_a_head_sees_a_managers_calendar(client_for, make_staff):
    head, manager = make_staff(Role.HEAD_OF_SALES), make_staff(Role.SALES_MANAGER)
    page = client_for(head).get(f"/office/calendar/?owner={manager.pk}")
    assert page.context["owner"] == manager


def test_the_calendar_costs_a_bounded_number_of_queries(
    client_for, make_staff, django_assert_max_num_queries
):
    manager = make_staff(Role.SALES_MANAGER)
    client = ClientFactory(manager=manager)
    start = timezone.localtime().replace(day=1, hour=9)
    for day in range(25):
        activity_plan(
            actor=manager,
            client=client,
            kind=ActivityKind.TASK,
            subject=f"Справа {day}",
            due_at=start + timedelta(days=day),
        )
    api = client_for(manager)
    with django_assert_max_num_queries(15):
        assert api.get("/office/calendar/").status_code == 200
