"""Reads of the personal site: recommendation shelves, personal picks, a client's offer.

Every shelf shows only what can be bought now: active products in a shown group with stock in
a shipping warehouse (recently viewed excepted: a visitor may want to see again what sold out).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.cart.adjustments import CartDiscount
from kramar.cart.models import Cart
from kramar.catalog.browse import Card, product_cards
from kramar.catalog.selectors import products_in_shop
from kramar.clients.models import Client
from kramar.orders.enums import OrderStatus
from kramar.orders.models import OrderLine
from kramar.personal.enums import SimilarityKind
from kramar.personal.models import PersonalOffer, ProductSimilarity

SHELF = 8  # cards on a shelf
POPULAR_DAYS = 90  # "popular" means bought most in this many days


def similar_ids(
    product_ids: Sequence[int], *, kind: SimilarityKind, exclude: Iterable[int] = ()
) -> list[int]:
    """Return the products most similar to these (summed scores), best first (one query)."""
    if not product_ids:
        return []
    totals: dict[int, float] = defaultdict(float)
    for other, score in ProductSimilarity.objects.filter(
        product_id__in=list(product_ids), kind=kind
    ).values_list("other_id", "score"):
        totals[other] += score
    skip = {*product_ids, *exclude}
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    return [pk for pk, _score in ranked if pk not in skip][: SHELF * 3]


def popular_ids(*, segment: dict[str, Any] | None = None, days: int = POPULAR_DAYS) -> list[int]:
    """Return the products bought by most orders lately, of the orders matching ``segment``
    (order-line filters); cached for ``PERSONAL_POPULAR_CACHE_SECONDS``."""
    key = "personal:popular:" + ":".join(f"{k}={v}" for k, v in sorted((segment or {}).items()))
    found = cache.get(key) if settings.PERSONAL_POPULAR_CACHE_SECONDS else None
    if found is not None:
        return list(found)
    since = timezone.now() - timedelta(days=days)
    lines = OrderLine.objects.filter(order__placed_at__gte=since, variant__isnull=False).exclude(
        order__status=OrderStatus.CANCELLED
    )
    found = list(
        lines.filter(**(segment or {}))
        .values("variant__product_id")
        .annotate(orders=Count("order_id", distinct=True))
        .order_by("-orders", "variant__product_id")
        .values_list("variant__product_id", flat=True)[: SHELF * 3]
    )
    if settings.PERSONAL_POPULAR_CACHE_SECONDS:
        cache.set(key, found, settings.PERSONAL_POPULAR_CACHE_SECONDS)
    return found


@dataclass
class Shelves:
    """The cards of each shelf of a page, fetched together (a fixed number of queries)."""

    shelves: dict[str, list[Card]] = field(default_factory=dict)

    def __getitem__(self, name: str) -> list[Card]:
        return self.shelves.get(name, [])


def shelves(wanted: dict[str, Sequence[int]], *, any_stock: Iterable[str] = ()) -> Shelves:
    """Return up to ``SHELF`` cards per shelf in the ids' order, each product once per page
    (the first shelf that names it keeps it); only products in stock, except on ``any_stock``
    shelves. Four queries, whatever the shelves hold."""
    keep_all = set(any_stock)
    ids = list({pk for pks in wanted.values() for pk in pks})
    if not ids:
        return Shelves()
    cards = {
        card.product.pk: card for card in product_cards(list(products_in_shop().filter(pk__in=ids)))
    }
    found = Shelves()
    used: set[int] = set()
    for name, pks in wanted.items():
        row = [
            cards[pk]
            for pk in dict.fromkeys(pks)
            if pk in cards and pk not in used and (name in keep_all or cards[pk].in_stock)
        ][:SHELF]
        used.update(card.product.pk for card in row)
        found.shelves[name] = row
    return found


def bought_product_ids(*, client: Client | None) -> list[int]:
    """Return the products a client bought (newest first)."""
    if client is None:
        return []
    rows = (
        OrderLine.objects.filter(order__client=client, variant__isnull=False)
        .exclude(order__status=OrderStatus.CANCELLED)
        .order_by("-order__placed_at")
        .values_list("variant__product_id", flat=True)[:200]
    )
    return list(dict.fromkeys(rows))


def segment_of(client: Client | None) -> dict[str, Any] | None:
    """Return the order-line filters of the client's segment: same kind and region (and
    industry, for a company), as the orders recorded them when placed (M18)."""
    if client is None:
        return None
    company = client.company or client
    segment: dict[str, Any] = {"order__client_kind": company.kind}
    if company.region_id:
        segment["order__client_region_id"] = company.region_id
    if company.industry_id:
        segment["order__industry_id"] = company.industry_id
    return segment


def personal_pick_ids(*, viewed: Sequence[int], client: Client | None) -> list[int]:
    """Return the products to offer this visitor, best first: what goes with what they viewed
    and bought (not bought already), then their segment's favourites, then the shop's."""
    bought = bought_product_ids(client=client)
    history = [*viewed[:10], *bought[:20]]
    near = similar_ids(history, kind=SimilarityKind.BOUGHT, exclude=bought) if history else []
    near += similar_ids(viewed[:10], kind=SimilarityKind.VIEWED, exclude=bought)
    segment = segment_of(client)
    liked = popular_ids(segment=segment) if segment is not None else []
    skip = {*bought, *viewed}
    return [pk for pk in dict.fromkeys([*near, *liked, *popular_ids()]) if pk not in skip]


def client_of(user: User | None) -> Client | None:
    if user is None or not user.is_authenticated or user.is_staff:
        return None
    return Client.objects.select_related("company").filter(user=user).first()


# --- Personal offers ---------------------------------------------------------------------------


def offer_get(*, client: Client) -> PersonalOffer | None:
    return PersonalOffer.objects.filter(client=client).select_related("set_by").first()


def offer_active_for(*, user_id: int | None) -> PersonalOffer | None:
    """Return the offer in force for a signed-in customer: their own, else their company's
    (a contact person buys for the company); none after its last day (one query)."""
    if user_id is None:
        return None
    found = list(
        PersonalOffer.objects.filter(
            Q(client__user_id=user_id) | Q(client__contacts__user_id=user_id),
            valid_until__gte=timezone.localdate(),
        )
        .select_related("client")
        .distinct()
    )
    own = [o for o in found if o.client.user_id == user_id]
    return own[0] if own else (found[0] if found else None)


def offer_discount(cart: Cart) -> CartDiscount | None:
    """The cart's adjuster (registered in PersonalConfig.ready): the customer's offer discount."""
    offer = offer_active_for(user_id=cart.user_id)
    if offer is None or offer.discount_percent <= Decimal("0"):
        return None
    return CartDiscount(
        percent=offer.discount_percent,
        source=f"personal_offer:{offer.pk}",
        label=_("Your personal discount"),
    )
