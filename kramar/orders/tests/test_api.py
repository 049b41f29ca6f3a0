"""The shop's JSON API: the customer's cart, checkout and own orders (issue 3)."""

import uuid

import pytest
from django.test import Client as HttpClient

from kramar.accounts.services import customer_register
from kramar.cart.models import CartLine
from kramar.catalog.models import Stock
from kramar.catalog.tests.factories import first_variant, make_product
from kramar.orders.models import Order
from kramar.orders.services import order_place
from kramar.orders.tests.support import cart_with, details, new_key

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _checkout(**changes):
    body = {
        "checkout_key": uuid.uuid4().hex,
        "full_name": "Іван Франко",
        "email": "ivan@example.test",
        "phone": "0501234567",
        "delivery_method": "post",
        "region": "lviv",
        "city": "Львів",
        "post_branch": "7",
        "payment_method": "cash_on_delivery",
    }
    body.update(changes)
    return body


def test_a_customer_fills_the_cart_and_checks_out_through_the_api(client_for, customer):
    variant = first_variant(make_product("Рушник Ятрань", price="240.00", stock=6))
    api = client_for(customer)
    added = api.post(
        "/api/shop/cart/lines", {"variant_id": variant.pk, "quantity": 3}, content_type=JSON
    )
    assert added.status_code == 200, added.content
    assert added.json()["subtotal"] == "720.00"
    changed = api.put(f"/api/shop/cart/lines/{variant.pk}", {"quantity": 2}, content_type=JSON)
    assert changed.json()["items"] == 2
    body = _checkout()
    placed = api.post("/api/shop/checkout", body, content_type=JSON)
    assert placed.status_code == 201, placed.content
    order = placed.json()
    assert (order["subtotal"], order["delivery_price"], order["total"]) == (
        "480.00", "80.00", "560.00",
    )  # fmt: skip
    assert [line["sku"] for line in order["lines"]] == [variant.sku]
    assert Order.objects.get().channel == "api"
    again = api.post("/api/shop/checkout", body, content_type=JSON)
    assert again.status_code == 201 and again.json()["number"] == order["number"]
    assert Order.objects.count() == 1
    assert api.get("/api/shop/cart").json()["lines"] == []
    mine = api.get("/api/shop/orders").json()
    assert [row["number"] for row in mine["items"]] == [order["number"]]
    assert api.get(f"/api/shop/orders/{order['number']}").json()["status"] == "new"


def test_a_customer_sees_only_their_own_orders(client_for, customer):
    stranger = customer_register(email="other@example.test", password=None)
    theirs = order_place(
        cart=cart_with((first_variant(make_product(stock=2)), 1), user=stranger),
        checkout_key=new_key(),
        user=stranger,
        details=details(),
    )
    api = client_for(customer)
    assert api.get("/api/shop/orders").json()["items"] == []
    assert api.get(f"/api/shop/orders/{theirs.number}").status_code == 404


def test_a_price_sent_with_the_cart_is_refused(client_for, customer):
    variant = first_variant(make_product(price="500.00", stock=5))
    response = client_for(customer).post(
        "/api/shop/cart/lines",
        {"variant_id": variant.pk, "quantity": 1, "price": "1.00"},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert not CartLine.objects.exists()


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"variant_id": 999_999, "quantity": 1}, 404),
        ({"variant_id": "VARIANT", "quantity": -1}, 422),
        ({"variant_id": "VARIANT", "quantity": 0}, 422),
        ({"variant_id": "VARIANT", "quantity": 7}, 409),
        ({"variant_id": 0, "quantity": 1}, 422),
    ],
)
def test_tampered_cart_input_gets_a_problem_and_changes_nothing(
    client_for, customer, payload, status
):
    variant = first_variant(make_product(stock=5))
    if payload["variant_id"] == "VARIANT":
        payload["variant_id"] = variant.pk
    response = client_for(customer).post("/api/shop/cart/lines", payload, content_type=JSON)
    assert response.status_code == status
    assert set(response.json()) == {"code", "message", "extra"}
    assert not CartLine.objects.exists()


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"payment_method": "barter"}, 400, "orders.bad_payment_method"),
        ({"region": "atlantis"}, 400, "orders.bad_delivery"),
        ({"delivery_method": "teleport"}, 400, "orders.bad_delivery"),
        ({"email": "nope"}, 400, "orders.bad_contact"),
        ({"checkout_key": "short"}, 422, "validation_error"),
        ({"city": "Львів\x00"}, 422, "validation_error"),
    ],
)
def test_bad_checkout_input_is_refused_and_nothing_is_sold(
    client_for, customer, changes, status, code
):
    variant = first_variant(make_product(stock=5))
    api = client_for(customer)
    api.post("/api/shop/cart/lines", {"variant_id": variant.pk}, content_type=JSON)
    response = api.post("/api/shop/checkout", _checkout(**changes), content_type=JSON)
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert not Order.objects.exists()
    assert Stock.objects.get(variant=variant).allocated == 0


def test_an_empty_cart_cannot_be_checked_out(client_for, customer):
    response = client_for(customer).post("/api/shop/checkout", _checkout(), content_type=JSON)
    assert response.status_code == 400
    assert response.json()["code"] == "orders.empty_cart"


def test_visitors_must_sign_in_but_may_read_the_delivery_methods():
    visitor = HttpClient()
    assert visitor.get("/api/shop/cart").status_code == 401
    assert visitor.post("/api/shop/checkout", _checkout(), content_type=JSON).status_code == 401
    methods = visitor.get("/api/shop/delivery-methods").json()
    assert [m["code"] for m in methods] == ["post", "courier", "pickup"]
