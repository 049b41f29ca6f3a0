"""Benchmark the client list, search and card at M4's scale: 3000 clients for each manager.

The office pages are measured whole (view, selectors, templates) through Django's test client,
so their query counts are the ones a browser causes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kramar_bench \
        .venv/bin/python bench/client_list.py
    .venv/bin/python bench/client_list.py --managers 2 --clients 3000      # SQLite file under var/

It creates (or reuses) a database of its own, fills it with one sales department whose managers
each own ``--clients`` clients with contacts and histories (the demo generator), then prints the
median time and the number of queries of what a manager's pages do. It never runs in the tests.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--managers", type=int, default=3)
    parser.add_argument("--clients", type=int, default=3000, help="clients per manager (M4: 3000)")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    import django

    from bench.support import ensure_database

    ensure_database()
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    managers = prepare(args.managers, args.clients)
    report(managers, args.runs)


def prepare(count: int, per_manager: int):
    from types import SimpleNamespace

    from kramar.accounts.enums import DepartmentKind, Role
    from kramar.accounts.models import Department, User
    from kramar.accounts.services import department_create, staff_create
    from kramar.clients.demo import Book
    from kramar.clients.models import Client, Industry, Region, Tag

    department = Department.objects.filter(code="bench-sales").first() or department_create(
        code="bench-sales", name="Bench sales", kind=DepartmentKind.SALES
    )
    context = SimpleNamespace(rng_for=lambda key: random.Random(key))
    managers = []
    for number in range(count):
        email = f"bench.manager{number}@kramar.test"
        manager = User.objects.filter(email=email).first() or staff_create(
            email=email,
            full_name=f"Bench Manager {number}",
            roles=[Role.SALES_MANAGER],
            department=department,
            password=None,
        )
        have = Client.objects.filter(manager=manager).count()
        if have < per_manager:
            started = time.perf_counter()
            Book(
                context,
                manager,
                list(Region.objects.all()),
                list(Industry.objects.all()),
                list(Tag.objects.all()) or [Tag.objects.create(name="bench", key="bench")],
            ).write(per_manager - have)
            print(
                f"generated {per_manager - have} clients for {email} "
                f"in {time.perf_counter() - started:.1f}s"
            )
        managers.append(manager)
    return managers


def measure(label: str, action, runs: int) -> None:
    from django.db import connection, reset_queries

    timings = []
    queries = 0
    for _ in range(runs):
        reset_queries()
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
        queries = len(connection.queries)
    print(
        f"{label:<44} median {statistics.median(timings):7.1f} ms   "
        f"p90 {sorted(timings)[int(len(timings) * 0.9) - 1]:7.1f} ms   {queries:3d} queries"
    )


def report(managers, runs: int) -> None:
    from django.conf import settings
    from django.db import connection

    from kramar.clients.selectors import client_get, client_list, client_timeline

    settings.DEBUG = True  # record queries
    manager = managers[0]
    total = client_list(viewer=manager).count()
    print(f"\n{connection.vendor}: {total} clients visible to {manager.email}\n")

    def first_page(**filters):
        rows = list(client_list(viewer=manager, **filters)[:50])
        for c in rows:  # what the list page reads of each row
            _ = (
                c.manager,
                c.region,
                c.company,
                list(c.tags.all()),
                list(c.emails.all()),
                list(c.phones.all()),
            )
        return rows

    some = client_list(viewer=manager)[total // 2]
    measure("client list, first page of 50", lambda: first_page(), runs)
    measure("client list, count for the pager", lambda: client_list(viewer=manager).count(), runs)
    measure("search by name part", lambda: first_page(search="шевч"), runs)
    measure("search by phone digits", lambda: first_page(search="067 1"), runs)
    measure("no contact for 90 days (M17)", lambda: first_page(silent_days=90), runs)
    # The office pages as a browser gets them: view, selectors and templates together.
    from django.test import Client as HttpClient

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    browser = HttpClient()
    browser.force_login(manager)

    def page(url: str) -> None:
        response = browser.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")

    busiest = (
        client_list(viewer=manager, ordering="-last_contact").filter(kind="company").first() or some
    )
    measure("office: client list page", lambda: page("/office/clients/"), runs)
    measure("office: list page 30, by last contact", lambda: page(
        "/office/clients/?ordering=-last_contact&page=30"
    ), runs)  # fmt: skip
    measure("office: client card (a company)", lambda: page(
        f"/office/clients/{busiest.pk}/"
    ), runs)  # fmt: skip
    measure(
        "client card + 30 timeline entries",
        lambda: list(
            client_timeline(viewer=manager, client=client_get(viewer=manager, pk=some.pk))[:30]
        ),
        runs,
    )


if __name__ == "__main__":
    main()
