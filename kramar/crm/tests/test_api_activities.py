"""The CRM API for activities: work is planned, done only with a result (M1), seen by whoever
sees the client, and listed for the day (M13)."""

from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from kramar.accounts.enums import Role
from kramar.clients.tests.factories import ClientFactory
from kramar.crm.enums import ActivityKind
from kramar.crm.models import Activity, ActivityOutcome
from kramar.crm.services import activity_complete, activity_plan
from kramar.crm.tests.api_support import JSON, outcome_id

pytestmark = pytest.mark.django_db


# --- Activities ----------------------------------------------------------------------------------


def test_completing_work_without_an_outcome_is_refused_m1(client_for, manager, deal):
    api = client_for(manager)
    planned = api.post(
        "/api/activities",
        {
            "client_id": deal.client_id,
            "deal_id": deal.pk,
            "kind": "meeting",
            "subject": "Зустріч у клієнта",
            "due_at": "2031-05-04T10:00:00+03:00",
            "remind_before_minutes": 30,
        },
        content_type=JSON,
    )
    assert planned.status_code == 201, planned.content
    activity = planned.json()
    assert activity["owner_id"] == manager.pk
    assert activity["due_at"].startswith("2031-05-04T07:00:00")
    assert activity["remind_before_minutes"] == 30
    url = f"/api/activities/{activity['id']}/complete"
    without = api.post(url, {"result": "Поговорили"}, content_type=JSON)
    assert without.status_code == 400
    assert without.json()["code"] == "crm.result_required"
    unknown = api.post(url, {"outcome_id": 999_999}, content_type=JSON)
    assert unknown.status_code == 400
    assert unknown.json()["extra"] == {"field": "outcome_id"}
    wrong_kind = api.post(url, {"outcome_id": outcome_id("no-answer")}, content_type=JSON)
    assert wrong_kind.json()["code"] == "crm.outcome_not_for_kind"
    assert Activity.objects.get().completed_at is None
    done = api.post(url, {"outcome_id": outcome_id("meeting-held")}, content_type=JSON)
    assert done.status_code == 200
    assert done.json()["completed_at"] is not None


def test_completing_work_needs_the_right_and_sight_of_it(
    client_for, customer, make_staff, manager, own_client
):
    activity = activity_plan(
        actor=manager, client=own_client, kind=ActivityKind.CALL, subject="Дзвінок", due_at=None
    )
    url = f"/api/activities/{activity.pk}/complete"
    body = {"outcome_id": outcome_id("reached-agreed")}
    assert HttpClient().post(url, body, content_type=JSON).status_code == 401
    assert client_for(customer).post(url, body, content_type=JSON).status_code == 403
    accountant = client_for(make_staff(Role.ACCOUNTANT))  # sees the work, may not change it
    assert accountant.post(url, body, content_type=JSON).status_code == 403
    stranger = client_for(make_staff(Role.SALES_MANAGER))  # may change work, cannot see this
    assert stranger.post(url, body, content_type=JSON).status_code == 404
    activity.refresh_from_db()
    assert activity.completed_at is None


def test_planning_work_with_an_invisible_client_or_deal_is_not_found(
    client_for, make_staff, manager, deal
):
    api = client_for(make_staff(Role.SALES_MANAGER))
    hidden_client = api.post(
        "/api/activities",
        {"client_id": deal.client_id, "kind": "call", "subject": "Дзвінок"},
        content_type=JSON,
    )
    assert hidden_client.status_code == 404
    mine = ClientFactory(manager=hidden_client.wsgi_request.user)
    hidden_deal = api.post(
        "/api/activities",
        {"client_id": mine.pk, "deal_id": deal.pk, "kind": "call", "subject": "Дзвінок"},
        content_type=JSON,
    )
    assert hidden_deal.status_code == 404
    assert hidden_deal.json()["code"] == "crm.deal_not_found"
    assert not Activity.objects.exists()


def test_the_activity_list_filters_open_and_overdue_work(client_for, manager, own_client):
    now = timezone.now()

    def plan(subject, due_at):
        return activity_plan(
            actor=manager, client=own_client, kind=ActivityKind.TASK, subject=subject, due_at=due_at
        )

    plan("Прострочене", now - timedelta(days=1))
    plan("Майбутнє", now + timedelta(days=3))
    done = plan("Зроблене", now - timedelta(days=2))
    activity_complete(
        actor=manager, activity=done, outcome=ActivityOutcome.objects.get(code="done")
    )
    api = client_for(manager)

    def subjects(query):
        return [row["subject"] for row in api.get(f"/api/activities{query}").json()["items"]]

    assert subjects("") == ["Зроблене", "Прострочене", "Майбутнє"]
    assert subjects("?open=true") == ["Прострочене", "Майбутнє"]
    assert subjects("?overdue=true") == ["Прострочене"]
    assert subjects(f"?client_id={own_client.pk}&open=true") == ["Прострочене", "Майбутнє"]
    overdue = api.get("/api/activities?overdue=true").json()["items"][0]
    assert overdue["is_overdue"] is True


def test_my_day_lists_my_overdue_work_and_my_work_for_today(
    client_for, manager, make_staff, own_client
):
    now = timezone.localtime()
    colleague = make_staff(Role.SALES_MANAGER)
    for owner, subject, due_at in [
        (manager, "Вчорашнє", now - timedelta(days=1)),
        (manager, "Сьогоднішнє", now.replace(hour=23, minute=59, second=59, microsecond=0)),
        (manager, "Завтрашнє", now + timedelta(days=1, hours=1)),
        (colleague, "Чуже", now - timedelta(days=1)),
    ]:
        activity_plan(
            actor=manager,
            client=own_client,
            kind=ActivityKind.CALL,
            subject=subject,
            due_at=due_at,
            owner=owner,
        )
    body = client_for(manager).get("/api/my-day").json()
    assert [a["subject"] for a in body["overdue"]] == ["Вчорашнє"]
    assert [a["subject"] for a in body["today"]] == ["Сьогоднішнє"]


def test_a_nul_character_or_a_time_off_the_calendar_is_invalid_input_not_a_server_error(
    client_for, manager, own_client
):
    api = client_for(manager)
    for payload in [
        {"client_id": own_client.pk, "kind": "call", "subject": "Дзвінок\x00"},
        {
            "client_id": own_client.pk,
            "kind": "call",
            "subject": "Дзвінок",
            "due_at": "0001-01-01T00:00:00+05:00",
        },
    ]:
        assert api.post("/api/activities", payload, content_type=JSON).status_code == 422
    assert not Activity.objects.exists()


def test_a_plan_template_is_applied_through_the_api_m13(client_for, make_staff):
    from kramar.crm.models import PlanTemplate

    manager = make_staff(Role.SALES_MANAGER)
    client = ClientFactory(manager=manager)
    api = client_for(manager)
    templates = api.get("/api/plan-templates").json()
    wholesale = next(t for t in templates if t["code"] == "new-wholesale-client")
    assert [s["offset_days"] for s in wholesale["steps"]] == [1, 7, 14]
    response = api.post(
        "/api/activities/from-template",
        {"template_id": wholesale["id"], "client_id": client.pk},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert [a["kind"] for a in response.json()] == ["call", "meeting", "offer"]
    hidden = ClientFactory()
    denied = api.post(
        "/api/activities/from-template",
        {"template_id": PlanTemplate.objects.first().pk, "client_id": hidden.pk},
        content_type="application/json",
    )
    assert denied.status_code == 404


# --- The next step (every open deal has planned work) -------------------------------------------


def _planned_call(manager, deal):
    return activity_plan(
        actor=manager, client=deal.client, deal=deal, kind=ActivityKind.CALL,
        subject="Дзвінок", due_at=timezone.now() + timedelta(hours=1),
    )  # fmt: skip


def test_completing_the_last_work_of_an_open_deal_says_it_needs_a_next_step(
    client_for, manager, deal
):
    call = _planned_call(manager, deal)
    api = client_for(manager)
    done = api.post(
        f"/api/activities/{call.pk}/complete",
        {"outcome_id": outcome_id("reached-agreed")},
        content_type=JSON,
    ).json()
    assert done["deal_needs_next_step"] is True
    assert done["next_step"] is None
    stalled = api.get("/api/my-day").json()["deals_without_next_step"]
    assert [row["id"] for row in stalled] == [deal.pk]


def test_the_next_step_is_planned_with_the_completion_in_one_transaction(client_for, manager, deal):
    call = _planned_call(manager, deal)
    api = client_for(manager)
    response = api.post(
        f"/api/activities/{call.pk}/complete",
        {
            "outcome_id": outcome_id("reached-agreed"),
            "result": "Чекають пропозицію",
            "next_step": {
                "kind": "email",
                "subject": "Надіслати пропозицію",
                "due_at": "2031-05-05T09:00:00+03:00",
                "remind_before_minutes": 15,
            },
        },
        content_type=JSON,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["completed_at"] is not None
    assert body["deal_needs_next_step"] is False
    follow_up = Activity.objects.get(pk=body["next_step"]["id"])
    assert (follow_up.deal_id, follow_up.client_id, follow_up.owner_id) == (
        deal.pk, deal.client_id, manager.pk,
    )  # fmt: skip
    assert follow_up.completed_at is None
    assert follow_up.remind_before == timedelta(minutes=15)
    assert api.get("/api/my-day").json()["deals_without_next_step"] == []


def test_a_bad_next_step_leaves_the_work_not_done(client_for, manager, deal):
    call = _planned_call(manager, deal)
    api = client_for(manager)
    url = f"/api/activities/{call.pk}/complete"
    unknown_owner = api.post(
        url,
        {
            "outcome_id": outcome_id("reached-agreed"),
            "next_step": {"kind": "call", "subject": "Ще раз", "owner_id": 999_999},
        },
        content_type=JSON,
    )
    assert unknown_owner.status_code == 400
    assert unknown_owner.json()["extra"] == {"field": "next_step.owner_id"}
    blank = api.post(
        url,
        {
            "outcome_id": outcome_id("reached-agreed"),
            "next_step": {"kind": "call", "subject": "   "},
        },
        content_type=JSON,
    )
    assert blank.status_code == 400
    call.refresh_from_db()
    assert call.completed_at is None
    assert Activity.objects.count() == 1
