"""Writes of the visitors' viewed lists (docs/personal.md, "Recently viewed")."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from kramar.accounts.models import User
from kramar.personal.models import ViewBasket

RECENT_LIMIT = 20  # products kept in a visitor's recently viewed list


def _recent(first: Iterable[int], then: Iterable[int] = ()) -> list[int]:
    seen: list[int] = []
    for product_id in [*first, *then]:
        if product_id not in seen:
            seen.append(int(product_id))
    return seen[:RECENT_LIMIT]


@transaction.atomic
def view_basket_save(*, user: User | None, key: str | None, product_ids: list[int]) -> str | None:
    """Store a visitor's viewed list: the customer's own row, else the session's (by ``key``,
    made when missing). Return the anonymous row's key (None for a signed-in customer)."""
    ids = _recent(product_ids)
    if user is not None:
        ViewBasket.objects.update_or_create(user=user, defaults={"product_ids": ids})
        return None
    try:
        found = uuid.UUID(str(key)) if key else None
    except ValueError:
        found = None
    if found is None or not ViewBasket.objects.filter(key=found, user__isnull=True).update(
        product_ids=ids, updated_at=timezone.now()
    ):
        found = ViewBasket.objects.create(product_ids=ids).key
    return str(found)


@transaction.atomic
def view_basket_merge(*, user: User, key: str | None, product_ids: list[int]) -> list[int]:
    """At sign-in, put the visitor's views first in the customer's stored list; the anonymous
    row goes (its views now count once, in the customer's list). Return the merged list."""
    stored = ViewBasket.objects.select_for_update().filter(user=user).first()
    merged = _recent(product_ids, stored.product_ids if stored else [])
    if key:
        with contextlib.suppress(ValueError):
            ViewBasket.objects.filter(key=uuid.UUID(str(key)), user__isnull=True).delete()
    if stored is None:
        ViewBasket.objects.create(user=user, product_ids=merged)
    elif stored.product_ids != merged:
        stored.product_ids = merged
        stored.save(update_fields=["product_ids", "updated_at"])
    return merged


def view_baskets_forget(*, older_than: timedelta) -> int:
    """Delete anonymous viewed lists not touched for ``older_than`` (customers' stay)."""
    cutoff = timezone.now() - older_than
    deleted, _detail = ViewBasket.objects.filter(user__isnull=True, updated_at__lt=cutoff).delete()
    return deleted
