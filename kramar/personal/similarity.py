"""Item-to-item similarity from baskets: which products go together (docs/personal.md).

A basket is a set of products one buyer bought on one occasion (their orders within
``PERSONAL_BASKET_DAYS`` of the first, so a sofa this week and its cushions next week count as
one purchase) or one visitor's recently viewed list. Two products are similar by the cosine of
their basket vectors:

    score(i, j) = c(i, j) / sqrt(n(i) * n(j))

where n(i) counts the baskets holding i and c(i, j) those holding both. Raw co-counts would
recommend the bestsellers next to everything; the cosine divides popularity out, yet unlike
Jaccard it does not punish a cheap accessory for being bought with many different main products.
Pairs seen together in fewer than ``PERSONAL_MIN_SUPPORT`` baskets are dropped: one coincidence
is no evidence, and it is what makes the cosine of two rare products look perfect. Each product
keeps its ``PERSONAL_TOP_K`` best neighbours only, so the table grows with the catalogue, not
with its square.

These functions are pure (no database), so the worker's refresh, the tests and the offline
evaluation (bench/recommendations.py) compute the same thing.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import combinations

# A basket bigger than this is cut (a wholesale order of 300 products says little about pairs
# and would cost 45,000 pairs); the products kept are the first ones.
BASKET_LIMIT = 50


@dataclass(frozen=True)
class Neighbour:
    other: int
    score: float
    support: int


def baskets_by_occasion(
    rows: Iterable[tuple[int, datetime, int]], *, window: timedelta
) -> list[frozenset[int]]:
    """Group ``(buyer, placed_at, product)`` rows, sorted by buyer and time, into baskets: a
    buyer's purchases within ``window`` of the basket's first purchase are one basket."""
    baskets: list[frozenset[int]] = []
    current: set[int] = set()
    buyer: int | None = None
    started: datetime | None = None
    for who, when, product in rows:
        if who != buyer or started is None or when - started > window:
            if current:
                baskets.append(frozenset(current))
            current, buyer, started = set(), who, when
        current.add(product)
    if current:
        baskets.append(frozenset(current))
    return baskets


def co_counts(
    baskets: Iterable[Iterable[int]], *, only: set[int] | None = None
) -> tuple[Counter[int], Counter[tuple[int, int]]]:
    """Return n(i) and c(i, j) (both orders of each pair). With ``only``, count the pairs of
    those products alone (the incremental refresh), but n(i) of every product: a basket
    without any of them then costs its length, not its pairs."""
    single: Counter[int] = Counter()
    pairs: Counter[tuple[int, int]] = Counter()
    for basket in baskets:
        items = sorted(set(basket))[:BASKET_LIMIT]
        single.update(items)
        if only is None:
            for a, b in combinations(items, 2):
                pairs[(a, b)] += 1
                pairs[(b, a)] += 1
            continue
        hits = only.intersection(items)
        if hits:
            pairs.update([(a, b) for a in hits for b in items if b != a])
    return single, pairs


def neighbours(
    single: Counter[int],
    pairs: Counter[tuple[int, int]],
    *,
    min_support: int,
    top_k: int,
) -> dict[int, list[Neighbour]]:
    """Return each product's best ``top_k`` neighbours by cosine, with at least ``min_support``
    baskets in common; ties go to the pair seen more often, then to the lower id."""
    found: dict[int, list[Neighbour]] = defaultdict(list)
    for (a, b), both in pairs.items():
        if both >= min_support:
            found[a].append(Neighbour(b, both / math.sqrt(single[a] * single[b]), both))
    return {
        product: heapq.nsmallest(top_k, near, key=lambda n: (-n.score, -n.support, n.other))
        for product, near in found.items()
    }


def recommend(
    history: Sequence[int],
    table: dict[int, list[Neighbour]],
    *,
    exclude: set[int],
    limit: int,
) -> list[int]:
    """Return up to ``limit`` products to offer someone who has ``history``: the sum of the
    similarities to each product they had, best first, leaving out ``exclude``."""
    totals: dict[int, float] = defaultdict(float)
    for product in set(history):
        for near in table.get(product, []):
            if near.other not in exclude:
                totals[near.other] += near.score
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    return [product for product, _score in ranked[:limit]]
