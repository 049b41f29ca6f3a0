"""Errors as types (CONVENTIONS.md rule 5).

Services raise :class:`ApplicationError` with a per-app code; the API renders it as
``{"code", "message", "extra"}`` with its status, pages render it as a form error.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class CoreErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    VALIDATION = "validation_error"
    NOT_AUTHENTICATED = "not_authenticated"
    PERMISSION_DENIED = "permission_denied"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    THROTTLED = "throttled"
    SERVER_ERROR = "server_error"


class ApplicationError(Exception):
    """A business rule refused an operation; nothing was written."""

    status: int = 400

    def __init__(
        self,
        code: StrEnum | str,
        message: str,
        *,
        extra: dict[str, Any] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = str(code)
        self.message = message
        self.extra = extra or {}
        if status is not None:
            self.status = status

    def as_problem(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "extra": self.extra}


class NotFoundError(ApplicationError):
    """The record does not exist, or the viewer may not know that it does (404, not 403)."""

    status = 404


class PermissionDeniedError(ApplicationError):
    status = 403
