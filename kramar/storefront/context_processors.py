from __future__ import annotations

from typing import Any

from django.db.models import Sum
from django.http import HttpRequest

from kramar.storefront.cart_session import current_cart
from kramar.tracking.collector import consent_given


def shop(request: HttpRequest) -> dict[str, Any]:
    """Give shop pages the number of items in the cart, counted only when a page shows it."""

    def cart_items() -> int:
        cart = current_cart(request)
        if cart is None:
            return 0
        return int(cart.lines.aggregate(n=Sum("quantity"))["n"] or 0)

    return {"cart_items": cart_items, "tracking_answered": consent_given(request)}
