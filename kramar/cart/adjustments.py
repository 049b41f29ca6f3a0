"""Price adjustments that apps above the cart plug in (a client's personal offer, issue 6).

The cart prices itself from the catalogue on the server (``cart_priced``) and must not import
the apps above it (CONVENTIONS.md rule 4), yet a manager's personal offer must lower the prices
its client pays. An app registers an adjuster in its ``AppConfig.ready``; the cart asks every
adjuster for a discount on each pricing and applies the largest one to every line, so what the
cart page shows is what checkout charges (the order's lines keep the discounted prices).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from kramar.cart.models import Cart
from kramar.core.money import quantize

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CartDiscount:
    """A percent off every line of the cart, and where it comes from (for the order's record)."""

    percent: Decimal
    source: str
    label: str = ""


Adjuster = Callable[[Cart], CartDiscount | None]
_adjusters: list[Adjuster] = []


def cart_adjuster_add(adjuster: Adjuster) -> None:
    """Ask ``adjuster(cart)`` for a discount whenever a cart is priced (once each)."""
    if adjuster not in _adjusters:
        _adjusters.append(adjuster)


def cart_discount(cart: Cart) -> CartDiscount | None:
    """Return the largest discount any adjuster gives this cart (None: the catalogue's prices)."""
    found = [d for adjuster in _adjusters if (d := adjuster(cart)) is not None and d.percent > 0]
    return max(found, key=lambda d: d.percent, default=None)


def discounted(price: Decimal, discount: CartDiscount | None) -> Decimal:
    """Return a unit price less the discount: the one formula the cart and the pages share."""
    if discount is None:
        return price
    return quantize(price * (Decimal("100") - discount.percent) / Decimal("100"))


def customer_discount(user_id: int | None) -> CartDiscount | None:
    """Return the discount a customer's cart would get, for pages that show prices before there
    is a cart (a product page). Adjusters decide from the cart's owner; this cart has no lines.
    """
    if user_id is None:
        return None
    return cart_discount(Cart(user_id=user_id))
