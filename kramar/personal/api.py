"""A client's personal offer in the JSON API (issue 6 item 5, M7): the office card's form.

Who may read it: whoever sees the client; who may set it: whoever may change the client (the
service checks again), and a sales manager's discount above the limit waits for a head.
"""

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from kramar.accounts.permissions import require_permission
from kramar.clients.models import Client
from kramar.clients.selectors import client_get
from kramar.core.schemas import AUTHENTICATED, Id, problems
from kramar.personal import selectors, services
from kramar.personal.schemas import OfferIn, OfferOut

router = Router(tags=["personal"])
READ, CHANGE = "clients.view_client", "clients.change_client"


def _client(request: HttpRequest, client_id: int, permission: str) -> tuple[Any, Client]:
    user = require_permission(request, permission)
    return user, client_get(viewer=user, pk=client_id)


def _out(client: Client, approval_id: int | None = None) -> dict[str, Any]:
    offer = selectors.offer_get(client=client)
    if offer is None:
        return {"client_id": client.pk, "exists": False, "percent": Decimal("0"), "message": ""}
    return {
        "client_id": client.pk, "exists": True, "percent": offer.discount_percent,
        "pending_percent": offer.pending_percent, "message": offer.message,
        "valid_until": offer.valid_until,
        "active": offer.valid_until >= timezone.localdate(), "approval_id": approval_id,
    }  # fmt: skip


@router.get(
    "/clients/{client_id}/personal-offer",
    response={200: OfferOut, **problems(*AUTHENTICATED, 404)},
    summary="A client's personal offer (``exists`` false when there is none)",
)
def offer_detail(request: HttpRequest, client_id: Id) -> Any:
    _user, client = _client(request, client_id, READ)
    return _out(client)


@router.put(
    "/clients/{client_id}/personal-offer",
    response={200: OfferOut, **problems(*AUTHENTICATED, 400, 404)},
    summary="Set a client's personal offer: a discount and/or a message until a date",
)
def offer_put(request: HttpRequest, client_id: Id, payload: OfferIn) -> Any:
    user, client = _client(request, client_id, CHANGE)
    approval = services.offer_set(
        actor=user, client=client, percent=payload.percent, message=payload.message,
        valid_until=payload.valid_until,
    )  # fmt: skip
    return _out(client, approval.pk if approval else None)


@router.delete(
    "/clients/{client_id}/personal-offer",
    response={204: None, **problems(*AUTHENTICATED, 404)},
    summary="Withdraw a client's personal offer",
)
def offer_delete(request: HttpRequest, client_id: Id) -> Status:
    user, client = _client(request, client_id, CHANGE)
    services.offer_remove(actor=user, client=client)
    return Status(204, None)
