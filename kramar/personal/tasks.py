"""The worker's side of the personal site: "bought together" kept fresh after every order,
"viewed together" every few minutes (settings.KRAMAR_PERIODIC_JOBS), and the nightly full
rebuild of both similarity tables (settings.KRAMAR_DAILY_JOBS)."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from kramar.personal.enums import SimilarityKind

FORGET_VIEWS_AFTER = timedelta(days=90)


def order_changed(order_id: int, event: str) -> None:
    """The orders app's listener (PersonalConfig.ready): a placed order changes what goes
    together; a cancelled one takes its basket back out."""
    from kramar.orders.hooks import CANCELLED, PLACED

    if event in (PLACED, CANCELLED):
        similarity_refresh_order.enqueue(order_id)


@task
def similarity_refresh_order(order_id: int) -> int:
    """Recompute "bought together" of the products of the order's purchase basket."""
    from kramar.personal.services import products_of_occasion, similarity_refresh_bought

    return similarity_refresh_bought(product_ids=products_of_occasion(order_id=order_id))


@task
def similarity_refresh_viewed_task() -> int:
    """Recompute "viewed together" of the products in the viewed lists changed since the last
    run (every ``PERSONAL_VIEWED_REFRESH_MINUTES``)."""
    from kramar.personal.services import similarity_refresh_viewed

    return similarity_refresh_viewed()


@task
def similarity_rebuild_all() -> dict[str, int]:
    """Rebuild both similarity tables from scratch and forget stale anonymous viewed lists."""
    from kramar.personal.services import similarity_rebuild, view_baskets_forget

    forgotten = view_baskets_forget(older_than=FORGET_VIEWS_AFTER)
    return {
        "bought": similarity_rebuild(kind=SimilarityKind.BOUGHT),
        "viewed": similarity_rebuild(kind=SimilarityKind.VIEWED),
        "forgotten": forgotten,
    }
