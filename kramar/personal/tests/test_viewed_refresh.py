""" "Viewed together" refreshed by the worker between nightly rebuilds (issue 6 item 5, M7): the
products of the viewed lists changed since the last run get exactly the neighbours a full
rebuild would give them (docs/personal.md, "Refresh")."""

import math
import os
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.module_loading import import_string

from kramar.personal.enums import SimilarityKind
from kramar.personal.models import ProductSimilarity, SimilarityCursor, ViewBasket
from kramar.personal.services import (
    similarity_rebuild,
    similarity_refresh_viewed,
    view_basket_save,
)

pytestmark = pytest.mark.django_db

VIEWED = SimilarityKind.VIEWED
JOB = "personal-viewed-refresh"
ROOT = Path(__file__).resolve().parents[3]


def viewed_together(*products):
    """Each product's neighbours as (name, score to 3 places, support), best first."""
    rows = ProductSimilarity.objects.filter(product__in=products, kind=VIEWED).order_by(
        "product_id", "-score", "-support", "other_id"
    )
    table = {product.name: [] for product in products}
    for row in rows.select_related("product", "other"):
        table[row.product.name].append((row.other.name, round(row.score, 3), row.support))
    return table


def stored_rows(*products):
    """The rows themselves (ids included): a rewritten row gets a new id."""
    return set(
        ProductSimilarity.objects.filter(product__in=products, kind=VIEWED).values_list(
            "pk", "product_id", "other_id", "score", "support"
        )
    )


def lists(*baskets, age=timedelta(hours=1)):
    """Viewed lists, stamped ``age`` ago (before the last rebuild)."""
    made = [ViewBasket.objects.create(product_ids=[p.pk for p in basket]) for basket in baskets]
    ViewBasket.objects.filter(pk__in=[b.pk for b in made]).update(updated_at=timezone.now() - age)
    return made


@pytest.fixture
def rebuilt(goods, settings):
    """The default minimum support (2) and a top 2, six old lists and last night's rebuild.

    n(a)=2 n(b)=2 n(c)=3 n(d)=2 n(e)=3 n(f)=2; a-b twice: 2/sqrt(2*2) = 1.0; c-d and e-f twice:
    2/sqrt(3*2) = 0.816; a-c, b-c, c-e, d-e once only, below the support.
    """
    settings.PERSONAL_MIN_SUPPORT, settings.PERSONAL_TOP_K = 2, 2
    a, b, c, d, e, f = goods.values()
    made = lists([a, b, c], [a, b], [c, d], [c, d, e], [e, f], [e, f])
    assert similarity_rebuild(kind=VIEWED) == 6
    assert viewed_together(a, c, d) == {
        "product-a": [("product-b", 1.0, 2)],
        "product-c": [("product-d", 0.816, 2)],
        "product-d": [("product-c", 0.816, 2)],
    }
    return made


def later():
    """A worker's clock past the settling minute of the lists just written."""
    return timezone.now() + timedelta(minutes=2)


def test_m7_the_refresh_gives_the_touched_products_what_a_full_rebuild_gives(goods, rebuilt):
    a, b, c, d, e, f = goods.values()
    untouched = stored_rows(d, e, f)
    # Since the rebuild, one visitor viewed c after a and b, and a new visitor viewed b and c.
    second = rebuilt[1]
    view_basket_save(user=None, key=str(second.key), product_ids=[c.pk, a.pk, b.pk])
    view_basket_save(user=None, key=None, product_ids=[b.pk, c.pk])

    assert similarity_refresh_viewed(now=later()) == 6  # a, b and c: two neighbours each

    # n(a)=2 n(b)=3 n(c)=5 n(d)=2; c(a,b)=2 c(a,c)=2 c(b,c)=3 c(c,d)=2
    incremental = viewed_together(a, b, c)
    assert incremental == {
        "product-a": [("product-b", round(2 / math.sqrt(6), 3), 2), ("product-c", 0.632, 2)],
        "product-b": [("product-a", 0.816, 2), ("product-c", round(3 / math.sqrt(15), 3), 3)],
        # a and d tie at 2/sqrt(10) with support 2: the lower id (a) takes the second place
        "product-c": [("product-b", 0.775, 3), ("product-a", round(2 / math.sqrt(10), 3), 2)],
    }
    # Products in no changed list keep their very rows, even d, whose score the new lists
    # moved through n(c) (2/sqrt(10) now): that waits for the nightly rebuild.
    assert stored_rows(d, e, f) == untouched
    assert viewed_together(d)["product-d"] == [("product-c", 0.816, 2)]

    similarity_rebuild(kind=VIEWED)
    assert viewed_together(a, b, c) == incremental
    assert viewed_together(d)["product-d"] == [("product-c", 0.632, 2)]


def test_m7_a_refresh_rewrites_only_the_neighbours_that_changed(goods, rebuilt):
    a, e, f = goods["a"], goods["e"], goods["f"]
    kept = stored_rows(e, f)
    # A visitor who had viewed e and f views a: n(a) becomes 3, so a-b is 2/sqrt(3*2) now;
    # n(e), n(f) and c(e, f) stay, and a met them once only (below the support).
    fifth = rebuilt[4]
    view_basket_save(user=None, key=str(fifth.key), product_ids=[a.pk, e.pk, f.pk])
    assert similarity_refresh_viewed(now=later()) == 1
    assert viewed_together(a)["product-a"] == [("product-b", 0.816, 2)]
    assert stored_rows(e, f) == kept


def test_m7_a_second_run_with_nothing_new_writes_nothing(goods, rebuilt):
    b, c = goods["b"], goods["c"]
    view_basket_save(user=None, key=None, product_ids=[b.pk, c.pk])
    now = later()
    assert similarity_refresh_viewed(now=now) > 0
    before, cursor = stored_rows(*goods.values()), SimilarityCursor.objects.get(kind=VIEWED)

    with CaptureQueriesContext(connection) as run:
        assert similarity_refresh_viewed(now=now + timedelta(minutes=15)) == 0

    statements = [q["sql"].split()[0].upper() for q in run.captured_queries]
    assert statements.count("SELECT") == 2  # the cursor (locked), the lists changed since
    assert not {"INSERT", "UPDATE", "DELETE"} & set(statements)
    assert stored_rows(*goods.values()) == before
    assert SimilarityCursor.objects.get(kind=VIEWED).up_to == cursor.up_to


def test_m7_each_change_is_read_by_exactly_one_run(goods, rebuilt):
    a, b, c, d, *_rest = goods.values()
    now = timezone.now()
    view_basket_save(user=None, key=None, product_ids=[c.pk, d.pk])
    # Within its settling minute a list waits for the next run: it may not have committed yet
    # in another transaction stamped at the same moment, and no run may step over it.
    assert similarity_refresh_viewed(now=now) == 0
    assert similarity_refresh_viewed(now=now + timedelta(minutes=2)) == 2  # c-d and d-c
    cursor = SimilarityCursor.objects.get(kind=VIEWED).up_to
    assert cursor == now + timedelta(minutes=1)
    # The cursor is a row: a restarted worker goes on from it, and the lists read already are
    # not read again (only a and b's list, viewed ten minutes on, is new).
    key = view_basket_save(user=None, key=None, product_ids=[a.pk, b.pk])
    ViewBasket.objects.filter(key=key).update(updated_at=now + timedelta(minutes=10))
    touched = stored_rows(c, d)
    assert similarity_refresh_viewed(now=now + timedelta(minutes=20)) == 2  # a-b and b-a
    assert stored_rows(c, d) == touched


def test_m7_the_first_run_rebuilds_as_nothing_says_what_the_table_holds(goods, settings):
    settings.PERSONAL_MIN_SUPPORT = 2
    a, b, *_rest = goods.values()
    lists([a, b], [b, a], age=timedelta(days=3))
    assert not SimilarityCursor.objects.exists()
    assert similarity_refresh_viewed(now=later()) == 2  # a-b and b-a, from lists days old
    assert SimilarityCursor.objects.get(kind=VIEWED).up_to is not None


def test_m7_the_nightly_rebuild_moves_the_cursor_so_runs_go_on_from_it(goods, rebuilt):
    cursor = SimilarityCursor.objects.get(kind=VIEWED).up_to
    assert timezone.now() - timedelta(minutes=2) < cursor <= timezone.now()
    assert similarity_refresh_viewed(now=later()) == 0  # the old lists are in the table


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks are PostgreSQL's; SQLite's writing transactions queue the runs instead",
)
@pytest.mark.django_db(transaction=True)
def test_m7_a_run_that_finds_another_at_work_leaves_it_the_lists(goods, settings):
    settings.PERSONAL_MIN_SUPPORT = 1
    a, b, *_rest = goods.values()
    similarity_rebuild(kind=VIEWED)
    view_basket_save(user=None, key=None, product_ids=[a.pk, b.pk])
    holding, release = threading.Event(), threading.Event()

    def another_run():
        try:
            with transaction.atomic():
                SimilarityCursor.objects.select_for_update().get(kind=VIEWED)
                holding.set()
                release.wait(timeout=10)
        finally:
            connections.close_all()

    other = threading.Thread(target=another_run)
    other.start()
    try:
        assert holding.wait(timeout=10)
        assert similarity_refresh_viewed(now=later()) == 0  # at once, without waiting
        assert not ProductSimilarity.objects.exists()
    finally:
        release.set()
        other.join()
    assert similarity_refresh_viewed(now=later()) == 2


def test_m7_the_worker_refreshes_viewed_together_every_quarter_hour(goods, settings):
    path, every = settings.KRAMAR_PERIODIC_JOBS[JOB]
    assert every == timedelta(minutes=15)
    a, b, *_rest = goods.values()
    lists([a, b])
    assert import_string(path).call() == 2  # the first run: a rebuild, a-b and b-a


def refresh_job_with(**env_vars):
    """The interval of the refresh job that config.settings declares with these variables, in
    seconds, or "off" (a fresh process: settings are read once, at start)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}}
    env.update(env_vars, DEBUG="true", DJANGO_SETTINGS_MODULE="config.settings")
    code = (
        "from django.conf import settings; "
        f"job = settings.KRAMAR_PERIODIC_JOBS.get({JOB!r}); "
        "print(int(job[1].total_seconds()) if job else 'off')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_m7_the_refresh_interval_is_a_setting_and_zero_leaves_the_nightly_rebuild_alone():
    assert refresh_job_with(PERSONAL_VIEWED_REFRESH_MINUTES="5") == "300"
    assert refresh_job_with(PERSONAL_VIEWED_REFRESH_MINUTES="0") == "off"
