"""The lead rules in the API (issue 6; M6, M8, M12): the same rules and checks as the office."""

import pytest
from django.test import Client as HttpClient

from kramar.accounts.enums import DepartmentKind, Role
from kramar.accounts.tests.factories import DepartmentFactory
from kramar.audit.models import AuditEntry
from kramar.crm.models import LeadRule
from kramar.crm.services import lead_rule_create
from kramar.crm.tests.api_support import JSON

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(make_staff):
    return make_staff(Role.HEAD_OF_SALES)


@pytest.fixture
def desk(db):
    return DepartmentFactory(code="wholesale", name="Wholesale desk", kind=DepartmentKind.SALES)


def test_a_head_of_sales_keeps_the_rules_through_the_api_m12(client_for, head, desk):
    api = client_for(head)
    created = api.post(
        "/api/lead-rules",
        {"channel": "quote", "department_id": desk.pk, "note": "Опт"},
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["order"] == 1 and body["department"]["code"] == "wholesale"
    assert body["manager"] is None and body["region"] is None
    second = api.post("/api/lead-rules", {"manager_id": head.pk}, content_type=JSON).json()
    changed = api.patch(
        f"/api/lead-rules/{body['id']}",
        {"channel": "email", "is_active": False},
        content_type=JSON,
    )
    assert changed.status_code == 200
    assert changed.json()["channel"] == "email" and changed.json()["is_active"] is False
    moved = api.post(f"/api/lead-rules/{second['id']}/move", {"position": 1}, content_type=JSON)
    assert [rule["id"] for rule in moved.json()] == [second["id"], body["id"]]
    assert [rule["id"] for rule in api.get("/api/lead-rules").json()] == [second["id"], body["id"]]
    assert api.delete(f"/api/lead-rules/{body['id']}").status_code == 204
    assert list(LeadRule.objects.values_list("pk", flat=True)) == [second["id"]]
    sources = set(AuditEntry.objects.filter(model="crm.leadrule").values_list("source", flat=True))
    assert sources == {"api"}


def test_who_would_get_a_lead_is_answered_with_the_reason_m6(client_for, head, make_staff, desk):
    specialist = make_staff(Role.SALES_MANAGER, department=desk)
    rule = lead_rule_create(actor=head, channel="quote", department=desk)
    answer = client_for(head).get("/api/lead-rules/assignee", {"channel": "quote"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["manager"]["id"] == specialist.pk and body["rule"]["id"] == rule.pk
    assert body["by"] == "rule_department" and body["explanation"]
    bad = client_for(head).get("/api/lead-rules/assignee", {"channel": "fax"})
    assert bad.status_code == 422 and bad.json()["code"] == "validation_error"


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"department_id": 999_999},
        {"manager_id": "HEAD", "department_id": "DESK"},
        {"manager_id": "HEAD", "channel": "fax"},
        {"manager_id": "HEAD", "note": "\x00"},
        {"manager_id": "HEAD", "region_id": -1},
    ],
)
def test_bad_rules_are_refused_with_a_problem_not_a_500(client_for, head, desk, payload):
    ids = {"HEAD": head.pk, "DESK": desk.pk}
    body = {name: ids.get(value, value) for name, value in payload.items()}
    response = client_for(head).post("/api/lead-rules", body, content_type=JSON)
    assert response.status_code in (400, 422)
    assert set(response.json()) == {"code", "message", "extra"}
    assert not LeadRule.objects.exists()


def test_the_company_head_reads_and_others_are_refused_m3(client_for, make_staff, head, desk):
    rule = lead_rule_create(actor=head, department=desk)
    reader = client_for(make_staff(Role.COMPANY_HEAD))
    assert reader.get(f"/api/lead-rules/{rule.pk}").status_code == 200
    assert reader.delete(f"/api/lead-rules/{rule.pk}").status_code == 403
    manager = client_for(make_staff(Role.SALES_MANAGER))
    assert manager.get("/api/lead-rules").status_code == 403
    assert HttpClient().get("/api/lead-rules").status_code == 401
    assert client_for(head).get("/api/lead-rules/999999").status_code == 404
    assert LeadRule.objects.filter(pk=rule.pk).exists()
