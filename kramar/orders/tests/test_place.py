"""Placing an order (issue 3): checked, locked, allocated, one order per checkout, the sale's
dimensions recorded when it is placed (M18), the order on the client's timeline (M10, M11)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kramar.accounts.enums import Role
from kramar.cart.enums import CartStatus
from kramar.catalog.models import Stock, Warehouse
from kramar.catalog.services import stock_receive
from kramar.catalog.tests.factories import first_variant, make_product, make_warehouse
from kramar.clients.enums import TimelineKind
from kramar.clients.models import Client, Region
from kramar.clients.services import client_assign_manager
from kramar.clients.tests.factories import ClientFactory
from kramar.core.errors import ApplicationError
from kramar.orders.enums import OrderStatus, PaymentMethod, PaymentStatus
from kramar.orders.models import DeliveryMethod, Order
from kramar.orders.services import order_place, order_reservation_expire
from kramar.orders.tests.support import cart_with, details, new_key

pytestmark = pytest.mark.django_db


def test_an_order_takes_the_cart_allocates_stock_and_records_everything():
    variant = first_variant(make_product("Стілець Арко", price="1500.00", stock=5))
    cart = cart_with((variant, 2))
    order = order_place(cart=cart, checkout_key=new_key(), details=details())
    assert order.number.endswith(f"{order.pk:06d}")
    assert (order.subtotal, order.delivery_price, order.total) == (
        Decimal("3000.00"), Decimal("0.00"), Decimal("3000.00"),  # post is free from 2000
    )  # fmt: skip
    assert order.vat_total == Decimal("500.00")
    assert order.payment_status == PaymentStatus.ON_DELIVERY
    line = order.lines.get()
    assert (line.sku, line.quantity, line.unit_price, line.unit_cost) == (
        variant.sku, 2, Decimal("1500.00"), variant.cost,
    )  # fmt: skip
    assert line.product_group_id == variant.product.group_id
    assert Stock.objects.get(variant=variant).allocated == 2
    cart.refresh_from_db()
    assert cart.status == CartStatus.ORDERED
    assert order.events.filter(kind="placed").exists()
    entry = order.client.timeline.get(kind=TimelineKind.ORDER)
    assert order.number in entry.summary


def test_a_guest_becomes_a_client_and_a_returning_guest_is_the_same_client_m10():
    variant = first_variant(make_product(stock=10))
    first = order_place(cart=cart_with((variant, 1)), checkout_key=new_key(), details=details())
    second = order_place(
        cart=cart_with((variant, 1)),
        checkout_key=new_key(),
        details=details(email="TARAS@example.test"),
    )
    assert first.client == second.client
    assert Client.objects.filter(emails__email="taras@example.test").count() == 1


def test_the_sale_keeps_the_manager_it_was_made_with_after_reassignment_m18(make_staff):
    manager = make_staff(Role.SALES_MANAGER)
    other = make_staff(Role.SALES_MANAGER)
    lviv = Region.objects.get(code="lviv")
    buyer = ClientFactory(manager=manager, region=lviv, emails=["buyer@example.test"])
    order = order_place(
        cart=cart_with((first_variant(make_product(stock=3)), 1)),
        checkout_key=new_key(),
        details=details(email="buyer@example.test"),
    )
    client_assign_manager(actor=None, client=buyer, manager=other)
    order.refresh_from_db()
    assert order.client == buyer
    assert (order.manager, order.department, order.client_region) == (
        manager, manager.department, lviv,
    )  # fmt: skip


def test_the_same_checkout_placed_twice_is_one_order():
    variant = first_variant(make_product(stock=5))
    cart = cart_with((variant, 2))
    key = new_key()
    first = order_place(cart=cart, checkout_key=key, details=details())
    again = order_place(cart=cart, checkout_key=key, details=details())
    assert again == first
    assert Order.objects.count() == 1
    assert Stock.objects.get(variant=variant).allocated == 2


def test_an_order_beyond_the_stock_is_refused_and_writes_nothing():
    roomy = first_variant(make_product(stock=5))
    scarce = first_variant(make_product(stock=2))
    cart = cart_with((roomy, 1), (scarce, 2))
    Stock.objects.filter(variant=scarce).update(allocated=1)  # someone else bought one
    with pytest.raises(ApplicationError) as refused:
        order_place(cart=cart, checkout_key=new_key(), details=details())
    assert refused.value.code == "orders.out_of_stock"
    assert refused.value.extra == {"variant_id": scarce.pk, "available": 1}
    assert not Order.objects.exists()
    assert Stock.objects.get(variant=roomy).allocated == 0
    cart.refresh_from_db()
    assert cart.status == CartStatus.OPEN


def test_an_order_takes_from_several_warehouses_in_their_order():
    variant = first_variant(make_product(stock=2))
    lviv = make_warehouse("lviv")
    Warehouse.objects.filter(pk=lviv.pk).update(position=1)  # after "main" (position 0)
    stock_receive(variant=variant, warehouse=lviv, quantity=5)
    order = order_place(cart=cart_with((variant, 4)), checkout_key=new_key(), details=details())
    taken = {a.stock.warehouse.code: a.quantity for a in order.lines.get().allocations.all()}
    assert taken == {"main": 2, "lviv": 2}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"full_name": "  "}, "full_name"),
        ({"email": "nope"}, "email"),
        ({"phone": "12"}, "phone"),
        ({"city": ""}, "city"),
        ({"post_branch": "перше"}, "post_branch"),
        ({"payment_method": "barter"}, "payment_method"),
    ],
)
def test_bad_checkout_details_are_refused_and_nothing_is_written(changes, field):
    variant = first_variant(make_product(stock=5))
    cart = cart_with((variant, 1))
    with pytest.raises(ApplicationError) as refused:
        order_place(cart=cart, checkout_key=new_key(), details=details(**changes))
    assert refused.value.extra["field"] == field
    assert not Order.objects.exists()
    assert Stock.objects.get(variant=variant).allocated == 0


def test_a_courier_needs_an_address():
    cart = cart_with((first_variant(make_product(stock=5)), 1))
    courier = DeliveryMethod.objects.get(code="courier")
    with pytest.raises(ApplicationError) as refused:
        order_place(cart=cart, checkout_key=new_key(), details=details(delivery_method=courier))
    assert refused.value.extra["field"] == "address"
    order = order_place(
        cart=cart,
        checkout_key=new_key(),
        details=details(delivery_method=courier, address="вул. Хрещатик, 1"),
    )
    assert order.delivery_price == Decimal("150.00")  # under the free threshold


def test_an_empty_cart_cannot_be_ordered():
    with pytest.raises(ApplicationError) as refused:
        order_place(cart=cart_with(), checkout_key=new_key(), details=details())
    assert refused.value.code == "orders.empty_cart"


def test_a_card_order_holds_the_goods_until_its_reservation_ends():
    variant = first_variant(make_product(stock=3))
    order = order_place(
        cart=cart_with((variant, 2)),
        checkout_key=new_key(),
        details=details(payment_method=PaymentMethod.CARD),
    )
    assert order.payment_status == PaymentStatus.AWAITING
    assert order.reserved_until is not None
    assert not order_reservation_expire(order=order)  # not yet
    assert Stock.objects.get(variant=variant).allocated == 2
    later = order.reserved_until + timedelta(seconds=1)
    assert order_reservation_expire(order=order, now=later)
    order.refresh_from_db()
    assert (order.status, order.payment_status) == (OrderStatus.CANCELLED, PaymentStatus.EXPIRED)
    assert Stock.objects.get(variant=variant).allocated == 0
    assert not order.lines.get().allocations.exists()
    assert not order_reservation_expire(order=order, now=later)  # once


def test_cash_orders_hold_no_reservation_deadline():
    order = order_place(
        cart=cart_with((first_variant(make_product(stock=3)), 1)),
        checkout_key=new_key(),
        details=details(),
    )
    assert order.reserved_until is None
    assert not order_reservation_expire(order=order, now=timezone.now() + timedelta(days=30))
