"""Benchmark what site tracking adds to a shop page: the same pages with tracking on and off.

It fills a database of its own with a small catalogue, then requests a product page, a group
page and a search in-process (Django's test client: the whole middleware stack and the
database, no network) alternately as a visitor who accepted tracking and as one who did not,
and prints the median and mean latency of each and the overhead in per cent. The issue wants
it under 5 %. It never runs in the tests.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kramar_tracking_bench \\
        .venv/bin/python bench/tracking.py
    .venv/bin/python bench/tracking.py --requests 300        # SQLite, var/bench-tracking.sqlite3
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 60)
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-tracking.sqlite3'}")

UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per page and mode")
    parser.add_argument("--products", type=int, default=200)
    args = parser.parse_args()

    import django

    from bench.support import ensure_database

    ensure_database()
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client as Browser

    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    call_command("migrate", verbosity=0)
    slug, group = _catalogue(args.products)
    pages = {"product": f"/p/{slug}/", "group": f"/c/{group}/", "search": "/search/?q=bench"}

    tracked = Browser(HTTP_USER_AGENT=UA)
    tracked.cookies["kramar_consent"] = "all"
    plain = Browser(HTTP_USER_AGENT=UA)
    plain.cookies["kramar_consent"] = "necessary"
    from kramar.tracking.buffer import buffer
    from kramar.tracking.models import Event

    before = Event.objects.count()
    for mode, seconds in (("buffered (default)", 1), ("written in the request", 0)):
        settings.TRACKING_BUFFER_SECONDS = seconds
        print(f"\n{mode}")
        _measure(pages, tracked, plain, args.requests)
    buffer.flush()
    written = Event.objects.count() - before
    print(f"\nevents written by the tracked visitor: {written}")


def _measure(pages: dict[str, str], tracked: Any, plain: Any, requests: int) -> None:

    print(f"{'page':10} {'off ms (median/mean)':>22} {'on ms (median/mean)':>22} {'overhead':>9}")
    for name, url in pages.items():
        for browser in (tracked, plain):  # warm both up
            for _ in range(20):
                browser.get(url)
        off: list[float] = []
        on: list[float] = []
        for _ in range(requests):  # interleaved, so drift hits both alike
            for browser, times in ((plain, off), (tracked, on)):
                start = time.perf_counter()
                response = browser.get(url)
                times.append((time.perf_counter() - start) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")
        overhead = (statistics.median(on) / statistics.median(off) - 1) * 100
        print(
            f"{name:10} {statistics.median(off):10.2f} / {statistics.mean(off):7.2f}"
            f"   {statistics.median(on):10.2f} / {statistics.mean(on):7.2f} {overhead:8.1f}%"
        )


def _catalogue(count: int) -> tuple[str, str]:
    from decimal import Decimal

    from kramar.catalog.models import Product, ProductGroup
    from kramar.catalog.services import VariantData, group_create, product_create

    group = ProductGroup.objects.filter(name="Bench tools").first() or group_create(
        name="Bench tools"
    )
    existing = Product.objects.filter(group=group).count()
    for index in range(existing, count):
        product_create(
            group=group,
            name=f"Bench drill {index}",
            variants=[VariantData(sku=f"BENCH-{index}", price=Decimal("100.00"), name="")],
        )
    product = Product.objects.filter(group=group).order_by("pk").first()
    if product is None:
        raise SystemExit("no product to measure")
    return product.slug, group.slug


if __name__ == "__main__":
    main()
