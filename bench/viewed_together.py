"""Benchmark the worker's refresh of "viewed together" (issue 6 item 5, M7): incremental vs full.

It fills a database of its own with the demo catalogue (``medium``: 10,000 products) and
20,000 visitors' viewed lists (``--lists``) that browse in families of neighbouring products,
some families far more than others, and stamps them an hour old. Then it times:

- the full rebuild (the nightly job) over every list;
- the incremental refresh (the periodic job) after ``--changed`` lists (200) got new views
  through the same service the product page calls: it reads the lists changed since the
  rebuild, then only the lists holding their products or their partners;
- the same refresh again with nothing new.

It checks that the refreshed products' neighbours are those a full rebuild gives them, and
prints the figures. It never runs in the tests.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kramar_viewed_bench \\
        .venv/bin/python bench/viewed_together.py
    .venv/bin/python bench/viewed_together.py --lists 5000        # SQLite, a quick look
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from uuid import UUID

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# as the worker runs: DEBUG off (no query log to fill with thousands of rows)
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 60)
os.environ.setdefault("ALLOWED_HOSTS", "localhost")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-viewed.sqlite3'}")

FAMILY = 4  # neighbouring products viewed together, like a sofa, its cushions and its throw
SEED = 2026


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lists", type=int, default=20_000, help="visitors' viewed lists")
    parser.add_argument("--changed", type=int, default=200, help="lists viewed since the run")
    parser.add_argument("--repeat", type=int, default=3, help="incremental runs to time")
    args = parser.parse_args()

    import django

    from bench.support import ensure_database

    ensure_database()
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    products = catalogue()
    fill_lists(products, args.lists)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    measure(products, args)


def catalogue() -> list[int]:
    """Return the ids of the medium demo catalogue, loading it when missing."""
    from kramar.catalog import demo
    from kramar.catalog.models import Product

    if Product.objects.count() < demo.PRODUCTS["medium"]:
        started = time.perf_counter()
        context = SimpleNamespace(
            scale="medium",
            progress=lambda units: None,
            rng_for=lambda key: random.Random(f"{SEED}:{key}"),
        )
        demo.seed(context)
        print(f"catalogue loaded in {time.perf_counter() - started:.0f} s")
    return list(Product.objects.order_by("pk").values_list("pk", flat=True))


def browse(rng: random.Random, products: list[int], families: list[float]) -> list[int]:
    """One visitor's viewed list, newest first: 1-3 families (popular ones far more often),
    most of each family's products, and now and then a product from anywhere."""
    viewed: list[int] = []
    for family in rng.choices(range(len(families)), weights=families, k=rng.randint(1, 3)):
        members = products[family * FAMILY : (family + 1) * FAMILY]
        viewed += rng.sample(members, k=rng.randint(2, len(members)))
    viewed += rng.sample(products, k=rng.choice([0, 0, 1, 2]))
    return list(dict.fromkeys(viewed))[:20]


def _families(products: list[int]) -> list[float]:
    return [1 / (k + 1) for k in range(len(products) // FAMILY)]


def fill_lists(products: list[int], wanted: int) -> None:
    """Write the visitors' lists afresh (a run changes some), stamped an hour ago."""
    from django.utils import timezone

    from kramar.personal.models import SimilarityCursor, ViewBasket

    ViewBasket.objects.all().delete()
    SimilarityCursor.objects.all().delete()
    rng, families = random.Random(SEED), _families(products)
    ViewBasket.objects.bulk_create(
        [ViewBasket(product_ids=browse(rng, products, families)) for _ in range(wanted)],
        batch_size=2000,
    )
    ViewBasket.objects.update(updated_at=timezone.now() - timedelta(hours=1))


def measure(products: list[int], args: argparse.Namespace) -> None:
    from django.db import connection
    from django.utils import timezone

    from kramar.personal.enums import SimilarityKind
    from kramar.personal.models import ViewBasket
    from kramar.personal.services import (
        similarity_rebuild,
        similarity_refresh_viewed,
        view_basket_save,
    )

    lists = ViewBasket.objects.count()
    started = time.perf_counter()
    rows = similarity_rebuild(kind=SimilarityKind.VIEWED)
    full = time.perf_counter() - started
    print(f"{connection.vendor}: {len(products)} products, {lists} viewed lists")
    print(f"full rebuild:                 {full:7.3f} s, {rows} rows")

    rng, families = random.Random(SEED + 1), _families(products)
    stored = dict(ViewBasket.objects.order_by("pk").values_list("key", "product_ids"))
    timings, later, changed = [], timezone.now(), set[int]()
    for round_ in range(args.repeat):
        changed, keys = set(), rng.sample(list(stored), args.changed)
        for key in keys:
            new = browse(rng, products, families)[: rng.randint(1, 3)]
            stored[key] = list(dict.fromkeys([*new, *stored[key]]))[:20]
            view_basket_save(user=None, key=str(key), product_ids=stored[key])
            changed.update(stored[key])
        # each round a quarter of an hour after the last: the lists viewed in it, then the run
        later = timezone.now() + timedelta(minutes=2 + 16 * round_)
        ViewBasket.objects.filter(key__in=keys).update(updated_at=later - timedelta(minutes=2))
        started = time.perf_counter()
        rows = similarity_refresh_viewed(now=later)
        timings.append((time.perf_counter() - started, rows, len(changed), read(stored, changed)))
    for seconds, rows, touched, (holding, partners_only) in timings:
        print(
            f"incremental, {args.changed} lists changed: {seconds:7.3f} s, {touched} products "
            f"refreshed, lists read: {holding} holding them + {partners_only} holding partners "
            f"only, {rows} rows written"
        )
    started = time.perf_counter()
    rows = similarity_refresh_viewed(now=later + timedelta(minutes=15))
    print(f"incremental, nothing new:     {time.perf_counter() - started:7.3f} s, {rows} rows")

    # the last run's products: the neighbours a full rebuild gives them
    refreshed = _neighbours_of(changed)
    started = time.perf_counter()
    similarity_rebuild(kind=SimilarityKind.VIEWED)
    print(f"full rebuild after the changes: {time.perf_counter() - started:.3f} s")
    same = refreshed == _neighbours_of(changed)
    print(f"the last run's {len(changed)} products have a rebuild's neighbours: {same}")


def read(stored: dict[UUID, list[int]], affected: set[int]) -> tuple[int, int]:
    """How many lists the refresh reads: those holding the products (their pairs are
    counted), and those holding only partners of theirs (for the partners' list counts)."""
    lists = [set(ids) for ids in stored.values() if len(ids) > 1]
    holding = [ids for ids in lists if ids & affected]
    partners = set().union(*holding) - affected
    return len(holding), sum(1 for ids in lists if not ids & affected and ids & partners)


def _neighbours_of(products: set[int]) -> set[tuple[int, int, float, int]]:
    from kramar.personal.enums import SimilarityKind
    from kramar.personal.models import ProductSimilarity

    rows = ProductSimilarity.objects.filter(kind=SimilarityKind.VIEWED, product_id__in=products)
    return set(rows.values_list("product_id", "other_id", "score", "support"))


if __name__ == "__main__":
    main()
