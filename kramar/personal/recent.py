"""A visitor's recently viewed products, kept in the session (entry-point helpers).

The session holds the ids, newest first, so showing them costs no query; every view is also
written to the visitor's ``ViewBasket`` (the customer's, or the anonymous session's), which
feeds "viewed together" and survives the session. At sign-in the visitor's list goes in front
of the customer's stored one. The tracking app's product-view events could replace the writes
later (docs/personal.md); nothing here depends on it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kramar.accounts.models import User
from kramar.personal.services import RECENT_LIMIT, view_basket_merge, view_basket_save

SESSION_KEY = "recently_viewed"
BASKET_KEY = "view_basket"


def _customer(request: HttpRequest) -> User | None:
    user = request.user
    return user if user.is_authenticated else None


def recently_viewed(request: HttpRequest) -> list[int]:
    """Return the ids of the products the visitor viewed, newest first (no query)."""
    ids = request.session.get(SESSION_KEY, [])
    return [int(pk) for pk in ids if isinstance(pk, int)][:RECENT_LIMIT]


def product_viewed(request: HttpRequest, product_id: int) -> None:
    """Put a product first in the visitor's list (nothing to write if it is first already)."""
    ids = recently_viewed(request)
    if ids[:1] == [product_id]:
        return
    ids = [product_id, *(pk for pk in ids if pk != product_id)][:RECENT_LIMIT]
    request.session[SESSION_KEY] = ids
    key = view_basket_save(
        user=_customer(request), key=request.session.get(BASKET_KEY), product_ids=ids
    )
    if key is not None and key != request.session.get(BASKET_KEY):
        request.session[BASKET_KEY] = key


def merge_at_sign_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """At sign-in, merge the visitor's list into the customer's (Django's user_logged_in)."""
    if request is None or not hasattr(request, "session"):
        return
    merged = view_basket_merge(
        user=user,
        key=request.session.pop(BASKET_KEY, None),
        product_ids=recently_viewed(request),
    )
    request.session[SESSION_KEY] = merged
