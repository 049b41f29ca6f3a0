"""Gapless numbering under concurrency (issue 7): real parallel connections.

30 threads issue 30 drafts at the same moment (and a few of them roll back after taking their
number): the numbers given are exactly 1..N with no gap and no repeat. On PostgreSQL the
counter row's lock queues them; on SQLite the writing transaction locks the database.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
from django.db import connections, transaction

from kramar.billing.models import Invoice
from kramar.billing.services import LineIn, invoice_create, invoice_issue
from kramar.clients.tests.factories import ClientFactory

ISSUERS = 30
ROLLED_BACK = {3, 11, 17}


class Rollback(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_thirty_parallel_issues_get_gapless_unique_numbers():
    client = ClientFactory()
    drafts = [
        invoice_create(actor=None, client=client, lines=[LineIn("Послуга", Decimal(1), Decimal(n))])
        for n in range(1, ISSUERS + 1)
    ]
    start = threading.Barrier(ISSUERS)

    def issue(index_and_draft):
        index, draft = index_and_draft
        try:
            start.wait()
            with transaction.atomic():
                issued = invoice_issue(actor=None, invoice=draft, today=date(2026, 5, 4))
                if index in ROLLED_BACK:
                    raise Rollback  # the number it took goes back with the transaction
                return issued.number
        except Rollback:
            return None
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=ISSUERS) as pool:
        numbers = [n for n in pool.map(issue, enumerate(drafts)) if n is not None]

    issued = ISSUERS - len(ROLLED_BACK)
    assert len(numbers) == len(set(numbers)) == issued
    sequences = sorted(
        Invoice.objects.filter(number__isnull=False).values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, issued + 1))
    assert sorted(numbers) == [f"РФ-2026-{n:05d}" for n in range(1, issued + 1)]
