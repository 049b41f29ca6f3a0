"""Benchmark what the audit trail costs: the same writes and reads with the capture on and off.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kramar_bench_audit \\
        .venv/bin/python bench/audit.py
    .venv/bin/python bench/audit.py --rows 2000          # SQLite file under var/

It creates (or reuses) a database of its own and measures, for ``--rows`` clients of one manager:
single updates through ``client_update`` (one audit INSERT each), one bulk ``update()`` of all
of them (two reads and one INSERT), and loading them all (the snapshot every audited instance
keeps). "Off" disconnects the capture's signals for the run; the audited queryset stays, so the
bulk figure "off" is measured with the plain queryset. It never runs in the tests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-audit.sqlite3'}")


def timed(work: Callable[[], object], runs: int) -> float:
    spent = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        spent.append(time.perf_counter() - started)
    return statistics.median(spent) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import django

    from bench.support import ensure_database

    ensure_database()
    django.setup()
    from django.core.management import call_command
    from django.db import models, transaction
    from django.db.models.signals import post_init, post_save

    from kramar.accounts.enums import Role
    from kramar.accounts.models import User
    from kramar.accounts.services import staff_create
    from kramar.audit import capture
    from kramar.clients.enums import ClientKind
    from kramar.clients.models import Client
    from kramar.clients.services import client_create, client_update

    call_command("migrate", verbosity=0)
    manager = User.objects.filter(email="bench-audit@kramar.test").first() or staff_create(
        email="bench-audit@kramar.test", full_name="Bench", roles=[Role.ADMINISTRATOR]
    )  # fmt: skip
    have = Client.objects.filter(manager=manager).count()
    for n in range(have, args.rows):
        client_create(actor=None, kind=ClientKind.PERSON, first_name="Клієнт", last_name=str(n),
                      manager=manager)  # fmt: skip
    ids = list(Client.objects.filter(manager=manager).values_list("pk", flat=True)[: args.rows])

    def singles() -> None:
        with transaction.atomic():
            for client in Client.objects.filter(pk__in=ids):
                client_update(actor=None, client=client, notes=f"{time.perf_counter()}")

    def bulk() -> None:
        with transaction.atomic():
            Client.objects.filter(pk__in=ids).update(notes=f"{time.perf_counter()}")

    def plain_bulk() -> None:
        with transaction.atomic():
            models.QuerySet(Client).filter(pk__in=ids).update(notes=f"{time.perf_counter()}")

    def load() -> None:
        list(Client.objects.filter(pk__in=ids))

    print(f"{len(ids)} clients, median of {args.runs} runs, {os.environ['DATABASE_URL'][:30]}…")
    on = (timed(singles, args.runs), timed(bulk, args.runs), timed(load, args.runs))
    post_init.disconnect(
        capture._on_init, sender=Client, dispatch_uid="kramar.audit:clients.client:init"
    )
    post_save.disconnect(
        capture._on_save, sender=Client, dispatch_uid="kramar.audit:clients.client:save"
    )
    off = (timed(singles, args.runs), timed(plain_bulk, args.runs), timed(load, args.runs))
    for label, with_trail, without in zip(
        ("single updates", "one bulk update", "load all"), on, off, strict=True
    ):
        extra = (with_trail / without - 1) * 100 if without else 0.0
        print(f"{label:16} trail on {with_trail:9.1f} ms   off {without:9.1f} ms   +{extra:5.1f}%")


if __name__ == "__main__":
    main()
