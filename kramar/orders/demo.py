"""Demo order history: a year of orders from demo customers and companies across regions, most
delivered, some cancelled, the latest still on their way, so that sales reports (M18) and the
client cards (M11) show something true. Written through the services, like real orders.

Purchases have the structure real ones have, so that recommendations (docs/personal.md) have
something to find: products are bought in families (a few neighbouring products of one group,
like a sofa with its cushions), some families sell far more than others, a fifth of the buyers
are regulars who place most orders, and each buyer keeps coming back to two favourite families.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from kramar.accounts.models import User
from kramar.cart.services import cart_add, cart_open
from kramar.catalog.models import Variant
from kramar.catalog.selectors import products_in_shop
from kramar.clients.models import Client, Region
from kramar.core.errors import ApplicationError
from kramar.orders.enums import OrderStatus, PaymentMethod
from kramar.orders.models import DeliveryMethod, Order
from kramar.orders.services import CheckoutDetails, order_advance, order_place

ORDERS = {"small": 160, "medium": 1_500, "large": 8_000}
STEPS = [OrderStatus.CONFIRMED, OrderStatus.PACKED, OrderStatus.SHIPPED, OrderStatus.DELIVERED]
FAMILY_SIZE = 4  # neighbouring products of one group bought together
REGULARS_SHARE = 0.6  # of the orders, placed by the fifth of the buyers who are regulars
FAVOURITE_SHARE = 0.7  # of a buyer's orders, from one of their two favourite families


def work_units(scale_name: str) -> int:
    return ORDERS[scale_name]


def seed(context: Any) -> list[tuple[str, str, str]]:
    wanted = ORDERS[context.scale]
    if Order.objects.exists():  # the history is written once; a second run adds nothing
        context.progress(wanted)
        return []
    rng = context.rng_for("orders")
    staff = (
        User.objects.filter(email__startswith="shop@").first()
        or User.objects.filter(is_superuser=True).first()
    )
    buyers = list(
        Client.objects.filter(merged_into__isnull=True, emails__isnull=False, is_customer=True)
        .select_related("user")
        .distinct()
        .order_by("pk")[:2_000]
    )
    families = _families()
    regions = list(Region.objects.order_by("code"))
    methods = list(DeliveryMethod.objects.filter(is_active=True).order_by("position"))
    if not (buyers and families and regions and methods and staff):
        context.progress(wanted)
        return []
    now = timezone.now()
    regulars = buyers[: max(1, len(buyers) // 5)]
    # Family k sells about 1/(k+1) as often as the first: a few families carry the sales.
    weights = [1 / (k + 1) for k in range(len(families))]
    favourites: dict[int, list[list[list[int]]]] = {}
    for _attempt in range(wanted):
        buyer = rng.choice(regulars if rng.random() < REGULARS_SHARE else buyers)
        # (draws the pair on every order and keeps the first: the sequence that the figures of
        # docs/personal.md were measured on)
        liked = favourites.setdefault(buyer.pk, rng.choices(families, weights, k=2))
        family = (
            rng.choice(liked) if rng.random() < FAVOURITE_SHARE
            else rng.choices(families, weights)[0]
        )  # fmt: skip
        variant_ids = [
            rng.choice(variants)
            for variants in rng.sample(family, min(len(family), rng.randint(1, 3)))
        ]
        placed_at = now - timedelta(days=rng.uniform(0, 365), minutes=rng.randint(0, 600))
        order = _place(rng, buyer, variant_ids, regions, methods, placed_at)
        if order is not None:
            _follow(rng, order, staff, now - placed_at)
        context.progress(1)
    return []


def _families() -> list[list[list[int]]]:
    """Return families of products (each a list of its variants' ids), neighbours in a group."""
    variants: dict[int, list[int]] = {}
    for product_id, variant_id in (
        Variant.objects.filter(is_active=True, product__in=products_in_shop())
        .order_by("product__group_id", "product_id", "pk")
        .values_list("product_id", "pk")[:20_000]
    ):
        variants.setdefault(product_id, []).append(variant_id)
    products = list(variants.values())
    return [products[start : start + FAMILY_SIZE] for start in range(0, len(products), FAMILY_SIZE)]


def _place(
    rng: Any,
    buyer: Client,
    variant_ids: list[int],
    regions: list[Region],
    methods: list[DeliveryMethod],
    placed_at: datetime,
) -> Order | None:
    cart = (
        cart_open(user=buyer.user, token=None)
        if buyer.user_id
        else cart_open(user=None, token=None)
    )
    for variant_id in variant_ids:
        try:
            cart_add(
                cart=cart, variant=Variant.objects.get(pk=variant_id),
                quantity=rng.choice([1, 1, 1, 2, 3]),
            )  # fmt: skip
        except ApplicationError:
            continue  # sold out in the demo already
    method = rng.choice(methods)
    region = buyer.region or rng.choice(regions)
    email = buyer.emails.order_by("-is_primary", "pk").first()
    phone = buyer.phones.order_by("-is_primary", "pk").first()
    try:
        return order_place(
            cart=cart,
            checkout_key=uuid.UUID(int=rng.getrandbits(128)).hex,
            user=buyer.user,
            details=CheckoutDetails(
                full_name=buyer.name,
                email=email.email if email else "buyer@demo.kramar.ua",
                phone=phone.number if phone else "+380441234567",
                delivery_method=method,
                region=region,
                city=region.name.split()[0],
                address="вул. Шевченка, 1" if method.kind == "courier" else "",
                post_branch=str(rng.randint(1, 120)) if method.kind == "post" else "",
                payment_method=rng.choice(
                    [PaymentMethod.CASH_ON_DELIVERY, PaymentMethod.BANK_TRANSFER]
                ),
                utm_source=rng.choice(["", "", "google", "facebook", "newsletter"]),
            ),
            now=placed_at,
            notify=False,
        )
    except ApplicationError:
        return None


def _follow(rng: Any, order: Order, staff: User, age: timedelta) -> None:
    """Move older orders on: most delivered, some cancelled; the newest stay where they are."""
    if age < timedelta(days=2):
        return
    if rng.random() < 0.08:
        order_advance(actor=staff, order=order, status=OrderStatus.CANCELLED, notify=False)
        return
    steps = STEPS if age > timedelta(days=10) else STEPS[: rng.randint(1, 3)]
    for status in steps:
        order = order_advance(
            actor=staff, order=order, status=status, notify=False,
            tracking_number=f"59{rng.randint(10**11, 10**12 - 1)}"
            if status == OrderStatus.SHIPPED else "",
        )  # fmt: skip
