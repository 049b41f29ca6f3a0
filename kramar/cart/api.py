"""The cart in the JSON API: the signed-in customer's cart, priced by the server (issue 3).

The browser session authenticates (with its CSRF token); prices are never taken from the
client: every answer is priced from the catalogue at that moment.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from pydantic import ConfigDict

from kramar.accounts.models import User
from kramar.cart.enums import MAX_LINE_QUANTITY, CartErrorCode
from kramar.cart.selectors import PricedCart, cart_priced, open_cart
from kramar.cart.services import cart_add, cart_open, cart_set_quantity
from kramar.catalog.models import Variant
from kramar.core.errors import NotFoundError
from kramar.core.schemas import AUTHENTICATED, Id, problems

router = Router(tags=["shop: cart"])


class CartLineOut(Schema):
    variant_id: int
    sku: str
    product: str
    product_slug: str
    variant: str
    quantity: int
    unit_price: Decimal = Field(..., description="What is charged: after any discount.")
    list_price: Decimal | None = Field(
        None, description="The catalogue's price when a discount lowered it."
    )
    total: Decimal
    available: int
    problem: str = Field(..., description='"" when it can be bought, "short" or "gone".')


class CartOut(Schema):
    lines: list[CartLineOut]
    items: int
    subtotal: Decimal
    vat: Decimal = Field(..., description="VAT included in the subtotal.")
    currency: str = "UAH"
    can_check_out: bool
    discount_percent: Decimal | None = Field(
        None, description="The customer's discount (a personal offer) in the prices, if any."
    )
    saving: Decimal = Field(Decimal("0"), description="What the discount takes off.")


class AddIn(Schema):
    model_config = ConfigDict(extra="forbid")

    variant_id: Id
    quantity: int = Field(1, ge=1, le=MAX_LINE_QUANTITY)


class QuantityIn(Schema):
    model_config = ConfigDict(extra="forbid")

    quantity: int = Field(..., ge=0, le=MAX_LINE_QUANTITY, description="0 takes the item out.")


def _customer(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


def _out(priced: PricedCart) -> dict[str, Any]:
    return {
        "lines": [
            {
                "variant_id": line.variant.pk,
                "sku": line.variant.sku,
                "product": line.variant.product.name,
                "product_slug": line.variant.product.slug,
                "variant": line.variant.name,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "list_price": line.list_price,
                "total": line.total,
                "available": line.available,
                "problem": line.problem,
            }
            for line in priced.lines
        ],
        "items": priced.items,
        "subtotal": priced.subtotal,
        "vat": priced.vat,
        "can_check_out": priced.can_check_out,
        "discount_percent": priced.discount.percent if priced.discount else None,
        "saving": priced.saving,
    }


def _variant(pk: int) -> Variant:
    variant = Variant.objects.filter(pk=pk).first()
    if variant is None:
        raise NotFoundError(
            CartErrorCode.NOT_FOR_SALE, _("No such item."), extra={"variant_id": pk}
        )
    return variant


@router.get("/cart", response={200: CartOut, **problems(*AUTHENTICATED)}, summary="My cart")
def cart_detail(request: HttpRequest) -> dict[str, Any]:
    return _out(cart_priced(open_cart(user=_customer(request), token=None)))


@router.post(
    "/cart/lines",
    response={200: CartOut, **problems(*AUTHENTICATED, 400, 404, 409)},
    summary="Put more of an item in my cart",
)
def cart_line_add(request: HttpRequest, payload: AddIn) -> dict[str, Any]:
    cart = cart_open(user=_customer(request), token=None)
    cart_add(cart=cart, variant=_variant(payload.variant_id), quantity=payload.quantity)
    return _out(cart_priced(cart))


@router.put(
    "/cart/lines/{variant_id}",
    response={200: CartOut, **problems(*AUTHENTICATED, 400, 404, 409)},
    summary="Set how many of an item my cart holds (0 takes it out)",
)
def cart_line_set(request: HttpRequest, variant_id: Id, payload: QuantityIn) -> dict[str, Any]:
    cart = open_cart(user=_customer(request), token=None)
    if cart is None:
        raise NotFoundError(CartErrorCode.NOT_IN_CART, _("That item is not in the cart."))
    cart_set_quantity(cart=cart, variant=_variant(variant_id), quantity=payload.quantity)
    return _out(cart_priced(cart))
