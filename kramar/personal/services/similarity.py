"""Writes of the similarity tables, "bought together" and "viewed together" (docs/personal.md,
"Which products go together"). The worker calls them (``personal.tasks``), never a page.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import NotSupportedError, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, F, Func, Q
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from kramar.orders.enums import OrderStatus
from kramar.orders.models import OrderLine
from kramar.personal.enums import SimilarityKind
from kramar.personal.models import ProductSimilarity, SimilarityCursor, ViewBasket
from kramar.personal.similarity import (
    Neighbour,
    baskets_by_occasion,
    co_counts,
    neighbours,
)

# The incremental refresh reads the viewed lists changed until this long ago: a list stamped
# earlier has surely committed by then (a view's write takes milliseconds; the clocks of the
# web servers and the worker may differ by seconds), so no list falls between two windows.
VIEWS_SETTLE = timedelta(minutes=1)


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


class _HoldsAny(Func):
    """True when a JSON list of ids holds any of ``ids`` (a viewed list holds one of the
    products). The ids are one bound value: an array PostgreSQL hashes, JSON text SQLite
    reads into a temporary index, so thousands of them cost one lookup per list item."""

    output_field = BooleanField()
    templates = {
        "postgresql": "EXISTS (SELECT 1 FROM jsonb_array_elements_text(%s) AS held(id) "
        "WHERE held.id::bigint = ANY(%%s::bigint[]))",
        "sqlite": "EXISTS (SELECT 1 FROM json_each(%s) AS held "
        "WHERE held.value IN (SELECT value FROM json_each(%%s)))",
    }

    def __init__(self, column: str, ids: Iterable[int]) -> None:
        super().__init__(F(column))
        self.ids = sorted(set(ids))

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[Any, ...]]:
        if connection.vendor not in self.templates:
            raise NotSupportedError(f"viewed lists are not searchable on {connection.vendor}")
        held, params = compiler.compile(self.get_source_expressions()[0])
        ids = self.ids if connection.vendor == "postgresql" else json.dumps(self.ids)
        return self.templates[connection.vendor] % held, (*params, ids)


def _viewed_baskets(
    holding: set[int] | None = None, *, not_holding: set[int] | None = None
) -> list[frozenset[int]]:
    """Return the viewed lists (of two products or more): all of them, or those holding any of
    ``holding`` and none of ``not_holding``."""
    lists = ViewBasket.objects.all()
    if holding is not None:
        lists = lists.filter(_HoldsAny("product_ids", holding))
    if not_holding:
        lists = lists.exclude(_HoldsAny("product_ids", not_holding))
    ids_of = lists.values_list("product_ids", flat=True).iterator(chunk_size=5000)
    return [frozenset(int(i) for i in ids) for ids in ids_of if len(ids) > 1]


def _table(single: Counter[int], pairs: Counter[tuple[int, int]]) -> dict[int, list[Neighbour]]:
    return neighbours(
        single, pairs, min_support=settings.PERSONAL_MIN_SUPPORT, top_k=settings.PERSONAL_TOP_K
    )


@transaction.atomic
def _write(
    kind: SimilarityKind, table: dict[int, list[Neighbour]], products: set[int] | None
) -> int:
    """Store the neighbours in ``table`` of ``products`` (of every product when None); return
    the rows written. For some products only the rows that changed are replaced: a product
    already in a changed list keeps most of its neighbours as they were."""
    fresh = {
        (product, n.other): (n.score, n.support)
        for product, near in table.items()
        if products is None or product in products
        for n in near
    }
    rows = ProductSimilarity.objects.filter(kind=kind)
    if products is None:
        rows.delete()
    else:
        stale = []
        stored = rows.filter(product_id__in=products).values_list(
            "pk", "product_id", "other_id", "score", "support"
        )
        for pk, product, other, score, support in stored.iterator(chunk_size=5000):
            if fresh.get((product, other)) == (score, support):
                del fresh[(product, other)]
            else:
                stale.append(pk)
        ProductSimilarity.objects.filter(pk__in=stale).delete()
    made = ProductSimilarity.objects.bulk_create(
        [
            ProductSimilarity(
                product_id=product, other_id=other, kind=kind, score=score, support=support
            )
            for (product, other), (score, support) in fresh.items()
        ],
        batch_size=2000,
    )
    return len(made)


def similarity_rebuild(*, kind: SimilarityKind) -> int:
    """Recompute one kind of similarity for the whole catalogue; return the rows written."""
    if kind == SimilarityKind.VIEWED:
        return _viewed_rebuild(up_to=timezone.now() - VIEWS_SETTLE)
    single, pairs = co_counts(_bought_baskets())
    return _write(kind, _table(single, pairs), None)


@transaction.atomic
def _viewed_rebuild(*, up_to: datetime) -> int:
    """Rebuild "viewed together" under the cursor's lock (an incremental refresh skips
    meanwhile) and move the cursor to ``up_to``: every list stamped by then is in the table."""
    _viewed_cursor(skip_locked=False)
    single, pairs = co_counts(_viewed_baskets())
    written = _write(SimilarityKind.VIEWED, _table(single, pairs), None)
    _viewed_cursor_move(up_to)
    return written


@transaction.atomic
def similarity_refresh_viewed(*, now: datetime | None = None) -> int:
    """Recompute "viewed together" of the products in the viewed lists changed since the last
    run, exactly, reading only the lists that matter: those holding these products (for the
    pairs) and those holding any of their partners (for the partners' list counts). Return
    the rows written.

    The cursor's row lock makes overlapping runs harmless: a run that finds it taken (another
    refresh, or the nightly rebuild) does nothing, the holder covers the same lists. The
    cursor moves in the same transaction as the rows, so a worker that dies mid-way leaves its
    window to the next run. Nothing changed: nothing is written, not even the cursor. Before
    the first rebuild the cursor is empty and nothing says what the table holds: rebuild it.
    """
    up_to = (now or timezone.now()) - VIEWS_SETTLE
    cursor = _viewed_cursor(skip_locked=True)
    if cursor is None:
        return 0
    if cursor.up_to is None:
        return _viewed_rebuild(up_to=up_to)
    changed = ViewBasket.objects.filter(updated_at__gt=cursor.up_to, updated_at__lte=up_to)
    affected = {int(i) for ids in changed.values_list("product_ids", flat=True) for i in ids}
    if not affected:
        return 0
    baskets = _viewed_baskets(affected)
    partners = set().union(*baskets) - affected
    if partners:
        baskets += _viewed_baskets(partners, not_holding=affected)
    single, pairs = co_counts(baskets, only=affected)
    written = _write(SimilarityKind.VIEWED, _table(single, pairs), affected)
    _viewed_cursor_move(up_to)
    return written


def _viewed_cursor(*, skip_locked: bool) -> SimilarityCursor | None:
    """Lock the viewed-together cursor, made empty when missing; None when another run holds
    it and ``skip_locked``."""
    rows = SimilarityCursor.objects.select_for_update(skip_locked=skip_locked).filter(
        kind=SimilarityKind.VIEWED
    )
    cursor = rows.first()
    if cursor is None and not SimilarityCursor.objects.filter(kind=SimilarityKind.VIEWED).exists():
        SimilarityCursor.objects.get_or_create(kind=SimilarityKind.VIEWED)
        cursor = rows.first()
    return cursor


def _viewed_cursor_move(up_to: datetime) -> None:
    """Move the cursor forward to ``up_to`` (never back: a late rebuild does not undo a run)."""
    SimilarityCursor.objects.filter(
        Q(up_to__isnull=True) | Q(up_to__lt=up_to), kind=SimilarityKind.VIEWED
    ).update(up_to=up_to)


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
