"""The demo's returns: each fate shown (waiting, accepted, paid back, rejected), written once."""

import random
from collections import Counter

import pytest

from kramar.accounts.enums import Role
from kramar.accounts.tests.factories import CustomerFactory
from kramar.returns import demo
from kramar.returns.models import GoodsReturn
from kramar.returns.tests.support import delivered_order, goods

pytestmark = pytest.mark.django_db


class Context:
    scale = "small"

    def __init__(self):
        self.done = 0

    def progress(self, units):
        self.done += units

    def rng_for(self, key):
        return random.Random(f"2026:{key}")


def test_the_demo_shows_every_fate_of_a_return_and_a_second_run_adds_nothing(make_staff):
    shop = make_staff(Role.SHOP_MANAGER, email="shop@demo.test")
    make_staff(Role.AFTER_SALES, email="service@demo.test")
    make_staff(Role.ACCOUNTANT, email="accountant@demo.test")
    for _ in range(8):
        delivered_order(customer=CustomerFactory(), staff=shop, items=[(goods(), 2), (goods(), 1)])
    context = Context()
    demo.seed(context)
    assert context.done == demo.work_units("small")
    fates = Counter(GoodsReturn.objects.values_list("status", flat=True))
    assert fates == {"requested": 2, "refunded": 2, "accepted": 1, "rejected": 1}
    demo.seed(Context())
    assert GoodsReturn.objects.count() == 6
