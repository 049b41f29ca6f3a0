"""Helpers of the tracking tests: a guest's order placed through the shop's pages."""

from __future__ import annotations

import uuid

from django.test import Client as Browser

from kramar.catalog.tests.factories import first_variant, make_product
from kramar.clients.models import Region
from kramar.orders.models import DeliveryMethod, Order


def guest_checkout(b: Browser, *, quantity: int = 1) -> Order:
    """Put a blanket in the browser's cart and place the order as a guest, paying on delivery."""
    variant = first_variant(make_product("Blanket", stock=4))
    b.post("/cart/add/", {"variant_id": variant.pk, "quantity": quantity})
    b.get("/checkout/")
    b.post(
        "/checkout/",
        {
            "checkout_key": uuid.uuid4().hex,
            "full_name": "Lesia Ukrainka",
            "email": "lesia@example.test",
            "phone": "+380 67 765 43 21",
            "delivery_method": DeliveryMethod.objects.get(code="post").pk,
            "region": Region.objects.get(code="volyn").pk,
            "city": "Lutsk",
            "post_branch": "3",
            "payment_method": "cash_on_delivery",
        },
    )
    return Order.objects.get()
