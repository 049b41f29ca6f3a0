"""The checkout page and the order page (issue 3, M10)."""

import uuid

import pytest
from django.test import Client as Browser

from kramar.accounts.models import User
from kramar.catalog.models import Stock
from kramar.catalog.tests.factories import first_variant, make_product
from kramar.clients.models import Client, Region
from kramar.orders.models import DeliveryMethod, Order

pytestmark = pytest.mark.django_db


def _browser_with(variant, quantity=1):
    browser = Browser()
    browser.post("/cart/add/", {"variant_id": variant.pk, "quantity": quantity})
    return browser


def _form(**changes):
    data = {
        "checkout_key": uuid.uuid4().hex,
        "full_name": "Леся Українка",
        "email": "lesia@example.test",
        "phone": "+380 67 765 43 21",
        "delivery_method": DeliveryMethod.objects.get(code="post").pk,
        "region": Region.objects.get(code="volyn").pk,
        "city": "Луцьк",
        "post_branch": "3",
        "payment_method": "cash_on_delivery",
    }
    data.update(changes)
    return data


def test_a_guest_checks_out_and_lands_on_the_order_page():
    variant = first_variant(make_product("Ковдра Полісся", price="1200.00", stock=4))
    browser = _browser_with(variant, 2)
    assert browser.get("/checkout/").status_code == 200
    response = browser.post("/checkout/", _form())
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/orders/{order.token}/"
    page = browser.get(response["Location"])
    html = page.content.decode()
    assert order.number in html and "Ковдра Полісся" in html
    assert Client.objects.get(pk=order.client_id).name == "Леся Українка"
    assert browser.get("/cart/").context["cart"].lines == []


def test_a_double_submitted_checkout_makes_one_order():
    variant = first_variant(make_product(stock=4))
    browser = _browser_with(variant)
    form = _form()
    first = browser.post("/checkout/", form)
    second = browser.post("/checkout/", form)
    assert Order.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert Stock.objects.get(variant=variant).allocated == 1


def test_signing_up_during_checkout_opens_the_account_and_signs_in():
    variant = first_variant(make_product(stock=4))
    browser = _browser_with(variant)
    browser.post("/checkout/", _form(create_account="on", password="надійний-пароль-2026"))
    user = User.objects.get(email="lesia@example.test")
    order = Order.objects.get()
    assert order.user == user and order.client.user == user
    account = browser.get("/account/")
    assert account.status_code == 200
    assert order.number in account.content.decode()


def test_an_order_that_fails_opens_no_account():
    variant = first_variant(make_product(stock=1))
    browser = _browser_with(variant)
    Stock.objects.filter(variant=variant).update(allocated=1)  # sold meanwhile
    response = browser.post(
        "/checkout/", _form(create_account="on", password="надійний-пароль-2026")
    )
    assert response.status_code == 400
    assert "0" in response.context["form"].non_field_errors()[0]
    assert not User.objects.filter(email="lesia@example.test").exists()
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"region": 999_999}, "region"),
        ({"delivery_method": "x"}, "delivery_method"),
        ({"payment_method": "crypto"}, "payment_method"),  # a method the shop does not offer
        ({"phone": "nonsense"}, "phone"),
        ({"post_branch": ""}, "post_branch"),
        ({"checkout_key": "short"}, "checkout_key"),
    ],
)
def test_tampered_or_wrong_checkout_input_is_a_form_error(changes, field):
    variant = first_variant(make_product(stock=4))
    browser = _browser_with(variant)
    response = browser.post("/checkout/", _form(**changes))
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not Order.objects.exists()


def test_an_unknown_order_link_is_404():
    assert Browser().get(f"/orders/{uuid.uuid4()}/").status_code == 404
    assert Browser().get("/orders/not-a-token/").status_code == 404


def test_an_empty_cart_sends_the_visitor_back_from_the_checkout():
    response = Browser().get("/checkout/")
    assert response.status_code == 302 and response["Location"] == "/cart/"
