"""The CRM API: deals move only when the work is done (M1, M2, M16), are lost with a reason
(M17), and every endpoint keeps the rules of the roles and of row visibility."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from kramar.accounts.enums import Role
from kramar.clients.tests.factories import ClientFactory
from kramar.crm.enums import ActivityKind, DealStatus
from kramar.crm.models import Activity, ActivityOutcome, Deal, LostReason, Pipeline
from kramar.crm.services import activity_complete, activity_plan, deal_create

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def wholesale():
    return Pipeline.objects.get(code="wholesale")


def stage_id(pipeline, code):
    return pipeline.stages.get(code=code).pk


def outcome_id(code):
    return ActivityOutcome.objects.get(code=code).pk


@pytest.fixture
def manager(make_staff):
    return make_staff(Role.SALES_MANAGER)


@pytest.fixture
def own_client(manager):
    return ClientFactory(manager=manager)


@pytest.fixture
def deal(manager, own_client, wholesale):
    return deal_create(
        actor=manager,
        client=own_client,
        pipeline=wholesale,
        title="Поставка 200 стільців",
        manager=manager,
        amount=Decimal("150000.00"),
    )


def new_deal_payload(client, pipeline, **fields):
    return {
        "client_id": client.pk,
        "pipeline_id": pipeline.pk,
        "title": "Меблі для офісу",
        "amount": "48250.50",
        **fields,
    }


def do_call(api, deal, outcome="reached-agreed"):
    """Plan a call on the deal through the API and complete it with an outcome."""
    planned = api.post(
        "/api/activities",
        {"client_id": deal.client_id, "deal_id": deal.pk, "kind": "call", "subject": "Дзвінок"},
        content_type=JSON,
    )
    assert planned.status_code == 201, planned.content
    done = api.post(
        f"/api/activities/{planned.json()['id']}/complete",
        {"outcome_id": outcome_id(outcome), "result": "Домовилися про зустріч"},
        content_type=JSON,
    )
    assert done.status_code == 200, done.content
    return done.json()


# --- Creating a deal -----------------------------------------------------------------------------


def test_creating_a_deal_is_refused_to_anyone_without_the_right_and_writes_nothing(
    client_for, customer, make_staff, own_client, wholesale
):
    payload = new_deal_payload(own_client, wholesale)
    accountant = make_staff(Role.ACCOUNTANT)  # sees every deal, opens none
    assert HttpClient().post("/api/deals", payload, content_type=JSON).status_code == 401
    assert client_for(customer).post("/api/deals", payload, content_type=JSON).status_code == 403
    denied = client_for(accountant).post("/api/deals", payload, content_type=JSON)
    assert denied.status_code == 403
    assert denied.json()["extra"] == {"permission": "crm.add_deal"}
    assert not Deal.objects.exists()


def test_a_manager_opens_a_deal_in_the_first_stage_and_becomes_responsible_m16(
    client_for, manager, own_client, wholesale
):
    response = client_for(manager).post(
        "/api/deals",
        new_deal_payload(own_client, wholesale, probability=30, expected_close_date="2031-03-01"),
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["stage"]["code"] == "lead"
    assert body["status"] == DealStatus.OPEN
    assert body["manager"]["id"] == manager.pk
    assert body["client"]["id"] == own_client.pk
    assert body["amount"] == "48250.50"
    assert body["expected_close_date"] == "2031-03-01"
    assert [(row["from_stage_id"], row["to_stage_id"]) for row in body["stage_history"]] == [
        (None, stage_id(wholesale, "lead"))
    ]
    [criterion] = body["exit_criteria"]
    assert (criterion["description"], criterion["met"]) == ("Дзвінок з результатом", False)
    assert Deal.objects.get().amount == Decimal("48250.50")


@pytest.mark.parametrize("amount", ["0.001", "-1", "12345678901234.00", "NaN", 1e20])
def test_money_is_a_decimal_with_kopiykas_and_nothing_else(
    client_for, manager, own_client, wholesale, amount
):
    response = client_for(manager).post(
        "/api/deals", new_deal_payload(own_client, wholesale, amount=amount), content_type=JSON
    )
    assert response.status_code == 422
    assert not Deal.objects.exists()


def test_a_deal_for_an_invisible_client_is_not_found_and_an_unknown_pipeline_is_invalid(
    client_for, manager, wholesale, own_client
):
    api = client_for(manager)
    hidden = api.post("/api/deals", new_deal_payload(ClientFactory(), wholesale), content_type=JSON)
    assert hidden.status_code == 404
    assert hidden.json()["code"] == "clients.not_found"
    unknown = api.post(
        "/api/deals",
        {**new_deal_payload(own_client, wholesale), "pipeline_id": 999_999},
        content_type=JSON,
    )
    assert unknown.status_code == 400
    assert unknown.json()["extra"] == {"field": "pipeline_id"}
    assert not Deal.objects.exists()


def test_opening_a_deal_for_a_colleague_needs_the_right_to_reassign(
    client_for, manager, make_staff, own_client, wholesale
):
    colleague = make_staff(Role.SALES_MANAGER)
    payload = new_deal_payload(own_client, wholesale, manager_id=colleague.pk)
    denied = client_for(manager).post("/api/deals", payload, content_type=JSON)
    assert denied.status_code == 403
    assert not Deal.objects.exists()
    head = make_staff(Role.HEAD_OF_SALES)
    done = client_for(head).post("/api/deals", payload, content_type=JSON)
    assert done.status_code == 201, done.content
    assert done.json()["manager"]["id"] == colleague.pk


# --- Reading deals -------------------------------------------------------------------------------


def test_a_manager_cannot_see_another_managers_deal(client_for, make_staff, deal, wholesale):
    other = client_for(make_staff(Role.SALES_MANAGER))
    response = other.get(f"/api/deals/{deal.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "crm.deal_not_found"
    assert other.get("/api/deals").json()["count"] == 0
    moved = other.post(
        f"/api/deals/{deal.pk}/move",
        {"stage_id": stage_id(wholesale, "meeting"), "override_reason": "x"},
        content_type=JSON,
    )
    assert moved.status_code == 404
    deal.refresh_from_db()
    assert deal.stage.code == "lead"


def test_the_deal_list_filters_by_status_pipeline_and_client(client_for, manager, deal, wholesale):
    retail = Pipeline.objects.get(code="retail")
    other_client = ClientFactory(manager=manager)
    deal_create(actor=manager, client=other_client, pipeline=retail, title="Стіл", manager=manager)
    api = client_for(manager)
    assert api.get("/api/deals").json()["count"] == 2
    by_pipeline = api.get(f"/api/deals?pipeline_id={wholesale.pk}").json()
    assert [row["id"] for row in by_pipeline["items"]] == [deal.pk]
    by_client = api.get(f"/api/deals?client_id={other_client.pk}").json()
    assert [row["title"] for row in by_client["items"]] == ["Стіл"]
    assert api.get("/api/deals?status=lost").json()["count"] == 0
    assert api.get(f"/api/deals?client_id={ClientFactory().pk}").status_code == 404
    assert api.get("/api/deals?pipeline_id=999999").status_code == 400


def test_the_deal_list_answers_in_a_bounded_number_of_queries(
    client_for, manager, wholesale, django_assert_max_num_queries
):
    for number in range(30):
        deal_create(
            actor=manager,
            client=ClientFactory(manager=manager),
            pipeline=wholesale,
            title=f"Угода {number}",
            manager=manager,
        )
    api = client_for(manager)
    with django_assert_max_num_queries(8):
        body = api.get("/api/deals?page_size=30").json()
    assert body["count"] == 30
    assert len(body["items"]) == 30


def test_pipelines_list_their_stages_in_order_with_exit_criteria_m2(client_for, manager):
    pipelines = {p["code"]: p for p in client_for(manager).get("/api/pipelines").json()}
    assert set(pipelines) == {"retail", "wholesale", "service"}
    stages = pipelines["wholesale"]["stages"]
    assert [s["code"] for s in stages] == [
        "lead",
        "meeting",
        "proposal",
        "negotiation",
        "contract",
        "won",
        "lost",
    ]
    assert [c["description"] for c in stages[0]["exit_criteria"]] == ["Дзвінок з результатом"]
    assert stages[0]["target_days"] == 7 and stages[-1]["kind"] == "lost"


def test_lost_reasons_need_the_deal_right_and_outcomes_the_activity_right(
    client_for, manager, make_staff
):
    api = client_for(manager)
    assert "price" in [reason["code"] for reason in api.get("/api/lost-reasons").json()]
    outcomes = {o["code"]: o for o in api.get("/api/activity-outcomes").json()}
    assert outcomes["meeting-held"]["activity_kind"] == "meeting"
    assert outcomes["reached-agreed"]["activity_kind"] == ""
    marketing = client_for(make_staff(Role.MARKETING))  # plans work, never touches deals
    assert marketing.get("/api/activity-outcomes").status_code == 200
    assert marketing.get("/api/lost-reasons").status_code == 403
    assert marketing.get("/api/pipelines").status_code == 403


# --- Moving a deal -------------------------------------------------------------------------------


def test_moving_a_deal_is_refused_to_anyone_without_the_right_and_the_deal_stays(
    client_for, customer, make_staff, manager, deal, wholesale
):
    activity = activity_plan(
        actor=manager,
        client=deal.client,
        kind=ActivityKind.CALL,
        subject="Дзвінок",
        due_at=None,
        deal=deal,
    )
    activity_complete(
        actor=manager, activity=activity, outcome=ActivityOutcome.objects.get(code="call-back")
    )
    url, body = f"/api/deals/{deal.pk}/move", {"stage_id": stage_id(wholesale, "meeting")}
    accountant = make_staff(Role.ACCOUNTANT)
    assert HttpClient().post(url, body, content_type=JSON).status_code == 401
    assert client_for(customer).post(url, body, content_type=JSON).status_code == 403
    assert client_for(accountant).get(f"/api/deals/{deal.pk}").status_code == 200
    assert client_for(accountant).post(url, body, content_type=JSON).status_code == 403
    deal.refresh_from_db()
    assert deal.stage.code == "lead"
    assert deal.stage_changes.count() == 1
    moved = client_for(manager).post(url, body, content_type=JSON)
    assert moved.status_code == 200, moved.content
    assert moved.json()["stage"]["code"] == "meeting"


def test_a_completed_call_meets_the_lead_criterion_and_the_move_is_in_the_history_m2_m16(
    client_for, manager, deal, wholesale
):
    api = client_for(manager)
    done = do_call(api, deal)
    assert done["stage_id"] == stage_id(wholesale, "lead")  # stamped with the deal's stage (M2)
    assert done["outcome"]["code"] == "reached-agreed"
    before = api.get(f"/api/deals/{deal.pk}").json()
    assert [c["met"] for c in before["exit_criteria"]] == [True]
    moved = api.post(
        f"/api/deals/{deal.pk}/move",
        {"stage_id": stage_id(wholesale, "meeting"), "override_reason": "не треба"},
        content_type=JSON,
    ).json()
    last = moved["stage_history"][-1]
    assert (last["from_stage_id"], last["to_stage_id"]) == (
        stage_id(wholesale, "lead"),
        stage_id(wholesale, "meeting"),
    )
    assert last["changed_by_id"] == manager.pk
    assert last["seconds_in_from_stage"] >= 0
    assert last["override_reason"] == ""  # nothing was overridden, so nothing is recorded
    assert [c["description"] for c in moved["exit_criteria"]] == ["Зустріч проведено"]


def test_a_move_past_unmet_exit_criteria_answers_400_and_the_deal_stays_m2(
    client_for, manager, deal, wholesale
):
    api = client_for(manager)
    response = api.post(
        f"/api/deals/{deal.pk}/move",
        {"stage_id": stage_id(wholesale, "meeting")},
        content_type=JSON,
    )
    assert response.status_code == 400
    assert response.json()["code"] == "crm.exit_criteria_unmet"
    assert len(response.json()["extra"]["unmet"]) == 1
    overridden = api.post(
        f"/api/deals/{deal.pk}/move",
        {"stage_id": stage_id(wholesale, "meeting"), "override_reason": "Клієнт поспішає"},
        content_type=JSON,
    )
    assert overridden.status_code == 403
    assert overridden.json()["code"] == "crm.override_not_allowed"
    deal.refresh_from_db()
    assert deal.stage.code == "lead"
    assert deal.stage_changes.count() == 1


def test_a_head_of_sales_moves_past_unmet_criteria_only_with_a_reason_m16(
    client_for, make_staff, deal, wholesale
):
    head = client_for(make_staff(Role.HEAD_OF_SALES))  # heads the manager's department
    url = f"/api/deals/{deal.pk}/move"
    silent = head.post(url, {"stage_id": stage_id(wholesale, "meeting")}, content_type=JSON)
    assert silent.status_code == 400
    assert silent.json()["code"] == "crm.exit_criteria_unmet"
    response = head.post(
        url,
        {"stage_id": stage_id(wholesale, "meeting"), "override_reason": "Клієнт поспішає"},
        content_type=JSON,
    )
    assert response.status_code == 200, response.content
    assert response.json()["stage"]["code"] == "meeting"
    assert response.json()["stage_history"][-1]["override_reason"] == "Клієнт поспішає"


def test_moving_to_an_unknown_stage_or_another_pipelines_stage_is_refused(
    client_for, manager, deal
):
    api = client_for(manager)
    unknown = api.post(f"/api/deals/{deal.pk}/move", {"stage_id": 999_999}, content_type=JSON)
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "validation_error"
    assert unknown.json()["extra"] == {"field": "stage_id"}
    retail_offer = Pipeline.objects.get(code="retail").stages.get(code="offer")
    foreign = api.post(
        f"/api/deals/{deal.pk}/move", {"stage_id": retail_offer.pk}, content_type=JSON
    )
    assert foreign.status_code == 400
    assert foreign.json()["code"] == "crm.stage_of_other_pipeline"
    lost = api.post(
        f"/api/deals/{deal.pk}/move",
        {"stage_id": deal.pipeline.stages.get(code="lost").pk},
        content_type=JSON,
    )
    assert lost.json()["code"] == "crm.use_mark_lost"


# --- Losing a deal -------------------------------------------------------------------------------


def test_a_deal_is_lost_only_with_a_reason_and_keeps_the_stage_it_was_lost_at_m17(
    client_for, manager, deal
):
    api = client_for(manager)
    url = f"/api/deals/{deal.pk}/lose"
    without = api.post(url, {"note": "Пішли до конкурента"}, content_type=JSON)
    assert without.status_code == 400
    assert without.json()["code"] == "crm.lost_needs_reason"
    unknown = api.post(url, {"reason_id": 999_999}, content_type=JSON)
    assert unknown.status_code == 400
    assert unknown.json()["extra"] == {"field": "reason_id"}
    deal.refresh_from_db()
    assert deal.status == DealStatus.OPEN
    price = LostReason.objects.get(code="price")
    response = api.post(url, {"reason_id": price.pk, "note": "Дорожче на 15%"}, content_type=JSON)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == DealStatus.LOST
    assert body["stage"]["kind"] == "lost"
    assert body["lost_reason"]["code"] == "price"
    assert body["lost_at_stage"]["code"] == "lead"
    assert body["lost_note"] == "Дорожче на 15%"
    assert body["closed_at"] is not None
    again = api.post(url, {"reason_id": price.pk}, content_type=JSON)
    assert again.json()["code"] == "crm.deal_closed"


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
