"""The similarity tables in the database: full rebuild, top-K, refresh after each order."""

import pytest

from kramar.catalog.tests.factories import first_variant
from kramar.orders.services import order_place
from kramar.orders.tests.support import cart_with, details, new_key
from kramar.personal.enums import SimilarityKind
from kramar.personal.models import ProductSimilarity, ViewBasket
from kramar.personal.services import similarity_rebuild, view_basket_merge
from kramar.personal.tasks import order_changed, similarity_refresh_order

pytestmark = pytest.mark.django_db


def buy(*products, email="buyer@example.test"):
    cart = cart_with(*((first_variant(p), 1) for p in products))
    return order_place(
        cart=cart, checkout_key=new_key(), details=details(email=email), notify=False
    )


def together(product, kind=SimilarityKind.BOUGHT):
    rows = ProductSimilarity.objects.filter(product=product, kind=kind).order_by("-score", "other")
    return [(row.other.name, round(row.score, 3), row.support) for row in rows]


def test_a_rebuild_writes_the_cosine_of_what_was_bought_together(goods):
    a, b, c = goods["a"], goods["b"], goods["c"]
    buy(a, b, email="one@example.test")
    buy(a, b, email="two@example.test")
    buy(a, c, email="three@example.test")
    assert similarity_rebuild(kind=SimilarityKind.BOUGHT) == 4  # a-b, b-a, a-c, c-a
    # n(a)=3, n(b)=2, n(c)=1: a-b 2/sqrt(6)=0.816, a-c 1/sqrt(3)=0.577
    assert together(a) == [("product-b", 0.816, 2), ("product-c", 0.577, 1)]
    assert together(c) == [("product-a", 0.577, 1)]


def test_the_table_keeps_the_top_k_per_product(goods, settings):
    settings.PERSONAL_TOP_K = 2
    buy(*goods.values())
    similarity_rebuild(kind=SimilarityKind.BOUGHT)
    assert all(ProductSimilarity.objects.filter(product=p).count() == 2 for p in goods.values())


def test_a_placed_order_refreshes_its_products_in_the_worker(
    goods, django_capture_on_commit_callbacks
):
    a, b, d = goods["a"], goods["b"], goods["d"]
    buy(a, b, email="one@example.test")
    similarity_rebuild(kind=SimilarityKind.BOUGHT)
    assert [name for name, *_ in together(a)] == ["product-b"]
    with django_capture_on_commit_callbacks(execute=True):
        order = buy(a, d, email="two@example.test")
    # orders told the listener, which queued the refresh (the worker runs it: here, by hand)
    assert similarity_refresh_order.call(order.pk) >= 2
    assert {name for name, *_ in together(a)} == {"product-b", "product-d"}
    assert [name for name, *_ in together(d)] == ["product-a"]
    assert together(b) == [("product-a", 1.0, 1)]  # untouched by an order without it


def test_the_listener_only_queues_work_for_placed_and_cancelled_orders(goods):
    from django_tasks_db.models import DBTaskResult

    order_changed(41, "placed")
    order_changed(42, "paid")
    order_changed(43, "cancelled")
    queued = DBTaskResult.objects.filter(task_path="kramar.personal.tasks.similarity_refresh_order")
    assert sorted(row.args_kwargs["args"][0] for row in queued) == [41, 43]


def test_viewed_lists_give_viewed_together(goods, customer):
    a, b, c = goods["a"], goods["b"], goods["c"]
    ViewBasket.objects.create(product_ids=[a.pk, b.pk])
    ViewBasket.objects.create(product_ids=[b.pk, a.pk, c.pk])
    similarity_rebuild(kind=SimilarityKind.VIEWED)
    assert [name for name, *_ in together(a, SimilarityKind.VIEWED)] == ["product-b", "product-c"]


def test_sign_in_puts_the_visitors_views_first_in_the_customers_list(goods, customer):
    a, b, c = goods["a"], goods["b"], goods["c"]
    ViewBasket.objects.create(user=customer, product_ids=[c.pk, a.pk])
    visitor = ViewBasket.objects.create(product_ids=[a.pk, b.pk])
    merged = view_basket_merge(user=customer, key=str(visitor.key), product_ids=[a.pk, b.pk])
    assert merged == [a.pk, b.pk, c.pk]
    assert not ViewBasket.objects.filter(pk=visitor.pk).exists()
    assert ViewBasket.objects.get(user=customer).product_ids == merged


def test_the_nightly_job_rebuilds_both_tables_and_forgets_stale_anonymous_views(goods, settings):
    from datetime import timedelta

    from django.utils import timezone
    from django.utils.module_loading import import_string

    a, b = goods["a"], goods["b"]
    buy(a, b)
    stale = ViewBasket.objects.create(product_ids=[a.pk, b.pk])
    ViewBasket.objects.filter(pk=stale.pk).update(updated_at=timezone.now() - timedelta(days=91))
    ViewBasket.objects.create(product_ids=[b.pk, a.pk])
    job = import_string(settings.KRAMAR_DAILY_JOBS["personal-rebuild"][0])
    assert job.call() == {"bought": 2, "viewed": 2, "forgotten": 1}
