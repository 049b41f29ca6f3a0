"""Writes of returns: the customer asks, staff accept (the goods go back into a warehouse and the
money is owed) or reject, and the money goes back to the card or by a bank transfer.

Each write is one transaction that locks the order first, then the return (the order every
writer of orders and payments takes), and keeps its step as an order event and a line on the
client's timeline. The orders app has no service for a step another app takes, so the order's
events and its final "returned" status are written here, in the same transaction (see
docs/returns.md, "Decisions").

Card refunds are made by a task (``returns.tasks.return_refund``) outside any transaction, with
an idempotency key of the return's own: a retried task, a second worker or a crash between the
provider's answer and our commit never refunds twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.catalog.models import Stock, Warehouse
from kramar.catalog.services import stock_receive
from kramar.clients.enums import TimelineKind
from kramar.clients.services import timeline_record
from kramar.core.errors import ApplicationError, PermissionDeniedError
from kramar.core.money import quantize
from kramar.orders.enums import OrderEventKind, OrderStatus, PaymentStatus
from kramar.orders.models import Order, OrderLine
from kramar.orders.services import order_event_record, order_mark_returned
from kramar.payments.providers import provider_get
from kramar.payments.providers.base import to_minor
from kramar.returns.enums import (
    NUMBER_PREFIX,
    RESTOCKED_STATUSES,
    RefundMethod,
    ReturnReason,
    ReturnsErrorCode,
    ReturnStatus,
)
from kramar.returns.models import GoodsReturn, ReturnLine
from kramar.returns.selectors import (
    DECIDE,
    MARK_REFUNDED,
    card_payment_to_refund,
    return_refusal,
    returnable_lines,
)

COMMENT_MAX = 2000
NOTE_MAX = 1000
# The fields a decision writes, and those that say how the money goes back.
DECIDED = ["status", "decided_by", "decided_at", "decision_note", "updated_at"]
REFUND_WAY = ["refund_method", "payment", "refund_key"]


# --- Helpers -----------------------------------------------------------------------------------


def _require(actor: User, permission: str) -> None:
    if not (actor.is_active and actor.is_staff and actor.has_perm(permission)):
        raise PermissionDeniedError(
            ReturnsErrorCode.NOT_ALLOWED, _("You may not do this with returns.")
        )


def _lock_order(order_id: int) -> Order:
    return Order.objects.select_for_update(of=("self",)).select_related("client").get(pk=order_id)


def _lock_return(goods_return: GoodsReturn, *, expected: ReturnStatus) -> GoodsReturn:
    """Lock the return (after its order) and refuse unless it is in the ``expected`` status."""
    locked = GoodsReturn.objects.select_for_update().get(pk=goods_return.pk)
    if locked.status != expected:
        raise ApplicationError(
            ReturnsErrorCode.BAD_STATUS,
            _("Return %(number)s is “%(status)s” already.")
            % {"number": locked.number, "status": locked.get_status_display()},
            extra={"status": locked.status},
            status=409,
        )
    return locked


def _share(line: OrderLine, units: int) -> Decimal:
    return quantize(line.total * units / line.quantity)


def _amount(line: OrderLine, *, before: int, quantity: int) -> Decimal:
    """What ``quantity`` units of the line cost when ``before`` of them are returned already.

    Each return takes the difference of two shares of the line's total, so however the units
    are split over returns, they add up to exactly what the line cost.
    """
    return _share(line, before + quantity) - _share(line, before)


def _event(
    order: Order,
    *,
    kind: OrderEventKind,
    goods_return: GoodsReturn,
    actor: User | None,
    step: str,
    **details: Any,
) -> None:
    order_event_record(
        order=order,
        kind=kind,
        actor=actor,
        details={"return": goods_return.number, "return_id": goods_return.pk, "step": step}
        | details,
    )


def _email_on_commit(goods_return: GoodsReturn, kind: str, *, notify: bool) -> None:
    if not notify:
        return
    from kramar.returns.tasks import return_email

    return_id = goods_return.pk
    transaction.on_commit(lambda: return_email.enqueue(return_id, kind))


# --- The customer asks --------------------------------------------------------------------------


def _checked_reason(reason: str, comment: str) -> tuple[ReturnReason, str]:
    try:
        chosen = ReturnReason(reason)
    except ValueError:
        raise ApplicationError(
            ReturnsErrorCode.BAD_REASON,
            _("Choose why you return the goods."),
            extra={"field": "reason", "choices": list(ReturnReason.values)},
        ) from None
    words = comment.strip()
    if len(words) > COMMENT_MAX:
        raise ApplicationError(
            ReturnsErrorCode.BAD_REASON,
            _("Say it in at most %(n)d characters.") % {"n": COMMENT_MAX},
            extra={"field": "comment"},
        )
    if chosen == ReturnReason.OTHER and not words:
        raise ApplicationError(
            ReturnsErrorCode.COMMENT_REQUIRED,
            _("Tell us in a few words why you return the goods."),
            extra={"field": "comment"},
        )
    return chosen, words


def _checked_lines(order: Order, lines: Mapping[int, int]) -> list[tuple[OrderLine, int, int]]:
    """Return (line, units asked back before, units now) for each wanted line, or refuse."""
    if not lines:
        raise ApplicationError(
            ReturnsErrorCode.NO_LINES,
            _("Choose at least one item to return."),
            extra={"field": "lines"},
        )
    returnable = {found.line.pk: found for found in returnable_lines(order=order)}
    chosen = []
    for line_id, quantity in sorted(lines.items()):
        found = returnable.get(line_id)
        if found is None:
            raise ApplicationError(
                ReturnsErrorCode.BAD_LINE,
                _("That item is not in this order."),
                extra={"field": "lines", "line": line_id},
            )
        field = f"line_{line_id}"
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise ApplicationError(
                ReturnsErrorCode.BAD_QUANTITY,
                _("Return at least one of an item you choose."),
                extra={"field": field, "line": line_id},
            )
        if quantity > found.left:
            raise ApplicationError(
                ReturnsErrorCode.TOO_MANY,
                _("“%(name)s”: you can return at most %(left)d.")
                % {"name": found.line.product_name, "left": found.left},
                extra={"field": field, "line": line_id, "left": found.left},
            )
        chosen.append((found.line, found.asked, quantity))
    return chosen


@transaction.atomic
def return_request(
    *,
    user: User,
    order: Order,
    lines: Mapping[int, int],
    reason: ReturnReason | str,
    comment: str = "",
    now: datetime | None = None,
) -> GoodsReturn:
    """Ask to return units of a delivered order (``lines``: order line id -> units).

    Only the order's own customer, only a delivered order, only within ``RETURN_DAYS`` of its
    delivery, and never more units than bought minus those returned or asked back already.
    """
    now = now or timezone.now()
    # The lock makes two requests for the same order wait for each other: never over-asked.
    order = _lock_order(order.pk)
    refusal = return_refusal(order=order, user=user, now=now)
    if refusal is not None:
        raise refusal
    chosen_reason, words = _checked_reason(str(reason), comment)
    chosen = _checked_lines(order, lines)
    rows = [
        ReturnLine(
            order_line=line, quantity=units, amount=_amount(line, before=before, quantity=units)
        )
        for line, before, units in chosen
    ]
    goods_return = GoodsReturn.objects.create(
        order=order,
        reason=chosen_reason,
        comment=words,
        requested_by=user,
        requested_at=now,
        refund_amount=sum((row.amount for row in rows), Decimal("0.00")),
        currency=order.currency,
    )
    goods_return.number = f"{NUMBER_PREFIX}{goods_return.pk:06d}"
    goods_return.save(update_fields=["number"])
    for row in rows:
        row.goods_return = goods_return
    ReturnLine.objects.bulk_create(rows)
    units = sum(row.quantity for row in rows)
    _event(
        order, kind=OrderEventKind.NOTE, goods_return=goods_return, actor=user,
        step="return_requested", units=units, reason=chosen_reason.value,
    )  # fmt: skip
    timeline_record(
        client=order.client,
        kind=TimelineKind.ORDER,
        summary=_("Return %(number)s asked for (order %(order)s): %(units)d pcs, %(reason)s")
        % {
            "number": goods_return.number,
            "order": order.number,
            "units": units,
            "reason": chosen_reason.label,
        },
        actor=user,
        occurred_at=now,
        source=goods_return,
        details={"order": order.number, "reason": chosen_reason.value, "comment": words[:300]},
        contact=True,
    )
    return goods_return


# --- Staff decide --------------------------------------------------------------------------------


def _restock(lines: list[ReturnLine], warehouse: Warehouse) -> tuple[dict[str, int], list[str]]:
    """Put the returned units into the warehouse; return {sku: units} and the SKUs whose
    variant no longer exists (nothing to put back)."""
    variant_ids = sorted({row.order_line.variant_id for row in lines if row.order_line.variant_id})
    # The rows there are, locked in primary-key order like every writer of stock takes them.
    list(
        Stock.objects.select_for_update()
        .filter(variant_id__in=variant_ids, warehouse=warehouse)
        .order_by("pk")
    )
    restocked: dict[str, int] = {}
    gone: list[str] = []
    for row in sorted(lines, key=lambda r: (r.order_line.variant_id or 0, r.pk)):
        variant = row.order_line.variant
        if variant is None:
            gone.append(row.order_line.sku)
            continue
        stock_receive(variant=variant, warehouse=warehouse, quantity=row.quantity)
        restocked[row.order_line.sku] = restocked.get(row.order_line.sku, 0) + row.quantity
    return restocked, gone


def _final_amounts(goods_return: GoodsReturn, lines: list[ReturnLine]) -> Decimal:
    """Work out what each line of the return costs, against the units restocked before it."""
    before = dict(
        ReturnLine.objects.filter(
            order_line__in=[row.order_line_id for row in lines],
            goods_return__status__in=RESTOCKED_STATUSES,
        )
        .exclude(goods_return=goods_return)
        .values("order_line_id")
        .annotate(units=Sum("quantity"))
        .values_list("order_line_id", "units")
    )
    for row in lines:
        row.amount = _amount(
            row.order_line, before=before.get(row.order_line_id, 0), quantity=row.quantity
        )
    ReturnLine.objects.bulk_update(lines, ["amount"])
    return sum((row.amount for row in lines), Decimal("0.00"))


def _order_returned_if_all_back(order: Order, goods_return: GoodsReturn, actor: User) -> bool:
    """Mark the order "returned" once every unit it had is back in a warehouse."""
    bought = order.lines.aggregate(units=Sum("quantity"))["units"] or 0
    back = (
        ReturnLine.objects.filter(
            goods_return__order=order, goods_return__status__in=RESTOCKED_STATUSES
        ).aggregate(units=Sum("quantity"))["units"]
        or 0
    )
    if order.status != OrderStatus.DELIVERED or back < bought:
        return False
    return order_mark_returned(
        order=order,
        actor=actor,
        details={"return": goods_return.number, "return_id": goods_return.pk,
                 "step": "order_returned"},
    )  # fmt: skip


@transaction.atomic
def return_accept(
    *,
    actor: User,
    goods_return: GoodsReturn,
    warehouse: Warehouse | None,
    note: str = "",
    now: datetime | None = None,
    notify: bool = True,
) -> GoodsReturn:
    """Take the goods back into ``warehouse`` and owe the customer what they paid for them.

    A card order with a successful payment is refunded to the card by a task; any other order
    is refunded by a bank transfer that staff mark done (:func:`return_mark_refunded`).
    """
    _require(actor, DECIDE)
    now = now or timezone.now()
    order = _lock_order(goods_return.order_id)
    goods_return = _lock_return(goods_return, expected=ReturnStatus.REQUESTED)
    if warehouse is None:
        raise ApplicationError(
            ReturnsErrorCode.WAREHOUSE_REQUIRED,
            _("Choose the warehouse the goods go back to."),
            extra={"field": "warehouse"},
        )
    lines = list(goods_return.lines.select_related("order_line__variant"))
    restocked, gone = _restock(lines, warehouse)
    amount = _final_amounts(goods_return, lines)
    if order.payment_status == PaymentStatus.REFUNDED:
        amount = Decimal("0.00")  # the whole payment went back already (e.g. from the provider)
    payment = card_payment_to_refund(order=order)
    goods_return.status = ReturnStatus.ACCEPTED
    goods_return.decided_by, goods_return.decided_at = actor, now
    goods_return.decision_note = note.strip()[:NOTE_MAX]
    goods_return.warehouse, goods_return.refund_amount = warehouse, amount
    if payment is not None and amount > 0:
        goods_return.refund_method, goods_return.payment = RefundMethod.CARD, payment
        goods_return.refund_key = f"{payment.idempotency_key}-return-{goods_return.pk}"
    elif amount > 0:
        goods_return.refund_method = RefundMethod.BANK_TRANSFER
    goods_return.save(update_fields=[*DECIDED, "warehouse", "refund_amount", *REFUND_WAY])
    _event(
        order, kind=OrderEventKind.NOTE, goods_return=goods_return, actor=actor,
        step="return_accepted", warehouse=warehouse.code, restocked=restocked,
        not_restocked=gone, refund=str(amount), method=goods_return.refund_method,
    )  # fmt: skip
    timeline_record(
        client=order.client,
        kind=TimelineKind.ORDER,
        summary=_("Return %(number)s accepted: %(amount)s UAH to refund")
        % {"number": goods_return.number, "amount": amount},
        actor=actor,
        occurred_at=now,
        source=goods_return,
        details={"order": order.number, "warehouse": warehouse.code, "restocked": restocked},
        contact=False,
    )
    _order_returned_if_all_back(order, goods_return, actor)
    _email_on_commit(goods_return, "accepted", notify=notify)
    if amount <= 0:  # nothing is owed: done at once (the "accepted" e-mail says it all)
        _mark_refunded(order, goods_return, actor=actor, now=now, notify=False)
    elif goods_return.refund_method == RefundMethod.CARD:
        from kramar.returns.tasks import return_refund

        return_id = goods_return.pk
        transaction.on_commit(lambda: return_refund.enqueue(return_id))
    return goods_return


@transaction.atomic
def return_reject(
    *,
    actor: User,
    goods_return: GoodsReturn,
    reason: str,
    now: datetime | None = None,
    notify: bool = True,
) -> GoodsReturn:
    """Refuse a return, saying why (the customer reads the reason)."""
    _require(actor, DECIDE)
    words = reason.strip()
    if not words:
        raise ApplicationError(
            ReturnsErrorCode.REASON_REQUIRED,
            _("Say why the return is rejected: the customer will read it."),
            extra={"field": "reason"},
        )
    now = now or timezone.now()
    order = _lock_order(goods_return.order_id)
    goods_return = _lock_return(goods_return, expected=ReturnStatus.REQUESTED)
    goods_return.status = ReturnStatus.REJECTED
    goods_return.decided_by, goods_return.decided_at = actor, now
    goods_return.decision_note = words[:NOTE_MAX]
    goods_return.refund_amount = Decimal("0.00")
    goods_return.save(update_fields=[*DECIDED, "refund_amount"])
    _event(
        order, kind=OrderEventKind.NOTE, goods_return=goods_return, actor=actor,
        step="return_rejected", note=goods_return.decision_note,
    )  # fmt: skip
    timeline_record(
        client=order.client,
        kind=TimelineKind.ORDER,
        summary=_("Return %(number)s rejected: %(reason)s")
        % {"number": goods_return.number, "reason": goods_return.decision_note},
        actor=actor,
        occurred_at=now,
        source=goods_return,
        details={"order": order.number},
        contact=False,
    )
    _email_on_commit(goods_return, "rejected", notify=notify)
    return goods_return


# --- The money goes back ------------------------------------------------------------------------


def _mark_refunded(
    order: Order,
    goods_return: GoodsReturn,
    *,
    actor: User | None,
    now: datetime,
    notify: bool,
    provider_refund_id: str = "",
    note: str = "",
) -> None:
    goods_return.status = ReturnStatus.REFUNDED
    goods_return.refunded_by, goods_return.refunded_at = actor, now
    goods_return.provider_refund_id = provider_refund_id[:255]
    goods_return.refund_note = note.strip()[:300]
    goods_return.save(
        update_fields=[
            "status", "refunded_by", "refunded_at", "provider_refund_id", "refund_note",
            "updated_at",
        ]
    )  # fmt: skip
    _event(
        order, kind=OrderEventKind.REFUNDED, goods_return=goods_return, actor=actor,
        step="return_refunded", amount=str(goods_return.refund_amount),
        currency=goods_return.currency, method=goods_return.refund_method,
    )  # fmt: skip
    timeline_record(
        client=order.client,
        kind=TimelineKind.PAYMENT,
        summary=_("Return %(number)s: %(amount)s UAH refunded")
        % {"number": goods_return.number, "amount": goods_return.refund_amount},
        actor=actor,
        occurred_at=now,
        source=goods_return,
        details={"order": order.number, "method": goods_return.refund_method},
        contact=False,
    )
    _email_on_commit(goods_return, "refunded", notify=notify)


@transaction.atomic
def return_mark_refunded(
    *,
    actor: User,
    goods_return: GoodsReturn,
    note: str = "",
    now: datetime | None = None,
    notify: bool = True,
) -> GoodsReturn:
    """Record that the accountant paid an accepted return back by bank transfer (``note``: the
    transfer's reference). Card refunds are made and recorded by the shop itself."""
    _require(actor, MARK_REFUNDED)
    order = _lock_order(goods_return.order_id)
    goods_return = _lock_return(goods_return, expected=ReturnStatus.ACCEPTED)
    if goods_return.refund_method != RefundMethod.BANK_TRANSFER:
        raise ApplicationError(
            ReturnsErrorCode.BAD_STATUS,
            _("This return is refunded to the card automatically."),
            extra={"status": goods_return.status},
            status=409,
        )
    _mark_refunded(
        order, goods_return, actor=actor, now=now or timezone.now(), notify=notify, note=note
    )
    return goods_return


def return_refund_to_card(*, goods_return: GoodsReturn) -> bool:
    """Refund an accepted card return through the payment provider; True once it is refunded.

    The provider is called outside any transaction (no lock over the network) with the return's
    one refund key, so a retry after a timeout, a second worker or a crash before our commit
    asks for the same refund and gets the same answer. ProviderError leaves it due.
    """
    goods_return = GoodsReturn.objects.select_related("payment").get(pk=goods_return.pk)
    if goods_return.status != ReturnStatus.ACCEPTED or goods_return.refund_method != (
        RefundMethod.CARD
    ):
        return goods_return.status == ReturnStatus.REFUNDED
    payment = goods_return.payment
    if payment is None or not goods_return.refund_key:
        raise ApplicationError(ReturnsErrorCode.BAD_STATUS, "a card return without its payment")
    refund_id = provider_get(payment.provider).refund(
        provider_payment_id=payment.provider_payment_id,
        provider_reference=payment.provider_reference,
        amount=to_minor(goods_return.refund_amount),
        currency=goods_return.currency.upper(),
        idempotency_key=goods_return.refund_key,
    )
    with transaction.atomic():
        order = _lock_order(goods_return.order_id)
        goods_return = GoodsReturn.objects.select_for_update().get(pk=goods_return.pk)
        if goods_return.status != ReturnStatus.ACCEPTED:  # another run was first
            return goods_return.status == ReturnStatus.REFUNDED
        _mark_refunded(
            order, goods_return, actor=None, now=timezone.now(), notify=True,
            provider_refund_id=refund_id,
        )  # fmt: skip
    return True
