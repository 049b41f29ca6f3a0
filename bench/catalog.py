"""Benchmark the shop's catalogue at 100,000 products: a group page, a search, a product page.

It fills a database of its own with the demo catalogue of the ``large`` scale (100,000
products in 31 groups, ~190,000 variants, ~380,000 stock rows; the catalogue's demo seeding
alone, not every app's demo), measures each page once in-process (time and queries, with
and without the facet cache), then serves the site with gunicorn on loopback, production
settings, and drives each page with wrk, printing requests per second and latency
percentiles. It stops gunicorn when it ends. It never runs in the tests.

Needs ``wrk``, an HTTP load generator from Debian: ``apt-get install -y wrk``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kramar_shop_bench \\
        .venv/bin/python bench/catalog.py
    .venv/bin/python bench/catalog.py --scale small --duration 5   # a quick look, SQLite

Loading 100,000 products takes ~2 minutes on PostgreSQL (and ~80 s more for the search
column of migration catalog 0002); a second run reuses them.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-catalog.sqlite3'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["small", "medium", "large"], default="large")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2 cores here)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--duration", type=int, default=20, help="seconds of wrk per page")
    parser.add_argument("--port", type=int, default=0, help="0: any free port on 127.0.0.1")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")

    import django

    from bench.support import ensure_database

    ensure_database()
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    prepare(args.scale)
    pages = pages_to_measure()
    measure_in_process(pages)
    serve_and_load(pages, args)


def prepare(scale: str) -> None:
    from django.db import connection

    from kramar.catalog import demo
    from kramar.catalog.models import Product

    wanted = demo.PRODUCTS[scale]
    have = Product.objects.count()
    if have < wanted:
        started = time.perf_counter()
        done = [0]

        def progress(units: int) -> None:
            done[0] += units
            if done[0] % 20_000 < demo.BATCH:
                print(f"  {done[0]:>7} products", flush=True)

        context = SimpleNamespace(
            scale=scale,
            progress=progress,
            rng_for=lambda key: random.Random(f"2026:{key}"),
        )
        print(f"loading the {scale} catalogue ({wanted - have} products to write)")
        demo.seed(context)
        print(f"loaded in {time.perf_counter() - started:.0f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"\n{connection.vendor}: {Product.objects.count()} products\n")


def pages_to_measure() -> dict[str, str]:
    from kramar.catalog.browse import shop_products, shop_tree
    from kramar.catalog.models import Product

    tree = shop_tree()
    top = max(tree.top, key=lambda g: shop_products(tree, g).count())
    product = Product.objects.filter(variants__isnull=False).order_by("pk")[
        Product.objects.count() // 2
    ]
    return {
        f"group page /c/{top.slug}/ ({shop_products(tree, top).count()} goods)": f"/c/{top.slug}/",
        "search page ?q=стільці": "/search/?q=" + quote("стільці"),
        "search with a typo ?q=стлець": "/search/?q=" + quote("стлець"),
        "product page": f"/p/{product.slug}/",
        "API products ?q=стільці": "/api/catalog/products?q=" + quote("стільці"),
    }


def measure_in_process(pages: dict[str, str]) -> None:
    """Time each page once through Django's test client, without and with the facet cache."""
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    browser = Client()
    print(f"{'in-process, one request':<48} {'no cache':>16} {'facets cached':>16}")
    for label, url in pages.items():
        row = []
        for seconds in (0, 60):
            settings.KRAMAR_FACETS_CACHE_SECONDS = seconds
            cache.clear()
            if seconds:
                browser.get(url)  # fill the cache
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = browser.get(url)
                elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            row.append(f"{elapsed:6.0f} ms {len(queries):2d} q")
        print(f"{label:<48} {row[0]:>16} {row[1]:>16}")
    print()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _production_env(port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS=f"127.0.0.1,localhost,127.0.0.1:{port}",
        SECURE_SSL_REDIRECT="false",  # plain HTTP on loopback
        SECURE_HSTS_SECONDS="0",
        LOG_LEVEL="WARNING",
    )
    return env


def serve_and_load(pages: dict[str, str], args: argparse.Namespace) -> None:
    port = args.port or _free_port()
    env = _production_env(port)
    python = str(Path(sys.executable))
    subprocess.run(  # noqa: S603 - our own manage.py; production static files need the manifest
        [python, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    gunicorn = [
        str(Path(sys.executable).with_name("gunicorn")),
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--access-logfile",
        "/dev/null",
    ]
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(port)
        load = " ".join(f"{n:.1f}" for n in os.getloadavg())
        print(
            f"gunicorn, {args.workers} workers, production settings; wrk -t{args.threads} "
            f"-c{args.connections} -d{args.duration}s per page; {os.cpu_count()} cores, "
            f"load average before: {load}\n"
        )
        print(f"{'page':<48} {'req/s':>8} {'p50':>9} {'p75':>9} {'p90':>9} {'p99':>9}")
        for label, url in pages.items():
            _warm(base + url)
            figures = _wrk(base + url, args)
            print(
                f"{label:<48} {figures['rps']:>8.1f} "
                + " ".join(f"{figures[p]:>9}" for p in ("50%", "75%", "90%", "99%"))
            )
            if figures["errors"]:
                print(f"  ! {figures['errors']}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _wait_for(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def _warm(url: str) -> None:
    """Let every worker connect to the database and fill the facet cache before measuring."""
    from urllib.request import urlopen

    for _ in range(4):
        with urlopen(url, timeout=30) as response:  # noqa: S310 - loopback, our own server
            response.read()


def _wrk(url: str, args: argparse.Namespace) -> dict[str, object]:
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--timeout",
        "10s",
        "--latency",
        url,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    figures: dict[str, object] = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        "errors": " ".join(
            line.strip()
            for line in output.splitlines()
            if "Non-2xx" in line or "Socket errors" in line
        ),
    }
    for percentile, value in re.findall(r"^\s+(\d+%)\s+([\d.]+\w+)", output, re.MULTILINE):
        figures[percentile] = value
    return figures


if __name__ == "__main__":
    main()
