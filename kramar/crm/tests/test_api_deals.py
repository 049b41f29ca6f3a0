"""The CRM API for deals: they move only when the work is done (M2, M16), are lost with a
reason (M17), and every endpoint keeps the rules of roles and of row visibility."""

from decimal import Decimal

import pytest
from django.test import Client as HttpClient

from kramar.accounts.enums import Role
from kramar.clients.tests.factories import ClientFactory
from kramar.crm.enums import ActivityKind, DealStatus
from kramar.crm.models import ActivityOutcome, Deal, LostReason, Pipeline
from kramar.crm.services import activity_complete, activity_plan, deal_create
from kramar.crm.tests.api_support import JSON, do_call, new_deal_payload, stage_id

pytestmark = pytest.mark.django_db


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
