"""Helpers of the return tests: delivered orders (cash, bank transfer or card through the
sandbox), made through the services as the shop makes them. Nothing of ours is faked."""

from __future__ import annotations

from django.test import TestCase

from kramar.accounts.models import User
from kramar.catalog.models import Variant
from kramar.catalog.tests.factories import first_variant, make_product
from kramar.orders.enums import OrderStatus, PaymentMethod
from kramar.orders.models import Order
from kramar.orders.services import order_advance, order_place
from kramar.orders.tests.support import cart_with, details, new_key
from kramar.payments.models import SandboxCharge
from kramar.payments.providers.sandbox import CARD_SUCCEEDS, sandbox_charge_pay
from kramar.payments.services import payment_start
from kramar.payments.tests.support import run_tasks

FULFIL = (OrderStatus.CONFIRMED, OrderStatus.PACKED, OrderStatus.SHIPPED, OrderStatus.DELIVERED)


def goods(price: str = "100.00", stock: int = 10) -> Variant:
    return first_variant(make_product(price=price, stock=stock))


def delivered_order(
    *,
    customer: User | None,
    staff: User,
    items: list[tuple[Variant, int]],
    payment_method: PaymentMethod = PaymentMethod.CASH_ON_DELIVERY,
) -> Order:
    """Place an order for the customer and take it all the way to "delivered"."""
    order = order_place(
        cart=cart_with(*items, user=customer),
        checkout_key=new_key(),
        user=customer,
        details=details(payment_method=payment_method),
        notify=False,
    )
    if payment_method == PaymentMethod.CARD:
        pay_in_sandbox(order)
    for status in FULFIL:
        order = order_advance(
            actor=staff, order=order, status=status, tracking_number="20450000000000", notify=False
        )
    return order


def pay_in_sandbox(order: Order) -> None:
    """Pay the order with the sandbox's good test card and let its webhook arrive."""
    payment = payment_start(order=order)
    charge = SandboxCharge.objects.get(public_id=payment.provider_payment_id)
    with TestCase.captureOnCommitCallbacks(execute=True):
        sandbox_charge_pay(charge=charge, card_number=CARD_SUCCEEDS)
    with TestCase.captureOnCommitCallbacks(execute=True):
        run_tasks()
    order.refresh_from_db()
    assert order.payment_status == "paid", order.payment_status


def run_all_tasks() -> list[tuple[str, object]]:
    """Run the queued tasks, and those they queue in turn, as the worker would."""
    ran: list[tuple[str, object]] = []
    while True:
        with TestCase.captureOnCommitCallbacks(execute=True):
            batch = run_tasks()
        if not batch:
            return ran
        ran += batch
