"""The service cases API (M14): the role matrix for opening a case, row visibility, and the
steps of a case with their refusals."""

import pytest
from django.test import Client as HttpClient

from kramar.accounts.enums import Role
from kramar.cases.models import CaseEvent, ServiceCase
from kramar.cases.tests.factories import open_case
from kramar.clients.enums import TimelineKind
from kramar.clients.models import TimelineEntry
from kramar.clients.tests.factories import ClientFactory

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def service(make_staff):
    return make_staff(Role.AFTER_SALES)


@pytest.fixture
def own_client(sales_manager):
    return ClientFactory(manager=sales_manager)


def payload(client, **fields):
    return {"client_id": client.pk, "kind": "complaint", "subject": "Зламана ніжка", **fields}


def test_opening_a_case_is_refused_to_anyone_without_the_right_and_writes_nothing_m14(
    client_for, customer, make_staff, own_client
):
    body = payload(own_client)
    assert HttpClient().post("/api/cases", body, content_type=JSON).status_code == 401
    assert client_for(customer).post("/api/cases", body, content_type=JSON).status_code == 403
    denied = client_for(make_staff(Role.ACCOUNTANT)).post("/api/cases", body, content_type=JSON)
    assert denied.status_code == 403
    assert denied.json()["extra"] == {"permission": "cases.add_servicecase"}
    assert not ServiceCase.objects.exists()
    assert not TimelineEntry.objects.filter(kind=TimelineKind.CASE).exists()


def test_a_manager_logs_a_complaint_their_client_tells_them_m14(
    client_for, sales_manager, own_client
):
    response = client_for(sales_manager).post(
        "/api/cases", payload(own_client, priority="high"), content_type=JSON
    )
    assert response.status_code == 201, response.content
    body = response.json()
    case = ServiceCase.objects.get()
    assert body["number"] == case.number
    assert (body["status"], body["priority"], body["owner"]) == ("new", "high", None)
    assert [e["kind"] for e in body["events"]] == ["opened"]
    assert case.created_by == sales_manager


def test_a_manager_cannot_give_a_case_an_owner(client_for, sales_manager, own_client, service):
    response = client_for(sales_manager).post(
        "/api/cases", payload(own_client, owner_id=service.pk), content_type=JSON
    )
    assert response.status_code == 403
    assert not ServiceCase.objects.exists()


def test_a_case_of_a_client_the_manager_cannot_see_is_not_found(client_for, sales_manager):
    stranger = ClientFactory()
    response = client_for(sales_manager).post("/api/cases", payload(stranger), content_type=JSON)
    assert response.status_code == 404
    assert not ServiceCase.objects.exists()


def test_the_list_shows_a_manager_only_the_cases_of_their_clients(
    client_for, sales_manager, own_client, service
):
    mine = open_case(actor=service, client=own_client)
    open_case(actor=service)
    body = client_for(sales_manager).get("/api/cases").json()
    assert [item["id"] for item in body["items"]] == [mine.pk]
    assert client_for(service).get("/api/cases").json()["count"] == 2


def test_an_invisible_case_answers_404(client_for, sales_manager, service):
    case = open_case(actor=service)
    assert client_for(sales_manager).get(f"/api/cases/{case.pk}").status_code == 404


def test_the_service_assigns_works_and_resolves_a_case(client_for, service, make_staff):
    api = client_for(service)
    colleague = make_staff(Role.AFTER_SALES)
    case = open_case(actor=service)
    assigned = api.post(
        f"/api/cases/{case.pk}/assign", {"owner_id": colleague.pk}, content_type=JSON
    )
    assert assigned.status_code == 200, assigned.content
    assert assigned.json()["owner"]["id"] == colleague.pk
    moved = api.post(f"/api/cases/{case.pk}/status", {"status": "in_progress"}, content_type=JSON)
    assert moved.json()["status"] == "in_progress"
    resolved = api.post(
        f"/api/cases/{case.pk}/resolve", {"resolution": "Замінили"}, content_type=JSON
    )
    assert resolved.status_code == 200
    assert [e["to_status"] for e in resolved.json()["events"]] == [
        "new",
        "new",
        "in_progress",
        "resolved",
    ]


def test_resolving_without_a_resolution_is_a_clear_400_and_changes_nothing(client_for, service):
    case = open_case(actor=service)
    response = client_for(service).post(
        f"/api/cases/{case.pk}/resolve", {"resolution": ""}, content_type=JSON
    )
    assert response.status_code == 400
    assert response.json()["code"] == "cases.resolution_required"
    case.refresh_from_db()
    assert case.status == "new"
    assert CaseEvent.objects.count() == 1


def test_a_manager_may_not_work_a_case(client_for, sales_manager, own_client, service):
    case = open_case(actor=service, client=own_client)
    response = client_for(sales_manager).post(
        f"/api/cases/{case.pk}/status", {"status": "in_progress"}, content_type=JSON
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == "new"
