"""Helpers of the CRM API tests (their fixtures are in conftest.py)."""

from kramar.crm.models import ActivityOutcome

JSON = "application/json"


def stage_id(pipeline, code):
    return pipeline.stages.get(code=code).pk


def outcome_id(code):
    return ActivityOutcome.objects.get(code=code).pk


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
