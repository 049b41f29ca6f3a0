"""No overselling under concurrent checkouts (issue 3): real parallel connections to PostgreSQL.

50 buyers, each with their own cart holding one unit of the same variant, place their orders at
the same moment against 10 units: exactly 10 orders, 40 clean "out of stock" answers.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from kramar.catalog.models import Stock
from kramar.catalog.tests.factories import first_variant, make_product
from kramar.core.errors import ApplicationError
from kramar.orders.models import Order
from kramar.orders.services import order_place
from kramar.orders.tests.support import cart_with, details, new_key

BUYERS = 50
UNITS = 10


@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_buyers_for_ten_units_get_ten_orders_and_forty_refusals():
    variant = first_variant(make_product(stock=UNITS))
    other = first_variant(make_product(stock=BUYERS))
    # Half the carts also hold another item, so lock order matters (no deadlocks).
    carts = [
        cart_with((variant, 1), (other, 1)) if number % 2 else cart_with((other, 1), (variant, 1))
        for number in range(BUYERS)
    ]
    start = threading.Barrier(BUYERS)

    def buy(cart):
        try:
            start.wait()
            order_place(cart=cart, checkout_key=new_key(), details=details())
            return "order"
        except ApplicationError as error:
            return error.code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=BUYERS) as pool:
        results = list(pool.map(buy, carts))

    assert results.count("order") == UNITS
    assert results.count("orders.out_of_stock") == BUYERS - UNITS
    stock = Stock.objects.get(variant=variant)
    assert (stock.quantity, stock.allocated) == (UNITS, UNITS)
    assert Stock.objects.get(variant=other).allocated == UNITS
    assert Order.objects.count() == UNITS
