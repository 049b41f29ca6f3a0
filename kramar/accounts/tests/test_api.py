"""The accounts API: token and session authentication, the error shape, the permission matrix."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kramar.accounts.enums import Role
from kramar.accounts.models import ApiToken
from kramar.accounts.services import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "extra"}
    assert body["code"] == code
    assert body["message"]
    return body


def test_a_valid_token_authenticates_the_staff_member(sales_manager):
    _token, raw = api_token_create(user=sales_manager, name="cli")
    response = Client().get("/api/accounts/me", **bearer(raw))
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == sales_manager.email
    assert body["roles"] == ["sales_manager"]
    assert "accounts.access_office" in body["permissions"]
    assert body["department"]["kind"] == "sales"


def test_a_revoked_token_gets_401(sales_manager):
    token, raw = api_token_create(user=sales_manager, name="cli")
    api_token_revoke(user=sales_manager, token_id=token.pk)
    assert_problem(Client().get("/api/accounts/me", **bearer(raw)), 401, "not_authenticated")


def test_an_expired_token_gets_401(sales_manager):
    token, raw = api_token_create(user=sales_manager, name="cli")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_problem(Client().get("/api/accounts/me", **bearer(raw)), 401, "not_authenticated")


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer kr_00000000_x", "Basic abc", ""])
def test_a_wrong_token_gets_401(header):
    response = Client().get("/api/accounts/me", HTTP_AUTHORIZATION=header)
    assert_problem(response, 401, "not_authenticated")


def test_the_browser_session_authenticates_too(client_for, customer):
    response = client_for(customer).get("/api/accounts/me")
    assert response.status_code == 200
    assert response.json() == {
        "id": customer.pk,
        "email": customer.email,
        "full_name": customer.full_name,
        "is_staff": False,
        "language": "uk",
        "department": None,
        "roles": [],
        "permissions": [],
    }


def test_a_session_write_without_csrf_token_is_refused(sales_manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(sales_manager, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post("/api/accounts/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code in (401, 403)
    assert ApiToken.objects.count() == 0


# --- the permission matrix for issuing tokens: anonymous, customer, staff without, staff with ----


def test_anonymous_cannot_issue_a_token():
    response = Client().post("/api/accounts/tokens", {"name": "x"}, content_type="application/json")
    assert_problem(response, 401, "not_authenticated")
    assert ApiToken.objects.count() == 0


def test_a_customer_cannot_issue_a_token(client_for, customer):
    response = client_for(customer).post(
        "/api/accounts/tokens", {"name": "x"}, content_type="application/json"
    )
    assert_problem(response, 403, "permission_denied")
    assert ApiToken.objects.count() == 0


def test_staff_whose_role_lacks_the_right_cannot_issue_a_token(client_for, sales_manager):
    sales_manager.groups.clear()
    response = client_for(sales_manager).post(
        "/api/accounts/tokens", {"name": "x"}, content_type="application/json"
    )
    body = assert_problem(response, 403, "permission_denied")
    assert body["extra"] == {"permission": "accounts.use_api_tokens"}
    assert ApiToken.objects.count() == 0


def test_staff_issue_list_and_revoke_their_tokens(client_for, sales_manager):
    client = client_for(sales_manager)
    created = client.post("/api/accounts/tokens", {"name": "ci"}, content_type="application/json")
    assert created.status_code == 201
    raw = created.json()["token"]
    assert Client().get("/api/accounts/me", **bearer(raw)).status_code == 200

    listed = client.get("/api/accounts/tokens").json()
    assert listed["count"] == 1 and listed["page"] == 1 and listed["pages"] == 1
    assert "token" not in listed["items"][0]

    token_id = created.json()["id"]
    revoked = client.delete(f"/api/accounts/tokens/{token_id}")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert Client().get("/api/accounts/me", **bearer(raw)).status_code == 401


def test_revoking_another_persons_token_answers_404_and_changes_nothing(client_for, make_staff):
    owner = make_staff(Role.MARKETING)
    token, _raw = api_token_create(user=owner, name="phone")
    response = client_for(make_staff(Role.SALES_MANAGER)).delete(f"/api/accounts/tokens/{token.pk}")
    assert_problem(response, 404, "accounts.token_not_found")
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_bad_body_answers_422_with_the_fields(client_for, sales_manager):
    response = client_for(sales_manager).post(
        "/api/accounts/tokens", {"name": ""}, content_type="application/json"
    )
    body = assert_problem(response, 422, "validation_error")
    assert any("name" in error["loc"] for error in body["extra"]["errors"])


def test_malformed_json_answers_a_4xx_problem(client_for, sales_manager):
    response = client_for(sales_manager).post(
        "/api/accounts/tokens", "{not json", content_type="application/json"
    )
    assert 400 <= response.status_code < 500
    assert set(response.json()) == {"code", "message", "extra"}


def test_unknown_api_routes_answer_json_404():
    body = assert_problem(Client().get("/api/no/such/thing"), 404, "not_found")
    assert body["extra"] == {"path": "/api/no/such/thing"}


def test_staff_list_is_for_roles_that_see_people(client_for, make_staff):
    assert client_for(make_staff(Role.SALES_MANAGER)).get("/api/accounts/staff").status_code == 403
    head = make_staff(Role.COMPANY_HEAD)
    body = client_for(head).get("/api/accounts/staff?page_size=1").json()
    assert body["count"] >= 1 and len(body["items"]) == 1
    assert set(body["items"][0]) == {"id", "email", "full_name", "department", "roles"}


def test_pagination_refuses_a_page_size_over_the_limit(client_for, make_staff):
    response = client_for(make_staff(Role.COMPANY_HEAD)).get("/api/accounts/staff?page_size=100000")
    assert_problem(response, 422, "validation_error")


def test_the_openapi_schema_and_docs_are_served():
    schema = Client().get("/api/openapi.json")
    assert schema.status_code == 200
    assert "/api/accounts/me" in schema.json()["paths"]
    assert Client().get("/api/docs").status_code == 200


def test_a_wrong_method_answers_a_json_405_naming_the_allowed_ones():
    response = Client().put("/api/accounts/me")
    body = assert_problem(response, 405, "method_not_allowed")
    assert body["extra"] == {"allowed": ["GET"]}
    assert response["Allow"] == "GET"


def test_the_schema_declares_the_error_shape_of_each_operation():
    paths = Client().get("/api/openapi.json").json()["paths"]
    me = paths["/api/accounts/me"]["get"]["responses"]
    assert "401" in me
    assert me["401"]["content"]["application/json"]["schema"]["$ref"].endswith("/Problem")


def test_an_expiry_with_any_iso_offset_is_stored_in_utc(client_for, sales_manager):
    response = client_for(sales_manager).post(
        "/api/accounts/tokens",
        {"name": "far", "expires_at": "2099-08-30T01:48:26+16:46"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["expires_at"].startswith("2099-08-29T09:02:26")


def test_an_expiry_at_the_edge_of_the_calendar_is_a_validation_error(client_for, sales_manager):
    response = client_for(sales_manager).post(
        "/api/accounts/tokens",
        {"name": "edge", "expires_at": "0001-01-01T00:00:00+05:00"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
