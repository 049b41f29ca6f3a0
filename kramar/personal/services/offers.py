"""Writes of the personal offers managers give their clients (docs/personal.md, "Personal
offers")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.clients.enums import TimelineKind
from kramar.clients.models import Client
from kramar.clients.services import client_require_change, timeline_record
from kramar.core.errors import ApplicationError
from kramar.crm.enums import ApprovalKind
from kramar.crm.models import ApprovalRequest
from kramar.crm.services import approval_request_open
from kramar.personal.enums import PersonalErrorCode
from kramar.personal.models import PersonalOffer

DECIDE = "crm.decide_approvalrequest"
CHANGE_CLIENT = "clients.change_client"


def _percent(value: Decimal | str | int | None) -> Decimal:
    try:
        percent = Decimal(str(value if value not in (None, "") else "0")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        percent = Decimal("-1")
    if not Decimal("0") <= percent <= Decimal("100"):
        raise ApplicationError(
            PersonalErrorCode.BAD_PERCENT,
            _("A discount is between 0 and 100 percent."),
            extra={"field": "percent"},
        )
    return percent


@transaction.atomic
def offer_set(
    *,
    actor: User,
    client: Client,
    percent: Decimal | str | int | None,
    message: str,
    valid_until: date,
) -> ApprovalRequest | None:
    """Give a client a personal offer (M7): a discount up to the approval limit (any for a
    head) applies at once; above it the offer keeps its approved discount, and the new one waits
    for a head (an approval request). Return the request when one was opened."""
    client_require_change(actor=actor, client=client, permission=CHANGE_CLIENT)
    percent = _percent(percent)
    message = (message or "").strip()[:300]
    if valid_until < timezone.localdate():
        raise ApplicationError(
            PersonalErrorCode.BAD_DATE,
            _("An offer cannot end in the past."),
            extra={"field": "valid_until"},
        )
    if not percent and not message:
        raise ApplicationError(
            PersonalErrorCode.EMPTY_OFFER,
            _("An offer needs a discount or a message."),
            extra={"field": "percent"},
        )
    offer = PersonalOffer.objects.select_for_update().filter(client=client).first()
    previous = offer.discount_percent if offer else Decimal("0")
    offer = offer or PersonalOffer(client=client, valid_until=valid_until)
    offer.message, offer.valid_until, offer.set_by = message, valid_until, actor
    limit = Decimal(settings.CRM_DISCOUNT_APPROVAL_ABOVE)
    needs_head = percent > limit and percent > previous and not actor.has_perm(DECIDE)
    if needs_head:
        offer.pending_percent = percent
    else:
        offer.discount_percent, offer.pending_percent = percent, None
    offer.save()
    timeline_record(
        client=client,
        kind=TimelineKind.NOTE,
        actor=actor,
        source=client,
        summary=_("Personal offer: %(percent)s%% until %(date)s%(waiting)s")
        % {
            "percent": offer.discount_percent,
            "date": valid_until.isoformat(),
            "waiting": _(" (%(percent)s%% waits for approval)") % {"percent": percent}
            if needs_head
            else "",
        },
        contact=False,
    )
    if not needs_head:
        return None
    return approval_request_open(
        actor=actor,
        kind=ApprovalKind.PERSONAL_OFFER,
        client=client,
        department=client.department,
        value=percent,
        previous_value=previous,
        note=message,
    )


@transaction.atomic
def offer_remove(*, actor: User, client: Client) -> bool:
    """Take a client's personal offer away; return whether there was one."""
    client_require_change(actor=actor, client=client, permission=CHANGE_CLIENT)
    offer = PersonalOffer.objects.filter(client=client).first()
    if offer is None:
        return False
    offer.delete()
    timeline_record(
        client=client, kind=TimelineKind.NOTE, actor=actor, source=client,
        summary=_("Personal offer withdrawn"), contact=False,
    )  # fmt: skip
    return True


def offer_apply_approved(actor: User, request: ApprovalRequest) -> None:
    """The CRM's applier of an approved offer discount (registered in PersonalConfig.ready)."""
    offer = PersonalOffer.objects.select_for_update().filter(client_id=request.client_id).first()
    if offer is None:
        from kramar.crm.enums import CrmErrorCode

        raise ApplicationError(CrmErrorCode.NO_APPLIER, _("The offer is gone."), status=409)
    offer.discount_percent, offer.pending_percent = request.value, None
    offer.save(update_fields=["discount_percent", "pending_percent", "updated_at"])
