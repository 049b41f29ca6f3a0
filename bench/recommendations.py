"""Evaluate the recommendations offline on the demo order history (issue 6 item 5, M7).

It fills a database of its own with every app's demo data at the chosen scale (``medium`` by
default: 10,000 products, ~1,500 orders over a year), holds out each client's last order, and
asks two recommenders for 10 products from the client's earlier purchases:

- item-to-item: "bought together" (``kramar.personal.similarity``: cosine over purchase baskets
  with a minimum support, top-K per product), trained on the orders that are not held out;
- popularity: the products in most training orders, the baseline.

Products the client had bought before are never recommended (the site leaves them out too), so
a held-out order counts only with the products new to the client; clients whose last order
holds none are skipped. It prints hit rate at 10 (share of clients with at least one held-out
product among the 10) and recall at 10 (share of the held-out products found, averaged over
clients) of both, and what the worker's rebuild and one refresh cost on that database. It never
runs in the tests.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kramar_recommendations_bench \\
        .venv/bin/python bench/recommendations.py
    .venv/bin/python bench/recommendations.py --scale small     # a quick look, SQLite
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-recommendations.sqlite3'}")

AT = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["small", "medium", "large"], default="medium")
    parser.add_argument("--min-support", type=int, default=None, help="default: the setting")
    parser.add_argument("--top-k", type=int, default=None, help="default: the setting")
    args = parser.parse_args()

    import django

    from bench.support import ensure_database

    ensure_database()
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("kramar_demo", scale=args.scale, no_progress=True)
    print(f"demo data ({args.scale}) ready in {time.perf_counter() - started:.0f} s")
    min_support = args.min_support or settings.PERSONAL_MIN_SUPPORT
    top_k = args.top_k or settings.PERSONAL_TOP_K
    evaluate(min_support=min_support, top_k=top_k, window_days=settings.PERSONAL_BASKET_DAYS)
    cost()


def _orders() -> dict[int, list[tuple[datetime, int, set[int]]]]:
    """Return each client's orders (time, id, products), oldest first, cancelled ones left out."""
    from kramar.orders.enums import OrderStatus
    from kramar.orders.models import OrderLine

    orders: dict[int, dict[int, tuple[datetime, set[int]]]] = defaultdict(dict)
    rows = (
        OrderLine.objects.exclude(order__status=OrderStatus.CANCELLED)
        .filter(variant__isnull=False)
        .values_list("order__client_id", "order_id", "order__placed_at", "variant__product_id")
    )
    for client, order, placed_at, product in rows.iterator(chunk_size=5000):
        orders[client].setdefault(order, (placed_at, set()))[1].add(product)
    return {
        client: sorted((when, pk, products) for pk, (when, products) in mine.items())
        for client, mine in orders.items()
    }


def evaluate(*, min_support: int, top_k: int, window_days: int) -> None:
    from datetime import timedelta

    from kramar.personal.similarity import baskets_by_occasion, co_counts, neighbours, recommend

    orders = _orders()
    held_out = {client: mine[-1] for client, mine in orders.items() if len(mine) >= 2}
    training = [
        (client, when, product)
        for client, mine in orders.items()
        for when, pk, products in mine
        if client not in held_out or pk != held_out[client][1]
        for product in sorted(products)
    ]
    training.sort(key=lambda row: (row[0], row[1]))
    baskets = baskets_by_occasion(training, window=timedelta(days=window_days))
    table = neighbours(*co_counts(baskets), min_support=min_support, top_k=top_k)
    popularity = Counter(product for basket in baskets for product in basket)
    ranked = [product for product, _n in popularity.most_common()]

    figures = {"item-to-item": [0, 0.0], "popularity": [0, 0.0], "item-to-item + popular": [0, 0.0]}
    judged = 0
    for client, (_when, _pk, last) in held_out.items():
        history = {p for _w, pk, products in orders[client][:-1] for p in products}
        wanted = last - history
        if not wanted:
            continue
        judged += 1
        near = recommend(sorted(history), table, exclude=history, limit=AT)
        popular = [p for p in ranked if p not in history][: AT + len(near)]
        lists = {
            "item-to-item": near,
            "popularity": popular[:AT],
            "item-to-item + popular": list(dict.fromkeys([*near, *popular]))[:AT],
        }
        for name, shown in lists.items():
            found = wanted & set(shown)
            figures[name][0] += bool(found)
            figures[name][1] += len(found) / len(wanted)
    print(
        f"{len(orders)} buyers, {sum(len(m) for m in orders.values())} orders, "
        f"{len(baskets)} training baskets, {sum(len(n) for n in table.values())} similarity rows "
        f"(min support {min_support}, top {top_k}, basket window {window_days} days)"
    )
    print(f"held out the last order of {judged} clients with an earlier order and something new")
    print(f"{'recommender':<26}{'hit rate@10':>12}{'recall@10':>12}")
    for name, (hits, recall) in figures.items():
        print(f"{name:<26}{hits / max(judged, 1):>12.3f}{recall / max(judged, 1):>12.3f}")


def cost() -> None:
    """Time the worker's jobs on this database: the full rebuild and one order's refresh."""
    from kramar.orders.models import Order
    from kramar.personal.enums import SimilarityKind
    from kramar.personal.services import (
        products_of_occasion,
        similarity_rebuild,
        similarity_refresh_bought,
    )

    started = time.perf_counter()
    rows = similarity_rebuild(kind=SimilarityKind.BOUGHT)
    print(f"full rebuild of bought together: {rows} rows in {time.perf_counter() - started:.2f} s")
    order = Order.objects.order_by("-placed_at").first()
    if order is not None:
        started = time.perf_counter()
        similarity_refresh_bought(product_ids=products_of_occasion(order_id=order.pk))
        print(f"refresh after one order: {(time.perf_counter() - started) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
