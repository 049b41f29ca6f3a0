"""Reads of returns: whether an order can still be returned and what of it, the customer's own
returns, and the staff's queue (rows: the returns of the orders a viewer may see)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Max, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.catalog.models import Warehouse
from kramar.core.errors import ApplicationError, NotFoundError
from kramar.orders.enums import OrderEventKind, OrderStatus, PaymentMethod
from kramar.orders.models import Order, OrderEvent, OrderLine
from kramar.orders.selectors import orders_visible_to
from kramar.payments.enums import PaymentState
from kramar.payments.models import Payment
from kramar.returns.enums import ACTIVE_STATUSES, ReturnsErrorCode, ReturnStatus
from kramar.returns.models import GoodsReturn, ReturnLine

VIEW = "returns.view_goodsreturn"
DECIDE = "returns.decide_goodsreturn"
MARK_REFUNDED = "returns.refund_goodsreturn"


@dataclass(frozen=True)
class ReturnableLine:
    """An order line with how many of its units can still be asked back."""

    line: OrderLine
    bought: int
    asked: int  # in returns that are asked for, accepted or refunded

    @property
    def left(self) -> int:
        return max(self.bought - self.asked, 0)


# --- When ----------------------------------------------------------------------------------------


def delivered_at(order: Order) -> datetime | None:
    """Return when the order was delivered (its latest "delivered" event), if it was."""
    found: datetime | None = (
        OrderEvent.objects.filter(order=order, kind=OrderEventKind.DELIVERED)
        .aggregate(at=Max("occurred_at"))
        .get("at")
    )
    return found


def return_last_day(delivered: datetime) -> date:
    """Return the last day (the shop's local date) a return may be asked for.

    The period is counted in whole days after the day of delivery, as the consumer law counts
    it: delivered on the 1st, the 15th is the last day with 14 days.
    """
    return timezone.localdate(delivered) + timedelta(days=settings.RETURN_DAYS)


def _in_time(delivered: datetime, now: datetime) -> bool:
    return timezone.localdate(now) <= return_last_day(delivered)


# --- What is left to return ---------------------------------------------------------------------


def _asked_by_line(order_ids: Iterable[int]) -> dict[int, int]:
    rows = (
        ReturnLine.objects.filter(
            goods_return__order_id__in=list(order_ids), goods_return__status__in=ACTIVE_STATUSES
        )
        .values("order_line_id")
        .annotate(units=Sum("quantity"))
    )
    return {row["order_line_id"]: row["units"] for row in rows}


def returnable_lines(*, order: Order) -> list[ReturnableLine]:
    """Return the order's lines with what is bought and what is asked back already."""
    asked = _asked_by_line([order.pk])
    return [
        ReturnableLine(line=line, bought=line.quantity, asked=asked.get(line.pk, 0))
        for line in order.lines.all()
    ]


def return_refusal(
    *, order: Order, user: User, now: datetime | None = None
) -> ApplicationError | None:
    """Return why ``user`` cannot ask to return goods of the order now, or None when they can.

    Only the order's own customer may; someone else's order is "not found" (its existence is
    not told).
    """
    if not user.is_authenticated or order.user_id != user.pk:
        return NotFoundError(ReturnsErrorCode.NOT_FOUND, _("No such order."))
    if order.status == OrderStatus.RETURNED:
        return ApplicationError(
            ReturnsErrorCode.NOTHING_LEFT, _("Every item of this order is returned."), status=409
        )
    delivered = delivered_at(order) if order.status == OrderStatus.DELIVERED else None
    if delivered is None:
        return ApplicationError(
            ReturnsErrorCode.NOT_DELIVERED,
            _("Goods can be returned once the order is delivered."),
            status=409,
        )
    if not _in_time(delivered, now or timezone.now()):
        return ApplicationError(
            ReturnsErrorCode.TOO_LATE,
            _("A return can be asked for within %(days)d days of delivery; that time is over.")
            % {"days": settings.RETURN_DAYS},
            extra={"last_day": return_last_day(delivered).isoformat()},
            status=409,
        )
    if not any(line.left for line in returnable_lines(order=order)):
        return ApplicationError(
            ReturnsErrorCode.NOTHING_LEFT,
            _("Every item of this order is returned or asked back already."),
            status=409,
        )
    return None


def orders_returnable(*, user: User, now: datetime | None = None) -> set[int]:
    """Return the ids of the customer's orders they may ask to return goods of now (three
    queries, however many orders: the account page lists them all)."""
    if not user.is_authenticated:
        return set()
    now = now or timezone.now()
    delivered = dict(
        OrderEvent.objects.filter(
            order__user=user, order__status=OrderStatus.DELIVERED, kind=OrderEventKind.DELIVERED
        )
        .values("order_id")
        .annotate(at=Max("occurred_at"))
        .values_list("order_id", "at")
    )
    in_time = [order_id for order_id, at in delivered.items() if _in_time(at, now)]
    bought = dict(
        OrderLine.objects.filter(order_id__in=in_time)
        .values("order_id")
        .annotate(units=Sum("quantity"))
        .values_list("order_id", "units")
    )
    asked: dict[int, int] = defaultdict(int)
    for row in (
        ReturnLine.objects.filter(
            goods_return__order_id__in=in_time, goods_return__status__in=ACTIVE_STATUSES
        )
        .values("goods_return__order_id")
        .annotate(units=Sum("quantity"))
    ):
        asked[row["goods_return__order_id"]] = row["units"]
    return {order_id for order_id in in_time if bought.get(order_id, 0) > asked[order_id]}


# --- The customer's returns --------------------------------------------------------------------


def _with_lines(returns: QuerySet[GoodsReturn]) -> QuerySet[GoodsReturn]:
    return returns.select_related("order").prefetch_related("lines__order_line")


def returns_of_customer(*, user: User) -> QuerySet[GoodsReturn]:
    """Return the customer's own returns, newest first (none for visitors)."""
    if not user.is_authenticated:
        return GoodsReturn.objects.none()
    return _with_lines(GoodsReturn.objects.filter(order__user=user)).order_by(
        "-requested_at", "-id"
    )


def returns_of_order(*, order: Order) -> list[GoodsReturn]:
    """Return the order's returns, oldest first (the order page and the order card)."""
    return list(
        _with_lines(GoodsReturn.objects.filter(order=order))
        .select_related("warehouse", "decided_by", "refunded_by")
        .order_by("requested_at", "id")
    )


# --- Staff ---------------------------------------------------------------------------------------


def returns_visible_to(*, viewer: User) -> QuerySet[GoodsReturn]:
    """Return the returns a staff member may see: those of the orders they may see."""
    if not viewer.has_perm(VIEW):
        return GoodsReturn.objects.none()
    return GoodsReturn.objects.filter(order__in=orders_visible_to(viewer=viewer).values("pk"))


def return_queue(*, viewer: User, status: str = "") -> QuerySet[GoodsReturn]:
    """Return the returns for the office's queue, the longest waiting first within a status."""
    returns = returns_visible_to(viewer=viewer)
    if status in ReturnStatus.values:
        returns = returns.filter(status=status)
    return (
        returns.select_related("order", "order__client", "decided_by")
        .prefetch_related("lines__order_line")
        .order_by("requested_at", "id")
    )


def return_get(*, viewer: User, pk: int) -> GoodsReturn:
    found = returns_visible_to(viewer=viewer).select_related("order").filter(pk=pk).first()
    if found is None:
        raise NotFoundError(ReturnsErrorCode.NOT_FOUND, _("No such return."))
    return found


def return_warehouses() -> QuerySet[Warehouse]:
    """Return the warehouses returned goods may go to."""
    return Warehouse.objects.order_by("position", "code")


def shipped_from(order: Order) -> str:
    """Return the code of the warehouse most of the order's goods left from ("" if unknown)."""
    event = (
        OrderEvent.objects.filter(order=order, kind=OrderEventKind.SHIPPED).order_by("-id").first()
    )
    sent = (event.details or {}).get("shipped_from") if event is not None else None
    if not isinstance(sent, dict) or not sent:
        return ""
    return str(max(sent.items(), key=lambda item: item[1])[0])


def card_payment_to_refund(*, order: Order) -> Payment | None:
    """Return the card payment a return of the order is refunded to: its successful one."""
    if order.payment_method != PaymentMethod.CARD:
        return None
    return (
        Payment.objects.filter(order=order, status=PaymentState.SUCCEEDED)
        .order_by("-succeeded_at", "-id")
        .first()
    )
