"""How the API knows who calls: a personal token (``Authorization: Bearer kr_…``) or the
browser's session (with its CSRF token, as for any unsafe request of a signed-in browser)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from kramar.accounts.services import api_token_authenticate


class ApiTokenAuth(HttpBearer):
    """Staff members' personal API tokens."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(raw=token)
        if user is not None:
            request.user = user
            # The audit trail names the token (by its public prefix) that made a change.
            request.api_token_prefix = token.split("_", 2)[1]  # type: ignore[attr-defined]
        return user


class SessionAuth(APIKeyCookie):
    """The signed-in browser (staff or customer), CSRF-checked for unsafe methods."""

    def __init__(self) -> None:
        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


API_AUTH = [ApiTokenAuth(), SessionAuth()]
