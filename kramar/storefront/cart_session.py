"""Which cart a request is about: the customer's, or the one whose token the session holds."""

from __future__ import annotations

from django.http import HttpRequest

from kramar.accounts.models import User
from kramar.cart.models import Cart
from kramar.cart.selectors import open_cart
from kramar.cart.services import cart_open

SESSION_KEY = "cart"


def customer(request: HttpRequest) -> User | None:
    user = request.user
    return user if user.is_authenticated else None


def current_cart(request: HttpRequest) -> Cart | None:
    """Return the request's open cart without creating one."""
    return open_cart(user=customer(request), token=request.session.get(SESSION_KEY))


def cart_for_writing(request: HttpRequest) -> Cart:
    """Return the request's open cart, starting one (and remembering it) if needed."""
    cart = cart_open(user=customer(request), token=request.session.get(SESSION_KEY))
    if cart.user_id is None:
        request.session[SESSION_KEY] = str(cart.token)
    return cart
