"""The record rule every write of the clients app checks, whatever entry point calls it (M3).

Services take ``actor=None`` for the system's own writes (the shop's checkout, background
jobs); a person's write is checked here: the client must be visible to them (else "not found",
so existence does not leak) and their role must hold the permission (else "forbidden").
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.clients.enums import ClientsErrorCode
from kramar.clients.models import Client
from kramar.clients.selectors import clients_visible_to
from kramar.core.errors import NotFoundError, PermissionDeniedError


def client_require_change(*, actor: User, client: Client, permission: str) -> None:
    """Refuse unless the actor sees the client (else 404) and the role allows (else 403)."""
    if not clients_visible_to(viewer=actor).filter(pk=client.pk).exists():
        raise NotFoundError("clients.not_found", _("No such client."))
    if not actor.has_perm(permission):
        raise PermissionDeniedError(
            ClientsErrorCode.MAY_NOT_CHANGE,
            _("Your role does not allow this."),
            extra={"permission": permission},
        )


def client_check_actor(*, actor: User | None, client: Client, permission: str) -> None:
    """Check a staff member's write; the system's own writes (no actor) pass."""
    if actor is not None and actor.is_staff:
        client_require_change(actor=actor, client=client, permission=permission)
