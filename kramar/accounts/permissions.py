"""Entry-point checks: "may this role do this at all" (CONVENTIONS.md rule 8)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.core.errors import CoreErrorCode, PermissionDeniedError


def require_staff(request: HttpRequest) -> User:
    """Return the signed-in staff member, or refuse with 403."""
    user = request.user
    if not (isinstance(user, User) and user.is_active and user.is_staff):
        raise PermissionDeniedError(
            CoreErrorCode.PERMISSION_DENIED, _("This is for staff members only.")
        )
    return user


def require_permission(request: HttpRequest, permission: str) -> User:
    """Return the signed-in staff member holding ``permission``, or refuse with 403."""
    user = require_staff(request)
    if not user.has_perm(permission):
        raise PermissionDeniedError(
            CoreErrorCode.PERMISSION_DENIED,
            _("Your role does not allow this."),
            extra={"permission": permission},
        )
    return user
