"""Reads of orders. A customer sees their own orders; a guest sees one order by its secret link."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.accounts.selectors import is_active_staff
from kramar.clients.selectors import clients_visible_to
from kramar.core.errors import NotFoundError
from kramar.orders.enums import OrderStatus, PaymentStatus
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


def order_of_customer_by_token(*, user: User, token: str | UUID) -> Order:
    """Return one of the customer's own orders by its link; anyone else's is "not found"."""
    order = order_by_token(token=token)
    if not user.is_authenticated or order.user_id != user.pk:
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


# --- Staff ---------------------------------------------------------------------------------------


def orders_visible_to(*, viewer: User) -> QuerySet[Order]:
    """Return the orders a staff member may see: all with ``orders.view_all_orders``, else the
    orders of the clients they may see (a manager sees their clients' purchases, M11)."""
    if not is_active_staff(viewer) or not viewer.has_perm("orders.view_order"):
        return Order.objects.none()
    if viewer.is_superuser or viewer.has_perm("orders.view_all_orders"):
        return Order.objects.all()
    return Order.objects.filter(client__in=clients_visible_to(viewer=viewer).values("pk"))


def order_list(
    *, viewer: User, status: str = "", payment_status: str = "", search: str = ""
) -> QuerySet[Order]:
    orders = orders_visible_to(viewer=viewer)
    if status in OrderStatus.values:
        orders = orders.filter(status=status)
    if payment_status in PaymentStatus.values:
        orders = orders.filter(payment_status=payment_status)
    text = search.strip()
    if text:
        digits = "".join(ch for ch in text if ch.isdigit())
        rule = Q(number__icontains=text) | Q(email__icontains=text.lower())
        if len(digits) >= 5:
            rule |= Q(phone__contains=digits)
        orders = orders.filter(rule)
    return orders.select_related("client", "delivery_method", "manager").order_by(
        "-placed_at", "-id"
    )


def order_get(*, viewer: User, pk: int) -> Order:
    order = (
        _with_details(orders_visible_to(viewer=viewer))
        .select_related("client", "manager", "department")
        .filter(pk=pk)
        .first()
    )
    if order is None:
        raise NotFoundError("orders.not_found", _("No such order."))
    return order


def delivery_addresses_of(*, user: User, limit: int = 10) -> list[dict[str, object]]:
    """Return the distinct delivery addresses of the customer's orders, the latest first.

    The checkout starts from the latest; the account lists them all (no separate address book
    to keep up to date: the addresses are the ones that were actually delivered to).
    """
    seen: set[tuple[object, ...]] = set()
    addresses: list[dict[str, object]] = []
    rows = (
        orders_of_customer(user=user)
        .values(
            "full_name", "phone", "delivery_method_id", "delivery_method__name",
            "delivery_region_id", "delivery_region__name", "city", "address", "post_branch",
        )
        .order_by("-placed_at", "-id")[:200]
    )  # fmt: skip
    for row in rows:
        key = (row["delivery_method_id"], row["delivery_region_id"], row["city"],
               row["address"], row["post_branch"])  # fmt: skip
        if key in seen:
            continue
        seen.add(key)
        addresses.append(dict(row))
        if len(addresses) >= limit:
            break
    return addresses
