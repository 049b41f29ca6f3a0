"""The clients API: the same rules as the pages (M3, M14), the one error shape."""

import pytest
from django.test import Client as HttpClient

from kramar.accounts.enums import Role
from kramar.clients.enums import TimelineKind
from kramar.clients.models import Client, TimelineEntry
from kramar.clients.tests.factories import ClientFactory, CompanyFactory

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def manager(make_staff):
    return make_staff(Role.SALES_MANAGER)


@pytest.fixture
def own_client(manager):
    return ClientFactory(manager=manager, first_name="Олег", last_name="Мельник")


def test_anonymous_and_customers_are_refused(customer, client_for, own_client):
    assert HttpClient().get("/api/clients").status_code == 401
    assert client_for(customer).get("/api/clients").status_code == 403
    assert client_for(customer).get(f"/api/clients/{own_client.pk}").status_code == 403


def test_a_manager_lists_and_reads_their_own_clients(client_for, manager, own_client):
    ClientFactory()  # someone else's
    api = client_for(manager)
    listed = api.get("/api/clients").json()
    assert [row["id"] for row in listed["items"]] == [own_client.pk]
    detail = api.get(f"/api/clients/{own_client.pk}").json()
    assert detail["name"] == "Олег Мельник"
    assert detail["manager"]["id"] == manager.pk
    assert detail["has_shop_account"] is False


def test_another_managers_client_is_not_found(client_for, make_staff, own_client):
    other = make_staff(Role.SALES_MANAGER)
    response = client_for(other).get(f"/api/clients/{own_client.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "clients.not_found"


def test_a_manager_creates_a_client_and_becomes_responsible(client_for, manager):
    response = client_for(manager).post(
        "/api/clients",
        {
            "kind": "person",
            "first_name": "Ія",
            "last_name": "Кравець",
            "emails": ["ia@example.test"],
            "phones": ["0931234567"],
            "tags": ["роздріб"],
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Ія Кравець"
    assert body["manager"]["id"] == manager.pk
    assert body["phones"] == [{"number": "+380931234567", "kind": "mobile", "is_primary": True}]
    assert body["tags"] == ["роздріб"]


def test_creating_a_client_for_someone_else_needs_the_right_to_reassign(
    client_for, manager, make_staff
):
    colleague = make_staff(Role.SALES_MANAGER)
    response = client_for(manager).post(
        "/api/clients",
        {"kind": "company", "name": "ТОВ Ромашка", "manager_id": colleague.pk},
        content_type=JSON,
    )
    assert response.status_code == 403
    assert not Client.objects.filter(name="ТОВ Ромашка").exists()
    head = make_staff(Role.HEAD_OF_SALES)
    response = client_for(head).post(
        "/api/clients",
        {"kind": "company", "name": "ТОВ Ромашка", "manager_id": colleague.pk},
        content_type=JSON,
    )
    assert response.status_code == 201
    assert response.json()["manager"]["id"] == colleague.pk


def test_bad_contacts_answer_400_and_write_nothing(client_for, manager):
    response = client_for(manager).post(
        "/api/clients", {"kind": "person", "name": "X", "phones": ["12"]}, content_type=JSON
    )
    assert response.status_code == 400
    assert response.json()["code"] == "clients.invalid_phone"
    assert Client.objects.count() == 0


def test_unknown_region_is_a_validation_error(client_for, manager):
    response = client_for(manager).post(
        "/api/clients", {"kind": "company", "name": "X", "region_id": 999999}, content_type=JSON
    )
    assert response.status_code == 400
    assert response.json()["extra"] == {"field": "region_id"}


def test_patch_changes_only_the_named_fields(client_for, manager, own_client):
    response = client_for(manager).patch(
        f"/api/clients/{own_client.pk}", {"notes": "Постійний покупець"}, content_type=JSON
    )
    assert response.status_code == 200
    own_client.refresh_from_db()
    assert own_client.notes == "Постійний покупець"
    assert own_client.first_name == "Олег"


def test_the_company_head_reads_everything_but_changes_nothing(client_for, make_staff, own_client):
    head = make_staff(Role.COMPANY_HEAD)
    api = client_for(head)
    assert api.get(f"/api/clients/{own_client.pk}").status_code == 200
    response = api.patch(f"/api/clients/{own_client.pk}", {"notes": "x"}, content_type=JSON)
    assert response.status_code == 403
    own_client.refresh_from_db()
    assert own_client.notes == ""


def test_marketing_and_service_write_notes_to_the_same_client_m14(
    client_for, make_staff, own_client
):
    for role in (Role.MARKETING, Role.AFTER_SALES):
        response = client_for(make_staff(role)).post(
            f"/api/clients/{own_client.pk}/notes", {"text": f"Від {role.value}"}, content_type=JSON
        )
        assert response.status_code == 201
    notes = own_client.timeline.filter(kind=TimelineKind.NOTE)
    assert notes.count() == 2


def test_the_timeline_is_newest_first_and_filters_by_kind(client_for, manager, own_client):
    api = client_for(manager)
    api.post(f"/api/clients/{own_client.pk}/notes", {"text": "Перша"}, content_type=JSON)
    api.post(f"/api/clients/{own_client.pk}/notes", {"text": "Друга"}, content_type=JSON)
    items = api.get(f"/api/clients/{own_client.pk}/timeline").json()["items"]
    assert [i["summary"] for i in items][:2] == ["Друга", "Перша"]
    notes = api.get(f"/api/clients/{own_client.pk}/timeline?kind=note").json()
    assert notes["count"] == 2


def test_only_heads_reassign_and_the_client_follows_the_new_department(
    client_for, manager, make_staff, own_client
):
    colleague = make_staff(Role.SALES_MANAGER)
    denied = client_for(manager).put(
        f"/api/clients/{own_client.pk}/manager", {"manager_id": colleague.pk}, content_type=JSON
    )
    assert denied.status_code == 403
    head = make_staff(Role.HEAD_OF_SALES)
    done = client_for(head).put(
        f"/api/clients/{own_client.pk}/manager", {"manager_id": colleague.pk}, content_type=JSON
    )
    assert done.status_code == 200
    assert done.json()["manager"]["id"] == colleague.pk


def test_heads_merge_duplicates_and_managers_may_not(client_for, manager, make_staff, own_client):
    duplicate = ClientFactory(manager=manager, emails=[own_client.emails.first().email])
    found = client_for(manager).get(f"/api/clients/{own_client.pk}/duplicates").json()
    assert [row["id"] for row in found] == [duplicate.pk]
    denied = client_for(manager).post(
        f"/api/clients/{own_client.pk}/merge", {"duplicate_id": duplicate.pk}, content_type=JSON
    )
    assert denied.status_code == 403
    head = make_staff(Role.HEAD_OF_SALES)
    merged = client_for(head).post(
        f"/api/clients/{own_client.pk}/merge", {"duplicate_id": duplicate.pk}, content_type=JSON
    )
    assert merged.status_code == 200
    assert TimelineEntry.objects.filter(client=own_client, kind="clients_merged").exists()
    self_merge = client_for(head).post(
        f"/api/clients/{own_client.pk}/merge", {"duplicate_id": own_client.pk}, content_type=JSON
    )
    assert self_merge.status_code == 400


def test_a_contact_can_be_attached_only_to_a_visible_company(client_for, manager):
    hidden_company = CompanyFactory()
    response = client_for(manager).post(
        "/api/clients",
        {"kind": "person", "name": "Контакт", "company_id": hidden_company.pk},
        content_type=JSON,
    )
    assert response.status_code == 404
    assert not Client.objects.filter(name="Контакт").exists()


def test_the_client_list_answers_in_a_bounded_number_of_queries(
    client_for, manager, django_assert_max_num_queries
):
    for _ in range(30):
        ClientFactory(manager=manager, tags=["опт"], phones=["0671234567"])
    api = client_for(manager)
    with django_assert_max_num_queries(14):
        assert api.get("/api/clients?page_size=30").json()["count"] == 30
