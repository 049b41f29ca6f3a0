"""Writes of the similarity tables, "bought together" and "viewed together" (docs/personal.md,
"Which products go together"). The worker calls them (``personal.tasks``), never a page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction

from kramar.orders.enums import OrderStatus
from kramar.orders.models import OrderLine
from kramar.personal.enums import SimilarityKind
from kramar.personal.models import ProductSimilarity, ViewBasket
from kramar.personal.similarity import (
    Neighbour,
    baskets_by_occasion,
    co_counts,
    neighbours,
)


def _window() -> timedelta:
    return timedelta(days=settings.PERSONAL_BASKET_DAYS)


def _bought_baskets(client_ids: Iterable[int] | None = None) -> list[frozenset[int]]:
    """Return the purchase baskets (a client's orders within the window) of all clients or some."""
    lines = OrderLine.objects.exclude(order__status=OrderStatus.CANCELLED).filter(
        variant__isnull=False
    )
    if client_ids is not None:
        lines = lines.filter(order__client_id__in=list(client_ids))
    rows = lines.order_by("order__client_id", "order__placed_at", "order_id").values_list(
        "order__client_id", "order__placed_at", "variant__product_id"
    )
    return baskets_by_occasion(rows.iterator(chunk_size=5000), window=_window())


def _viewed_baskets() -> list[frozenset[int]]:
    lists = ViewBasket.objects.values_list("product_ids", flat=True).iterator(chunk_size=5000)
    return [frozenset(int(i) for i in ids) for ids in lists if len(ids) > 1]


def _table(single: Counter[int], pairs: Counter[tuple[int, int]]) -> dict[int, list[Neighbour]]:
    return neighbours(
        single, pairs, min_support=settings.PERSONAL_MIN_SUPPORT, top_k=settings.PERSONAL_TOP_K
    )


@transaction.atomic
def _write(
    kind: SimilarityKind, table: dict[int, list[Neighbour]], products: set[int] | None
) -> int:
    rows = ProductSimilarity.objects.filter(kind=kind)
    (rows if products is None else rows.filter(product_id__in=products)).delete()
    made = ProductSimilarity.objects.bulk_create(
        [
            ProductSimilarity(
                product_id=product, other_id=n.other, kind=kind, score=n.score, support=n.support
            )
            for product, near in table.items()
            if products is None or product in products
            for n in near
        ],
        batch_size=2000,
    )
    return len(made)


def similarity_rebuild(*, kind: SimilarityKind) -> int:
    """Recompute one kind of similarity for the whole catalogue; return the rows written."""
    baskets = _bought_baskets() if kind == SimilarityKind.BOUGHT else _viewed_baskets()
    single, pairs = co_counts(baskets)
    return _write(kind, _table(single, pairs), None)


def similarity_refresh_bought(*, product_ids: Iterable[int]) -> int:
    """Recompute "bought together" of these products exactly, reading only the baskets that
    matter: every basket of the clients who bought them (for the pairs) and of the clients who
    bought any of their partners (for the partners' basket counts)."""
    affected = set(product_ids)
    if not affected:
        return 0
    buyers = _buyers_of(affected)
    baskets = _bought_baskets(buyers)
    partners = set().union(*(b for b in baskets if b & affected)) - affected
    more = _buyers_of(partners) - buyers if partners else set()
    if more:
        baskets += _bought_baskets(more)
    single, pairs = co_counts(baskets, only=affected)
    return _write(SimilarityKind.BOUGHT, _table(single, pairs), affected)


def _buyers_of(products: set[int]) -> set[int]:
    return set(
        OrderLine.objects.exclude(order__status=OrderStatus.CANCELLED)
        .filter(variant__product_id__in=list(products))
        .values_list("order__client_id", flat=True)
        .distinct()
    )


def products_of_occasion(*, order_id: int) -> set[int]:
    """Return the products of the purchase basket an order belongs to (its client's orders
    within the basket window around it), the products whose "bought together" it changes."""
    own = list(
        OrderLine.objects.filter(order_id=order_id, variant__isnull=False).values_list(
            "order__client_id", "order__placed_at", "variant__product_id"
        )
    )
    if not own:
        return set()
    client_id, placed_at, _product = own[0]
    around = (placed_at - _window(), placed_at + _window())
    return {product for *_rest, product in own} | set(
        OrderLine.objects.exclude(order__status=OrderStatus.CANCELLED)
        .filter(order__client_id=client_id, order__placed_at__range=around, variant__isnull=False)
        .values_list("variant__product_id", flat=True)
    )
