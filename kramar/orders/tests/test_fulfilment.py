"""Staff move orders along (issue 3, item 5): each step an event, shipping takes the goods out
of stock, cancelling gives them back, the customer gets an e-mail at each step."""

import pytest
from django.core import mail

from kramar.accounts.enums import Role
from kramar.catalog.models import Stock
from kramar.catalog.tests.factories import first_variant, make_product
from kramar.clients.tests.factories import ClientFactory
from kramar.core.errors import ApplicationError
from kramar.orders.enums import OrderStatus, PaymentStatus
from kramar.orders.models import DeliveryMethod
from kramar.orders.selectors import order_list, orders_visible_to
from kramar.orders.services import order_advance, order_place
from kramar.orders.tasks import order_email
from kramar.orders.tests.support import cart_with, details, new_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(make_staff):
    return make_staff(Role.SHOP_MANAGER)


def _order(stock=5, quantity=2, **changes):
    variant = first_variant(make_product(stock=stock))
    order = order_place(
        cart=cart_with((variant, quantity)), checkout_key=new_key(), details=details(**changes)
    )
    return order, variant


def test_an_order_goes_from_new_to_delivered_and_the_stock_follows(shop):
    order, variant = _order()
    for status in ("confirmed", "packed"):
        order_advance(actor=shop, order=order, status=status)
    order_advance(
        actor=shop, order=order, status="shipped", carrier="Нова пошта", tracking_number="2040"
    )
    stock = Stock.objects.get(variant=variant)
    assert (stock.quantity, stock.allocated) == (3, 0)
    order = order_advance(actor=shop, order=order, status="delivered")
    assert order.payment_status == PaymentStatus.PAID  # cash collected on delivery
    kinds = list(order.events.values_list("kind", flat=True))
    assert kinds == ["placed", "confirmed", "packed", "shipped", "delivered"]
    assert order.events.get(kind="shipped").details["shipped_from"] == {"main": 2}


def test_shipping_needs_a_tracking_number_except_for_pick_up(shop):
    order, _ = _order()
    order_advance(actor=shop, order=order, status="confirmed")
    order_advance(actor=shop, order=order, status="packed")
    with pytest.raises(ApplicationError) as refused:
        order_advance(actor=shop, order=order, status="shipped")
    assert refused.value.extra["field"] == "tracking_number"
    pickup, _ = _order(delivery_method=DeliveryMethod.objects.get(code="pickup"))
    for status in ("confirmed", "packed", "shipped"):
        pickup = order_advance(actor=shop, order=pickup, status=status)
    assert pickup.status == OrderStatus.SHIPPED


def test_cancelling_gives_the_goods_back(shop):
    order, variant = _order(stock=3, quantity=3)
    order_advance(actor=shop, order=order, status="cancelled", note="Клієнт передумав")
    stock = Stock.objects.get(variant=variant)
    assert (stock.quantity, stock.allocated) == (3, 0)
    assert order.events.get(kind="cancelled").details["note"] == "Клієнт передумав"


@pytest.mark.parametrize(("now", "to"), [("new", "shipped"), ("new", "delivered"), ("new", "x")])
def test_steps_cannot_be_skipped_or_invented(shop, now, to):
    order, variant = _order()
    with pytest.raises(ApplicationError) as refused:
        order_advance(actor=shop, order=order, status=to)
    assert refused.value.code == "orders.bad_transition"
    order.refresh_from_db()
    assert order.status == now
    assert Stock.objects.get(variant=variant).allocated == 2


def test_a_delivered_or_cancelled_order_stays_so(shop):
    order, _ = _order()
    order_advance(actor=shop, order=order, status="cancelled")
    with pytest.raises(ApplicationError):
        order_advance(actor=shop, order=order, status="confirmed")


def test_each_step_e_mails_the_customer(shop, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    order, _ = _order()
    with django_capture_on_commit_callbacks(execute=True):
        order_advance(actor=shop, order=order, status="confirmed")
        order_advance(actor=shop, order=order, status="packed")
        order_advance(actor=shop, order=order, status="shipped", tracking_number="59000123")
    queued = [
        r.args_kwargs["args"]
        for r in DBTaskResult.objects.filter(task_path="kramar.orders.tasks.order_email")
    ]
    assert queued == [[order.pk, "shipped"]]  # confirming and packing are not worth an e-mail
    assert order_email.call(order.pk, "shipped") == "sent"
    assert "59000123" in mail.outbox[-1].body


def test_a_manager_sees_only_the_orders_of_their_clients_m11(make_staff, shop):
    manager = make_staff(Role.SALES_MANAGER)
    ClientFactory(manager=manager, emails=["mine@example.test"])
    mine, _ = _order(email="mine@example.test")
    theirs, _ = _order(email="someone@example.test")
    assert list(orders_visible_to(viewer=manager)) == [mine]
    assert set(orders_visible_to(viewer=shop)) == {mine, theirs}
    assert list(order_list(viewer=shop, search=theirs.number)) == [theirs]


# --- The office pages ---------------------------------------------------------------------------


def test_the_shop_manager_ships_from_the_order_card(client_for, shop):
    order, _ = _order()
    office = client_for(shop)
    assert order.number in office.get("/office/orders/").content.decode()
    card = office.get(f"/office/orders/{order.pk}/")
    assert card.status_code == 200
    assert 'data-testid="advance-confirmed"' in card.content.decode()
    office.post(f"/office/orders/{order.pk}/advance/", {"status": "confirmed"})
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED


def test_roles_without_the_right_cannot_move_orders(client_for, make_staff, customer):
    order, _ = _order()
    accountant = make_staff(Role.ACCOUNTANT)
    assert client_for(accountant).get(f"/office/orders/{order.pk}/").status_code == 200
    response = client_for(accountant).post(
        f"/office/orders/{order.pk}/advance/", {"status": "confirmed"}
    )
    assert response.status_code == 403
    assert client_for(customer).get("/office/orders/").status_code == 403
    order.refresh_from_db()
    assert order.status == OrderStatus.NEW


def test_a_manager_cannot_open_another_managers_order(client_for, make_staff):
    order, _ = _order(email="stranger@example.test")
    manager = make_staff(Role.SALES_MANAGER)
    assert client_for(manager).get(f"/office/orders/{order.pk}/").status_code == 404


def test_a_cancelled_order_that_frees_the_last_units_wakes_the_alerts(customer, make_staff):
    from kramar.catalog.alerts import stock_alert_subscribe

    variant = first_variant(make_product(stock=1))
    order = order_place(cart=cart_with((variant, 1)), checkout_key=new_key(), details=details())
    alert = stock_alert_subscribe(user=customer, variant=variant)
    order_advance(actor=make_staff(Role.SHOP_MANAGER), order=order, status="cancelled")
    alert.refresh_from_db()
    assert alert.notified_at is not None
