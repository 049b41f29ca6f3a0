"""Card payment through the JSON API: checkout with card, then start the payment (issue 3)."""

import uuid

import pytest

from kramar.catalog.tests.factories import first_variant, make_product
from kramar.payments.models import Payment

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_a_card_checkout_through_the_api_gets_the_payment_page_once(client_for, customer):
    variant = first_variant(make_product(price="999.00", stock=3))
    api = client_for(customer)
    api.post("/api/shop/cart/lines", {"variant_id": variant.pk}, content_type=JSON)
    order = api.post(
        "/api/shop/checkout",
        {
            "checkout_key": uuid.uuid4().hex, "full_name": "Марко Вовчок",
            "email": "marko@example.test", "phone": "0931112233", "delivery_method": "pickup",
            "region": "kyiv-city", "city": "Київ", "payment_method": "card",
        },
        content_type=JSON,
    ).json()  # fmt: skip
    assert order["payment_status"] == "awaiting" and order["reserved_until"]
    first = api.post(f"/api/shop/orders/{order['number']}/payment")
    assert first.status_code == 200, first.content
    assert "/payments/sandbox/" in first.json()["redirect_url"]
    again = api.post(f"/api/shop/orders/{order['number']}/payment")
    assert again.json()["redirect_url"] == first.json()["redirect_url"]
    assert Payment.objects.count() == 1


def test_another_customers_order_cannot_be_paid_through_mine(client_for, customer):
    response = client_for(customer).post("/api/shop/orders/26-999999/payment")
    assert response.status_code == 404
