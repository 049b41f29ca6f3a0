"""Reads of orders. A customer sees their own orders; a guest sees one order by its secret link."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.core.errors import NotFoundError
from kramar.orders.models import Order


def _with_details(orders: QuerySet[Order]) -> QuerySet[Order]:
    return orders.select_related("delivery_method", "delivery_region").prefetch_related(
        "lines", "events"
    )


def orders_of_customer(*, user: User) -> QuerySet[Order]:
    """Return the customer's own orders, newest first (none for visitors)."""
    if not user.is_authenticated:
        return Order.objects.none()
    return (
        Order.objects.filter(user=user)
        .select_related("delivery_method")
        .order_by("-placed_at", "-id")
    )


def order_by_token(*, token: str | UUID) -> Order:
    """Return the order behind a customer's secret link (the e-mails carry it)."""
    try:
        key = UUID(str(token))
    except ValueError:
        raise NotFoundError("orders.not_found", _("No such order.")) from None
    order = _with_details(Order.objects.filter(token=key)).first()
    if order is None:
        raise NotFoundError("orders.not_found", _("No such order."))
    return order


def order_of_customer(*, user: User, number: str) -> Order:
    order = _with_details(orders_of_customer(user=user).filter(number=number)).first()
    if order is None:
        raise NotFoundError("orders.not_found", _("No such order."))
    return order


def order_by_checkout_key(*, key: str) -> Order | None:
    """Return the order a checkout form's one-time key already made, if any."""
    if not 16 <= len(key) <= 64:
        return None
    return Order.objects.filter(checkout_key=key).first()
