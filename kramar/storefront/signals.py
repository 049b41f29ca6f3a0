"""Entry points the shop hangs on Django's auth events."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kramar.accounts.models import User
from kramar.cart.selectors import open_cart
from kramar.cart.services import cart_merge
from kramar.storefront.cart_session import SESSION_KEY
from kramar.tracking.collector import forget, identify, track
from kramar.tracking.enums import EventKind


def record_sign_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """A customer's sign-in is an event of their visitor, and says who the visitor is (M6)."""
    if request is None or user.is_staff:
        return
    track(request, EventKind.SIGN_IN)
    identify(request, user_id=user.pk)


def forget_visitor(
    sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    """After a customer signs out, this browser's next visitor is someone new (shared devices)."""
    if request is not None and not (user is not None and user.is_staff):
        forget(request)


def merge_visitor_cart(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """At sign-in, move what the visitor put in the cart into the customer's cart (issue 3)."""
    if request is None or not hasattr(request, "session"):
        return
    token = request.session.pop(SESSION_KEY, None)
    visitor_cart = open_cart(user=None, token=token)
    if visitor_cart is not None:
        cart_merge(source=visitor_cart, user=user)
