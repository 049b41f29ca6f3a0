"""Every sign-in, failed sign-in and sign-out is an audit row (M3), pages and admin alike."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from kramar.audit import context
from kramar.audit.enums import AuditAction


def _write(request: HttpRequest | None, action: str, user: Any, changes: dict[str, Any]) -> None:
    origin = context.Origin(request=request, actor=user)
    if request is None:
        origin.source = context.current().source
    row = {
        "action": action,
        "model": "accounts.user",
        "object_id": str(getattr(user, "pk", "") or ""),
        "object_repr": (getattr(user, "email", "") or "")[:200],
        "changes": changes,
    }
    from kramar.audit.models import AuditEntry

    AuditEntry.objects.create(**context.describe(origin), **row)


def _signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    # A sign-in that passed the second factor says which one (docs/sign-in.md).
    factor = getattr(request, "kramar_second_factor", "")
    _write(request, AuditAction.SIGN_IN, user, {"second_factor": [None, factor]} if factor else {})


def _signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        _write(request, AuditAction.SIGN_OUT, user, {})


def _failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kw: Any
) -> None:
    # Only the name tried is kept; the password never is.
    tried = str(credentials.get("username") or credentials.get("email") or "")[:254]
    _write(request, AuditAction.SIGN_IN_FAILED, None, {"username": [None, tried]})


def second_factor_failed(*, user: Any, reason: str) -> None:
    """Record a refused sign-in code (wrong, reused, or tried while locked) of a known person.

    Called by the accounts services inside the transaction that counts the failure, so the row
    stays even though the operation itself is refused; the request is the current origin's.
    """
    _write(
        context.current().request, AuditAction.SIGN_IN_CODE_FAILED, user, {"reason": [None, reason]}
    )


def connect() -> None:
    user_logged_in.connect(_signed_in, dispatch_uid="kramar.audit:signed_in")
    user_logged_out.connect(_signed_out, dispatch_uid="kramar.audit:signed_out")
    user_login_failed.connect(_failed, dispatch_uid="kramar.audit:sign_in_failed")
