"""The personal site's part of a privacy request: the offer and the recently viewed, erased."""

from __future__ import annotations

from typing import Any

from kramar.clients.models import Client
from kramar.clients.services import Erasure
from kramar.personal.models import PersonalOffer, ViewBasket


def export(client: Client) -> dict[str, Any]:
    offer = PersonalOffer.objects.filter(client=client).first()
    basket = ViewBasket.objects.filter(user_id=client.user_id).first() if client.user_id else None
    return {
        "offer": (
            {
                "discount_percent": str(offer.discount_percent),
                "message": offer.message,
                "valid_until": offer.valid_until.isoformat(),
            }
            if offer
            else None
        ),
        "recently_viewed_products": basket.product_ids if basket else [],
    }


def erase(erasure: Erasure) -> int:
    client = erasure.client
    erased = PersonalOffer.objects.filter(client=client).delete()[0]
    if client.user_id:
        erased += ViewBasket.objects.filter(user_id=client.user_id).delete()[0]
    return erased
