"""The API's handler of last resort: a bug answers the one error shape and is logged."""

import json

from config.api import on_unexpected_error


def test_an_unexpected_error_answers_a_json_500_and_is_logged(rf, caplog):
    response = on_unexpected_error(rf.get("/api/accounts/me"), ZeroDivisionError("boom"))
    assert response.status_code == 500
    assert json.loads(response.content)["code"] == "server_error"
    assert "boom" not in response.content.decode()
    assert "API error on GET /api/accounts/me" in caplog.text


def test_a_nul_character_anywhere_in_a_request_is_a_422_problem(client_for, make_staff):
    from kramar.accounts.enums import Role

    api = client_for(make_staff(Role.ADMINISTRATOR))
    body = api.post(
        "/api/accounts/tokens", {"name": "ключ\x00", "extra": {"x": ["\x00"]}},
        content_type="application/json",
    )  # fmt: skip
    assert body.status_code == 422
    assert body.json()["extra"]["errors"][0]["loc"][0] == "body"
    query = api.get("/api/clients", {"search": "abc\x00"})
    assert query.status_code == 422
    assert query.json()["code"] == "validation_error"
