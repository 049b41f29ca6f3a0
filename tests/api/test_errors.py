"""The API's handler of last resort: a bug answers the one error shape and is logged."""

import json

from config.api import on_unexpected_error


def test_an_unexpected_error_answers_a_json_500_and_is_logged(rf, caplog):
    response = on_unexpected_error(rf.get("/api/accounts/me"), ZeroDivisionError("boom"))
    assert response.status_code == 500
    assert json.loads(response.content)["code"] == "server_error"
    assert "boom" not in response.content.decode()
    assert "API error on GET /api/accounts/me" in caplog.text
