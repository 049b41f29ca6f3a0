"""Gapless numbers per series and year (issue 7).

A counter row per (series, year) is locked with ``select_for_update`` in the transaction that
issues the document, so the number is taken and used in one commit: a rollback gives it back,
two issues in parallel queue on the row, and no number is skipped or given twice. On SQLite the
whole database is locked by the writing transaction (``transaction_mode=IMMEDIATE``), which
serialises the same way.
"""

from __future__ import annotations

from django.db import transaction

from kramar.billing.models import NumberCounter


def number_take(*, series: str, year: int) -> tuple[int, str]:
    """Return the next (sequence, number) of the series in the year; call inside the issuing
    transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("a number is taken inside the transaction that uses it")
    # Make the year's row if it is missing; a parallel maker waits on the unique index, then
    # finds the row made.
    NumberCounter.objects.bulk_create(
        [NumberCounter(series=series, year=year, last=0)], ignore_conflicts=True
    )
    counter = NumberCounter.objects.select_for_update().get(series=series, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last, f"{series}-{year}-{counter.last:05d}"
