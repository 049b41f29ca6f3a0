"""Returns in the shop's API: my returns, and asking for one with the page's rules."""

import pytest
from django.test import Client as HttpClient

from kramar.accounts.enums import Role
from kramar.accounts.tests.factories import CustomerFactory
from kramar.catalog.tests.factories import make_warehouse
from kramar.orders.services import order_place
from kramar.orders.tests.support import cart_with, details, new_key
from kramar.returns.models import GoodsReturn
from kramar.returns.services import return_accept, return_request
from kramar.returns.tests.support import delivered_order, goods

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def shop(make_staff):
    return make_staff(Role.SHOP_MANAGER)


@pytest.fixture
def order(customer, shop):
    return delivered_order(
        customer=customer, staff=shop, items=[(goods("250.00"), 3), (goods("80.00"), 1)]
    )


def _url(order):
    return f"/api/shop/orders/{order.number}/returns"


def _body(order, units=1, **changes):
    line = order.lines.order_by("-unit_price").first()
    body = {"lines": [{"sku": line.sku, "quantity": units}], "reason": "defective"}
    body.update(changes)
    return body


def test_a_customer_asks_for_a_return_and_follows_it(client_for, customer, order, shop):
    api = client_for(customer)
    made = api.post(_url(order), _body(order, 2, comment="Тріснула ручка"), content_type=JSON)
    assert made.status_code == 201, made.content
    answer = made.json()
    assert (answer["order"], answer["status"], answer["reason"]) == (
        order.number, "requested", "defective",
    )  # fmt: skip
    assert answer["refund_amount"] == "500.00" and answer["lines"][0]["quantity"] == 2
    return_accept(actor=shop, goods_return=GoodsReturn.objects.get(), warehouse=make_warehouse())
    mine = api.get("/api/shop/returns").json()
    assert [(row["number"], row["status"]) for row in mine["items"]] == [
        (answer["number"], "accepted")
    ]
    assert mine["items"][0]["refund_method"] == "bank_transfer"


def test_a_customer_sees_only_their_own_returns(client_for, customer, order):
    line = order.lines.order_by("pk").first()
    return_request(user=customer, order=order, lines={line.pk: 1}, reason="defective")
    stranger = client_for(CustomerFactory())
    assert stranger.get("/api/shop/returns").json()["items"] == []
    answer = stranger.post(_url(order), _body(order), content_type=JSON)
    assert answer.status_code == 404 and answer.json()["code"] == "orders.not_found"
    assert GoodsReturn.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"units": 4}, 400, "returns.too_many"),
        ({"reason": "boredom"}, 400, "returns.bad_reason"),
        ({"reason": "other"}, 400, "returns.comment_required"),
        ({"lines": [{"sku": "NO-SUCH-SKU", "quantity": 1}]}, 400, "returns.bad_line"),
        ({"units": 0}, 422, "validation_error"),
        ({"lines": []}, 422, "validation_error"),
        ({"comment": "a\x00b"}, 422, "validation_error"),
        ({"surprise": 1}, 422, "validation_error"),
    ],
)
def test_a_wrong_return_is_refused_with_a_problem(
    client_for, customer, order, changes, status, code
):
    units = changes.pop("units", 1)
    answer = client_for(customer).post(
        _url(order), _body(order, units, **changes), content_type=JSON
    )
    assert answer.status_code == status, answer.content
    assert answer.json()["code"] == code
    assert not GoodsReturn.objects.exists()


def test_each_line_is_named_once(client_for, customer, order):
    line = order.lines.order_by("pk").first()
    twice = [{"sku": line.sku, "quantity": 1}, {"sku": line.sku, "quantity": 1}]
    answer = client_for(customer).post(_url(order), _body(order, lines=twice), content_type=JSON)
    assert (answer.status_code, answer.json()["code"]) == (400, "returns.bad_line")


def test_an_order_not_delivered_is_refused(client_for, customer):
    order = order_place(
        cart=cart_with((goods(), 1), user=customer), checkout_key=new_key(), user=customer,
        details=details(),
    )  # fmt: skip
    answer = client_for(customer).post(_url(order), _body(order), content_type=JSON)
    assert (answer.status_code, answer.json()["code"]) == (409, "returns.not_delivered")


def test_the_returns_api_needs_a_signed_in_customer(order):
    assert HttpClient().get("/api/shop/returns").status_code == 401
    assert HttpClient().post(_url(order), _body(order), content_type=JSON).status_code == 401
    assert not GoodsReturn.objects.exists()
