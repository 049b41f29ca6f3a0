"""Writes of the orders app: placing an order from a cart (the checkout), and its life after.

Placing an order locks the stock rows of every variant it needs, always in primary-key order (so
two checkouts can never wait for each other in a cycle), checks what is left, allocates, and
writes the order, its lines and events in that one transaction. Nothing is ever sold beyond the
stock: the check happens under the lock, and a database constraint (allocated <= on hand) backs
it up. The same checkout key placed twice yields the first order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.cart.enums import CartStatus
from kramar.cart.models import Cart
from kramar.cart.selectors import cart_priced
from kramar.catalog.alerts import stock_alerts_deliver
from kramar.catalog.models import Stock
from kramar.catalog.pricing import vat_in
from kramar.clients.enums import TimelineKind
from kramar.clients.models import Client, Region
from kramar.clients.services import (
    client_for_guest,
    client_for_shop_user,
    normalize_email,
    normalize_phone,
    timeline_record,
)
from kramar.core.errors import ApplicationError
from kramar.core.money import quantize
from kramar.orders import hooks
from kramar.orders.enums import (
    RESERVATION_TIME,
    DeliveryKind,
    OrderEventKind,
    OrdersErrorCode,
    OrderStatus,
    PaymentMethod,
    PaymentStatus,
    SalesChannel,
)
from kramar.orders.models import Allocation, DeliveryMethod, Order, OrderEvent, OrderLine


@dataclass(frozen=True)
class CheckoutDetails:
    """What the buyer tells the checkout; every field is checked by :func:`order_place`."""

    full_name: str
    email: str
    phone: str
    delivery_method: DeliveryMethod
    region: Region
    city: str
    payment_method: PaymentMethod | str
    address: str = ""
    post_branch: str = ""
    comment: str = ""
    utm_source: str = ""
    utm_medium: str = ""
    utm_campaign: str = ""


def _bad(code: OrdersErrorCode, message: str, field: str) -> ApplicationError:
    return ApplicationError(code, message, extra={"field": field})


def _checked(details: CheckoutDetails) -> dict[str, Any]:
    """Return the details cleaned and normalised, or refuse the first wrong one."""
    full_name = " ".join(details.full_name.split())
    if not full_name or len(full_name) > 150:
        raise _bad(OrdersErrorCode.BAD_CONTACT, _("Give your name."), "full_name")
    try:
        email = normalize_email(details.email)
        phone = normalize_phone(details.phone)
    except ApplicationError as error:
        field = "email" if error.extra.get("field") == "emails" else "phone"
        raise _bad(OrdersErrorCode.BAD_CONTACT, str(error.message), field) from None
    method = details.delivery_method
    if not method.is_active:
        raise _bad(OrdersErrorCode.BAD_DELIVERY, _("Choose a delivery we offer."), "delivery")
    city = " ".join(details.city.split())
    if not city or len(city) > 100:
        raise _bad(OrdersErrorCode.BAD_DELIVERY, _("Give the city or village."), "city")
    address = " ".join(details.address.split())
    if method.kind == DeliveryKind.COURIER and not address:
        raise _bad(OrdersErrorCode.BAD_DELIVERY, _("A courier needs the address."), "address")
    branch = details.post_branch.strip().lstrip("№#").strip()
    if method.kind == DeliveryKind.POST and not (branch.isdigit() and 0 < len(branch) <= 6):
        raise _bad(
            OrdersErrorCode.BAD_DELIVERY,
            _("Give the number of the post office branch (digits only)."),
            "post_branch",
        )
    try:
        payment = PaymentMethod(details.payment_method)
    except ValueError:
        raise _bad(
            OrdersErrorCode.BAD_PAYMENT_METHOD, _("Choose how to pay."), "payment_method"
        ) from None
    return {
        "full_name": full_name,
        "email": email,
        "phone": phone,
        "delivery_method": method,
        "delivery_region": details.region,
        "city": city,
        "address": address[:255] if method.kind == DeliveryKind.COURIER else "",
        "post_branch": branch if method.kind == DeliveryKind.POST else "",
        "comment": details.comment.strip()[:2000],
        "payment_method": payment,
        "utm_source": details.utm_source.strip()[:100],
        "utm_medium": details.utm_medium.strip()[:100],
        "utm_campaign": details.utm_campaign.strip()[:100],
    }


def _lock_and_allocate(wanted: dict[int, int]) -> dict[int, list[tuple[Stock, int]]]:
    """Lock the stock rows of the wanted variants (in pk order) and split each quantity over the
    warehouses in their order; refuse the whole order if any variant falls short."""
    rows = list(
        Stock.objects.select_for_update(of=("self",))
        .filter(variant_id__in=list(wanted), warehouse__is_active=True)
        .select_related("warehouse", "variant__product")
        .order_by("pk")
    )
    by_variant: dict[int, list[Stock]] = defaultdict(list)
    for stock in sorted(rows, key=lambda s: (s.warehouse.position, s.warehouse.code)):
        by_variant[stock.variant_id].append(stock)
    plan: dict[int, list[tuple[Stock, int]]] = {}
    for variant_id, quantity in wanted.items():
        stocks = by_variant.get(variant_id, [])
        available = sum(stock.available for stock in stocks)
        if available < quantity:
            raise ApplicationError(
                OrdersErrorCode.OUT_OF_STOCK,
                _("Not enough in stock: %(available)d left.") % {"available": available},
                extra={"variant_id": variant_id, "available": available},
                status=409,
            )
        left, plan[variant_id] = quantity, []
        for stock in stocks:
            take = min(left, stock.available)
            if take:
                plan[variant_id].append((stock, take))
                left -= take
    return plan


def _allocations(line: OrderLine, taken: list[tuple[Stock, int]]) -> list[Allocation]:
    """Count the planned units as allocated (the rows are locked) and return the line's rows."""
    for stock, quantity in taken:
        Stock.objects.filter(pk=stock.pk).update(allocated=F("allocated") + quantity)
    return [Allocation(line=line, stock=stock, quantity=quantity) for stock, quantity in taken]


def _client_for(user: User | None, details: dict[str, Any]) -> Client:
    if user is not None and user.is_authenticated and not user.is_staff:
        return client_for_shop_user(user=user)
    return client_for_guest(
        email=details["email"], full_name=details["full_name"], phone=details["phone"]
    )


def _dimensions(client: Client) -> dict[str, Any]:
    """The sale's dimensions as they are now (M18): kept on the order for ever after."""
    company = client.company
    return {
        "manager_id": client.manager_id or (company.manager_id if company else None),
        "department_id": client.department_id or (company.department_id if company else None),
        "client_region_id": client.region_id or (company.region_id if company else None),
        "industry_id": client.industry_id or (company.industry_id if company else None),
        "client_kind": (company or client).kind,
    }


def order_place(
    *,
    cart: Cart,
    checkout_key: str,
    details: CheckoutDetails,
    user: User | None = None,
    channel: SalesChannel = SalesChannel.WEB,
    now: datetime | None = None,
    notify: bool = True,
) -> Order:
    """Turn the cart into an order: check, lock, allocate, write. One key, one order.

    ``notify=False`` sends no e-mail (the demo history; orders entered for a customer by phone).
    """
    key = (checkout_key or "").strip()
    if not 16 <= len(key) <= 64:
        raise ApplicationError(
            OrdersErrorCode.BAD_KEY, _("This checkout form is out of date: open it again.")
        )
    existing = Order.objects.filter(checkout_key=key).first()
    if existing is not None:
        return existing
    try:
        return _place(
            cart=cart, key=key, details=details, user=user, channel=channel, now=now, notify=notify
        )
    except IntegrityError:
        # The same checkout was placed in parallel (double click, two tabs) and won the race.
        existing = Order.objects.filter(checkout_key=key).first()
        if existing is None:
            raise
        return existing


@transaction.atomic
def _place(
    *,
    cart: Cart,
    key: str,
    details: CheckoutDetails,
    user: User | None,
    channel: SalesChannel,
    now: datetime | None,
    notify: bool,
) -> Order:
    now = now or timezone.now()
    clean = _checked(details)
    cart = Cart.objects.select_for_update().get(pk=cart.pk)
    if cart.status != CartStatus.OPEN:
        existing = Order.objects.filter(checkout_key=key).first()
        if existing is not None:
            return existing
        raise ApplicationError(
            OrdersErrorCode.EMPTY_CART, _("This cart was checked out already."), status=409
        )
    priced = cart_priced(cart)
    if not priced.lines:
        raise ApplicationError(OrdersErrorCode.EMPTY_CART, _("The cart is empty."))
    # Stock is judged under the lock below; here only what is no longer sold at all.
    gone = [line for line in priced.lines if not line.for_sale]
    if gone:
        raise ApplicationError(
            OrdersErrorCode.CART_HAS_PROBLEMS,
            _("“%(name)s” is no longer on sale: take it out of the cart.")
            % {"name": gone[0].variant},
            extra={"variant_id": gone[0].variant.pk},
            status=409,
        )
    plan = _lock_and_allocate({line.variant.pk: line.quantity for line in priced.lines})
    client = _client_for(user, clean)
    payment = clean["payment_method"]
    method: DeliveryMethod = clean["delivery_method"]
    subtotal = priced.subtotal
    delivery_price = (
        Decimal("0.00") if method.free_from is not None and subtotal >= method.free_from
        else method.price
    )  # fmt: skip
    order = Order.objects.create(
        checkout_key=key,
        user=user if user is not None and user.is_authenticated else None,
        client=client,
        status=OrderStatus.NEW,
        payment_status=PaymentStatus.ON_DELIVERY
        if payment == PaymentMethod.CASH_ON_DELIVERY
        else PaymentStatus.AWAITING,
        reserved_until=now + RESERVATION_TIME if payment == PaymentMethod.CARD else None,
        placed_at=now,
        subtotal=subtotal,
        delivery_price=delivery_price,
        total=quantize(subtotal + delivery_price),
        vat_total=quantize(priced.vat + vat_in(delivery_price, "20")),
        channel=channel,
        **clean,
        **_dimensions(client),
    )
    order.number = f"{now:%y}-{order.pk:06d}"
    order.save(update_fields=["number"])
    allocations: list[Allocation] = []
    for line in priced.lines:
        variant = line.variant
        order_line = OrderLine.objects.create(
            order=order,
            variant=variant,
            sku=variant.sku,
            product_name=variant.product.name,
            variant_name=variant.name,
            product_group_id=variant.product.group_id,
            quantity=line.quantity,
            unit_price=line.unit_price,
            total=line.total,
            vat_rate=variant.product.vat_rate,
            vat_amount=line.vat,
            unit_cost=variant.cost,
        )
        allocations += _allocations(order_line, plan[variant.pk])
    Allocation.objects.bulk_create(allocations)
    cart.status = CartStatus.ORDERED
    cart.save(update_fields=["status", "updated_at"])
    event: dict[str, Any] = {"total": str(order.total), "payment_method": payment}
    if priced.discount is not None:  # a personal offer lowered the prices (cart.adjustments)
        event["discount"] = {
            "percent": str(priced.discount.percent), "source": priced.discount.source,
            "saving": str(priced.saving),
        }  # fmt: skip
    OrderEvent.objects.create(
        order=order, kind=OrderEventKind.PLACED, actor=order.user, details=event
    )
    timeline_record(
        client=client,
        kind=TimelineKind.ORDER,
        summary=_("Order %(number)s placed: %(total)s UAH")
        % {"number": order.number, "total": order.total},
        actor=order.user,
        occurred_at=now,
        source=order,
        details={"channel": channel, "items": priced.items},
        contact=True,
    )
    _after_placing(order, notify=notify)
    return order


def _after_placing(order: Order, *, notify: bool) -> None:
    from kramar.orders.tasks import order_email, order_reservation_expire

    order_id, kind = order.pk, "placed"
    hooks.order_listeners_notify(order_id=order_id, event=hooks.PLACED)
    if notify:
        transaction.on_commit(lambda: order_email.enqueue(order_id, kind))
    if order.reserved_until is not None:
        until = order.reserved_until
        transaction.on_commit(
            lambda: order_reservation_expire.using(run_after=until).enqueue(order_id)
        )


def _release(order: Order) -> None:
    """Give the order's allocated units back to stock (the rows locked in pk order)."""
    allocations = list(
        Allocation.objects.filter(line__order=order).select_related("stock").order_by("stock_id")
    )
    list(
        Stock.objects.select_for_update()
        .filter(pk__in={a.stock_id for a in allocations})
        .order_by("pk")
    )
    for allocation in allocations:
        Stock.objects.filter(pk=allocation.stock_id).update(
            allocated=F("allocated") - allocation.quantity
        )
    Allocation.objects.filter(pk__in=[a.pk for a in allocations]).delete()
    stock_alerts_deliver(variant_ids={a.stock.variant_id for a in allocations})


@transaction.atomic
def order_reservation_expire(*, order: Order, now: datetime | None = None) -> bool:
    """Release the goods of a card order whose payment did not arrive in time; True if it did."""
    now = now or timezone.now()
    order = Order.objects.select_for_update().get(pk=order.pk)
    if (
        order.payment_status != PaymentStatus.AWAITING
        or order.reserved_until is None
        or order.reserved_until > now
        or order.status == OrderStatus.CANCELLED
    ):
        return False
    _release(order)
    order.status = OrderStatus.CANCELLED
    order.payment_status = PaymentStatus.EXPIRED
    order.save(update_fields=["status", "payment_status", "updated_at"])
    OrderEvent.objects.create(order=order, kind=OrderEventKind.RESERVATION_EXPIRED)
    hooks.order_listeners_notify(order_id=order.pk, event=hooks.CANCELLED)
    return True


# --- Card payments (the payments app reports what its provider said) ----------------------------


class PaymentVerdict(StrEnum):
    """What an order made of a successful card payment."""

    PAID = "paid"  # the goods were still held: the order is paid
    REVIVED = "revived"  # the goods had been released and were there again: allocated, paid
    MISMATCH = "mismatch"  # not the order's amount or currency: recorded, never paid
    REFUND = "refund"  # the order cannot take the money (sold out, cancelled, paid already)


@transaction.atomic
def order_payment_succeeded(
    *,
    order: Order,
    amount: Decimal,
    currency: str,
    provider: str = "",
    occurred_at: datetime | None = None,
) -> PaymentVerdict:
    """Take a card payment that came in for the order, and say what became of it.

    Paid only for exactly the order's total in its currency. If the reservation had run out
    (or the payment had been reported failed) and the goods were released, they are locked and
    allocated again when they are there; otherwise the caller must give the money back
    (:data:`PaymentVerdict.REFUND`, recorded as a note on the order).
    """
    now = occurred_at or timezone.now()
    order = Order.objects.select_for_update().get(pk=order.pk)
    received = {"amount": str(quantize(amount)), "currency": currency.upper()}
    if quantize(amount) != order.total or currency.upper() != order.currency.upper():
        OrderEvent.objects.create(
            order=order,
            kind=OrderEventKind.PAYMENT_FAILED,
            details={
                "reason": "amount_mismatch",
                "expected": {"amount": str(order.total), "currency": order.currency},
                "received": received,
                "provider": provider,
                "note": _("A card payment of %(amount)s %(currency)s does not match the order.")
                % received,
            },
        )
        return PaymentVerdict.MISMATCH
    if order.payment_method != PaymentMethod.CARD or order.payment_status == PaymentStatus.PAID:
        return _payment_unwanted(order, "already_paid", received)
    if order.status != OrderStatus.CANCELLED and order.payment_status == PaymentStatus.AWAITING:
        _mark_paid(order, now=now, provider=provider, revived=False)
        return PaymentVerdict.PAID
    released_by_payment = order.payment_status in {PaymentStatus.EXPIRED, PaymentStatus.FAILED}
    cancelled_by_staff = order.events.filter(kind=OrderEventKind.CANCELLED).exists()
    if order.status != OrderStatus.CANCELLED or not released_by_payment or cancelled_by_staff:
        return _payment_unwanted(order, "order_closed", received)
    try:
        _allocate_again(order)
    except ApplicationError:
        return _payment_unwanted(order, "out_of_stock", received)
    order.status = OrderStatus.NEW
    _mark_paid(order, now=now, provider=provider, revived=True)
    return PaymentVerdict.REVIVED


def _allocate_again(order: Order) -> None:
    """Lock the stock rows of the order's lines (pk order) and allocate them, or refuse whole."""
    lines = list(order.lines.all())
    if not lines or any(line.variant_id is None for line in lines):
        raise ApplicationError(OrdersErrorCode.OUT_OF_STOCK, _("A product is gone."))
    plan = _lock_and_allocate({line.variant_id: line.quantity for line in lines if line.variant_id})
    allocations: list[Allocation] = []
    for line in lines:
        allocations += _allocations(line, plan[line.variant_id])  # type: ignore[index]
    Allocation.objects.bulk_create(allocations)


def _mark_paid(order: Order, *, now: datetime, provider: str, revived: bool) -> None:
    order.payment_status, order.paid_at = PaymentStatus.PAID, now
    order.save(update_fields=["status", "payment_status", "paid_at", "updated_at"])
    OrderEvent.objects.create(
        order=order,
        kind=OrderEventKind.PAID,
        details={"amount": str(order.total), "provider": provider, "allocated_again": revived},
    )
    timeline_record(
        client=order.client,
        kind=TimelineKind.PAYMENT,
        summary=_("Order %(number)s paid by card: %(total)s UAH")
        % {"number": order.number, "total": order.total},
        occurred_at=now,
        source=order,
        details={"provider": provider},
    )
    _email_on_commit(order, "paid")
    hooks.order_listeners_notify(order_id=order.pk, event=hooks.PAID)


def _payment_unwanted(order: Order, reason: str, received: dict[str, str]) -> PaymentVerdict:
    OrderEvent.objects.create(
        order=order,
        kind=OrderEventKind.NOTE,
        details={
            "payment": "to_refund",
            "reason": reason,
            "received": received,
            "note": _("A card payment came that the order cannot take (%(reason)s): refunding it.")
            % {"reason": reason},
        },
    )
    return PaymentVerdict.REFUND


@transaction.atomic
def order_payment_failed(*, order: Order, reason: str, provider: str = "") -> bool:
    """Release at once the goods of an order whose card payment failed; True if it did.

    An order that no longer waits for its payment (expired, paid by a later success, cancelled)
    only gets the event.
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    details = {"reason": reason[:100], "provider": provider}
    waiting = (
        order.payment_status == PaymentStatus.AWAITING and order.status != OrderStatus.CANCELLED
    )
    if waiting:
        _release(order)
        order.status, order.payment_status = OrderStatus.CANCELLED, PaymentStatus.FAILED
        order.save(update_fields=["status", "payment_status", "updated_at"])
        timeline_record(
            client=order.client,
            kind=TimelineKind.PAYMENT,
            summary=_("Order %(number)s: the card payment failed, the order is cancelled")
            % {"number": order.number},
            source=order,
            details=details,
            contact=False,
        )
        hooks.order_listeners_notify(order_id=order.pk, event=hooks.CANCELLED)
    OrderEvent.objects.create(
        order=order, kind=OrderEventKind.PAYMENT_FAILED, details={**details, "released": waiting}
    )
    return waiting


@transaction.atomic
def order_payment_refunded(
    *, order: Order, amount: Decimal, currency: str, reason: str, provider: str = ""
) -> bool:
    """Record money given back for the order; True if it was all of it.

    A whole refund makes the order "refunded" and, unless its goods have left the warehouse,
    cancels it and releases them; a partial one is recorded as an event only.
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    details = {
        "amount": str(quantize(amount)),
        "currency": currency.upper(),
        "reason": reason[:100],
        "provider": provider,
    }
    whole = quantize(amount) >= order.total
    if not whole or order.payment_status == PaymentStatus.REFUNDED:
        OrderEvent.objects.create(
            order=order, kind=OrderEventKind.REFUNDED, details={**details, "partial": not whole}
        )
        return False
    fields = ["payment_status", "updated_at"]
    if order.status in {OrderStatus.NEW, OrderStatus.CONFIRMED, OrderStatus.PACKED}:
        _release(order)
        order.status = OrderStatus.CANCELLED
        fields.append("status")
    order.payment_status = PaymentStatus.REFUNDED
    order.save(update_fields=fields)
    OrderEvent.objects.create(order=order, kind=OrderEventKind.REFUNDED, details=details)
    timeline_record(
        client=order.client,
        kind=TimelineKind.PAYMENT,
        summary=_("Order %(number)s: %(amount)s UAH refunded")
        % {"number": order.number, "amount": quantize(amount)},
        source=order,
        details=details,
    )
    _email_on_commit(order, "refunded")
    hooks.order_listeners_notify(order_id=order.pk, event=hooks.REFUNDED)
    return True


def _email_on_commit(order: Order, kind: str) -> None:
    from kramar.orders.tasks import order_email

    order_id = order.pk
    transaction.on_commit(lambda: order_email.enqueue(order_id, kind))


# --- Fulfilment ----------------------------------------------------------------------------------

# Which status may follow which (staff moves an order along; "returned" comes from returns).
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    OrderStatus.NEW: (OrderStatus.CONFIRMED, OrderStatus.CANCELLED),
    OrderStatus.CONFIRMED: (OrderStatus.PACKED, OrderStatus.CANCELLED),
    OrderStatus.PACKED: (OrderStatus.SHIPPED, OrderStatus.CANCELLED),
    OrderStatus.SHIPPED: (OrderStatus.DELIVERED,),
    OrderStatus.DELIVERED: (),
    OrderStatus.CANCELLED: (),
    OrderStatus.RETURNED: (),
}
EMAIL_ON = {
    OrderStatus.SHIPPED: "shipped",
    OrderStatus.DELIVERED: "delivered",
    OrderStatus.CANCELLED: "cancelled",
}


def _ship(order: Order) -> dict[str, int]:
    """The goods leave the warehouses: on-hand and allocated both drop by what was allocated."""
    allocations = list(
        Allocation.objects.filter(line__order=order).select_related("stock__warehouse")
    )
    list(
        Stock.objects.select_for_update()
        .filter(pk__in={a.stock_id for a in allocations})
        .order_by("pk")
    )
    shipped: dict[str, int] = defaultdict(int)
    for allocation in allocations:
        Stock.objects.filter(pk=allocation.stock_id).update(
            quantity=F("quantity") - allocation.quantity,
            allocated=F("allocated") - allocation.quantity,
        )
        shipped[allocation.stock.warehouse.code] += allocation.quantity
    Allocation.objects.filter(pk__in=[a.pk for a in allocations]).delete()
    return dict(shipped)


@transaction.atomic
def order_advance(
    *,
    actor: User,
    order: Order,
    status: OrderStatus | str,
    carrier: str = "",
    tracking_number: str = "",
    note: str = "",
    notify: bool = True,
) -> Order:
    """Move an order to its next status (confirm, pack, ship, deliver, cancel), with its event."""
    order = Order.objects.select_for_update().select_related("delivery_method").get(pk=order.pk)
    try:
        target = OrderStatus(status)
    except ValueError:
        raise ApplicationError(
            OrdersErrorCode.BAD_TRANSITION, _("Unknown status."), extra={"field": "status"}
        ) from None
    if target not in NEXT_STATUSES[OrderStatus(order.status)]:
        raise ApplicationError(
            OrdersErrorCode.BAD_TRANSITION,
            _("An order that is “%(now)s” cannot become “%(next)s”.")
            % {"now": order.get_status_display(), "next": target.label},
            extra={"field": "status"},
            status=409,
        )
    if target == OrderStatus.CONFIRMED and order.payment_status in {
        PaymentStatus.EXPIRED, PaymentStatus.FAILED,
    }:  # fmt: skip
        raise ApplicationError(
            OrdersErrorCode.BAD_TRANSITION,
            _("The payment of this order failed; it cannot be confirmed."),
            status=409,
        )
    details: dict[str, Any] = {"from": order.status}
    fields = ["status", "updated_at"]
    if target == OrderStatus.SHIPPED:
        carrier, tracking_number = carrier.strip()[:60], tracking_number.strip()[:60]
        if order.delivery_method.kind != DeliveryKind.PICKUP and not tracking_number:
            raise ApplicationError(
                OrdersErrorCode.BAD_TRANSITION,
                _("Give the carrier's tracking number."),
                extra={"field": "tracking_number"},
            )
        order.carrier, order.tracking_number = carrier, tracking_number
        fields += ["carrier", "tracking_number"]
        details["shipped_from"] = _ship(order)
        details["tracking_number"] = tracking_number
    if target == OrderStatus.DELIVERED and order.payment_status == PaymentStatus.ON_DELIVERY:
        order.payment_status, order.paid_at = PaymentStatus.PAID, timezone.now()
        fields += ["payment_status", "paid_at"]
    if target == OrderStatus.CANCELLED:
        _release(order)
        hooks.order_listeners_notify(order_id=order.pk, event=hooks.CANCELLED)
        if order.payment_status == PaymentStatus.AWAITING:
            order.payment_status = PaymentStatus.EXPIRED
            fields.append("payment_status")
    if note.strip():
        details["note"] = note.strip()[:500]
    order.status = target
    order.save(update_fields=fields)
    OrderEvent.objects.create(
        order=order, kind=OrderEventKind(target.value), actor=actor, details=details
    )
    timeline_record(
        client=order.client,
        kind=TimelineKind.ORDER,
        summary=_("Order %(number)s: %(status)s")
        % {"number": order.number, "status": target.label},
        actor=actor,
        source=order,
        contact=False,
    )
    if notify and target in EMAIL_ON:
        from kramar.orders.tasks import order_email

        order_id, kind = order.pk, EMAIL_ON[target]
        transaction.on_commit(lambda: order_email.enqueue(order_id, kind))
    return order


# --- For the apps above orders (returns, payments) ----------------------------------------------


def order_event_record(
    *,
    order: Order,
    kind: OrderEventKind,
    actor: User | None = None,
    details: dict[str, Any] | None = None,
) -> OrderEvent:
    """Write one event on an order's history for a step another app took (e.g. a return)."""
    return OrderEvent.objects.create(
        order=order, kind=OrderEventKind(kind), actor=actor, details=details or {}
    )


def order_mark_returned(
    *, order: Order, actor: User | None, details: dict[str, Any] | None = None
) -> bool:
    """Mark a delivered order "returned" (every unit came back); False if it is not delivered."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status != OrderStatus.DELIVERED:
        return False
    order.status = OrderStatus.RETURNED
    order.save(update_fields=["status", "updated_at"])
    order_event_record(
        order=order, kind=OrderEventKind.RETURNED, actor=actor,
        details={"from": OrderStatus.DELIVERED.value, **(details or {})},
    )  # fmt: skip
    timeline_record(
        client=order.client,
        kind=TimelineKind.ORDER,
        summary=_("Order %(number)s: %(status)s")
        % {"number": order.number, "status": OrderStatus.RETURNED.label},
        actor=actor,
        source=order,
        contact=False,
    )
    return True


@transaction.atomic
def order_paid_by_transfer(
    *, order: Order, amount: Decimal, paid_on_day: date, reference: str = ""
) -> bool:
    """Mark a bank-transfer order paid: its invoice is settled; True if that changed the order.

    Billing calls it when the order's invoice is paid in full (a statement line, or by hand).
    An order that is not waiting for a transfer (paid already, cancelled, another method) only
    gets a note, so a late or repeated call never changes a settled order.
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    details = {"amount": str(quantize(amount)), "paid_on": paid_on_day.isoformat(),
               "reference": reference[:100]}  # fmt: skip
    waiting = (
        order.payment_method == PaymentMethod.BANK_TRANSFER
        and order.payment_status == PaymentStatus.AWAITING
        and order.status != OrderStatus.CANCELLED
    )
    if not waiting:
        OrderEvent.objects.create(
            order=order, kind=OrderEventKind.NOTE, details={**details, "payment": "transfer_noted"}
        )
        return False
    order.payment_status = PaymentStatus.PAID
    order.paid_at = timezone.now()
    order.save(update_fields=["payment_status", "paid_at", "updated_at"])
    OrderEvent.objects.create(
        order=order, kind=OrderEventKind.PAID, details={**details, "method": "bank_transfer"}
    )
    timeline_record(
        client=order.client,
        kind=TimelineKind.PAYMENT,
        summary=_("Order %(number)s paid by bank transfer: %(total)s UAH")
        % {"number": order.number, "total": order.total},
        source=order,
        details=details,
    )
    _email_on_commit(order, "paid")
    return True
