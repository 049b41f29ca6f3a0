"""The personal offer on the client card, read through personal's selectors (a tag, so that the
card's view need not know the personal app)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from kramar.backoffice.personal_forms import PersonalOfferForm
from kramar.personal.selectors import offer_get

register = template.Library()


@register.simple_tag
def client_offer(client: Any) -> dict[str, Any]:
    offer = offer_get(client=client)
    initial = (
        {"percent": offer.pending_percent or offer.discount_percent, "message": offer.message,
         "valid_until": offer.valid_until}
        if offer else {}
    )  # fmt: skip
    return {
        "offer": offer,
        "active": offer is not None and offer.valid_until >= timezone.localdate(),
        "form": PersonalOfferForm(initial=initial),
    }
