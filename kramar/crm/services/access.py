"""The record rules every write of the CRM checks, whatever entry point calls it (M3, M15).

``actor=None`` is the system's own write (a background job); a staff member's write is
checked: the record must be visible to them (else "not found") and the role must hold the
permission (else "forbidden").
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.clients.models import Client
from kramar.clients.services import client_require_change
from kramar.core.errors import NotFoundError, PermissionDeniedError
from kramar.crm.enums import CrmErrorCode
from kramar.crm.models import Activity, Deal
from kramar.crm.selectors import activities_visible_to, deals_visible_to


def _require_role(actor: User, permission: str) -> None:
    if not actor.has_perm(permission):
        raise PermissionDeniedError(
            CrmErrorCode.MAY_NOT_CHANGE,
            _("Your role does not allow this."),
            extra={"permission": permission},
        )


def deal_require_change(*, actor: User, deal: Deal, permission: str = "crm.change_deal") -> None:
    """Refuse unless the actor sees the deal (else 404) and the role allows (else 403)."""
    if not deals_visible_to(viewer=actor).filter(pk=deal.pk).exists():
        raise NotFoundError("crm.deal_not_found", _("No such deal."))
    _require_role(actor, permission)


def deal_check_actor(
    *, actor: User | None, deal: Deal, permission: str = "crm.change_deal"
) -> None:
    if actor is not None and actor.is_staff:
        deal_require_change(actor=actor, deal=deal, permission=permission)


def activity_check_actor(
    *,
    actor: User | None,
    client: Client | None = None,
    activity: Activity | None = None,
    permission: str,
) -> None:
    """Planning needs the client visible; completing needs the activity visible."""
    if actor is None or not actor.is_staff:
        return
    if activity is not None:
        if not activities_visible_to(viewer=actor).filter(pk=activity.pk).exists():
            raise NotFoundError("crm.activity_not_found", _("No such activity."))
    elif client is not None:
        client_require_change(actor=actor, client=client, permission="clients.view_client")
    _require_role(actor, permission)
