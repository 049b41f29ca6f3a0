"""Helpers of the order tests: a cart with goods and checkout details."""

from __future__ import annotations

import uuid

from kramar.cart.models import Cart
from kramar.cart.services import cart_add, cart_open
from kramar.catalog.models import Variant
from kramar.clients.models import Region
from kramar.orders.enums import PaymentMethod
from kramar.orders.models import DeliveryMethod
from kramar.orders.services import CheckoutDetails


def cart_with(*items: tuple[Variant, int], user=None) -> Cart:
    cart = cart_open(user=user, token=None)
    for variant, quantity in items:
        cart_add(cart=cart, variant=variant, quantity=quantity)
    return cart


def details(**changes) -> CheckoutDetails:
    fields = {
        "full_name": "Тарас Шевченко",
        "email": "taras@example.test",
        "phone": "0671234567",
        "delivery_method": DeliveryMethod.objects.get(code="post"),
        "region": Region.objects.get(code="kyiv-city"),
        "city": "Київ",
        "post_branch": "12",
        "payment_method": PaymentMethod.CASH_ON_DELIVERY,
    }
    fields.update(changes)
    return CheckoutDetails(**fields)


def new_key() -> str:
    return uuid.uuid4().hex
