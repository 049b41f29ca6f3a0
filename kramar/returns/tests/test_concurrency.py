"""Parallel requests for the same order never ask back more units than were bought: the order
row is locked while the request is checked and written (real parallel connections)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from kramar.accounts.enums import Role
from kramar.core.errors import ApplicationError
from kramar.returns.models import GoodsReturn, ReturnLine
from kramar.returns.services import return_request
from kramar.returns.tests.support import delivered_order, goods

ASKERS = 8


@pytest.mark.django_db(transaction=True)
def test_parallel_requests_for_the_last_units_ask_back_no_more_than_bought(customer, make_staff):
    order = delivered_order(
        customer=customer, staff=make_staff(Role.SHOP_MANAGER), items=[(goods(), 3)]
    )
    line = order.lines.get()
    start = threading.Barrier(ASKERS)

    def ask(_number):
        try:
            start.wait()
            return_request(user=customer, order=order, lines={line.pk: 1}, reason="defective")
            return "asked"
        except ApplicationError as error:
            return error.code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=ASKERS) as pool:
        results = list(pool.map(ask, range(ASKERS)))

    assert results.count("asked") == 3
    assert results.count("returns.nothing_left") == ASKERS - 3  # all asked back: nothing left
    assert GoodsReturn.objects.count() == 3
    assert sum(ReturnLine.objects.values_list("quantity", flat=True)) == 3
