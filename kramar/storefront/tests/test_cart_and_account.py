"""The shop's cart and account pages (issue 3, M10): a visitor fills a cart, signs up (and
becomes a CRM client, one record), and keeps the cart."""

import pytest
from django.test import Client as Browser

from kramar.accounts.models import User
from kramar.cart.enums import CartStatus
from kramar.cart.models import Cart, CartLine
from kramar.catalog.tests.factories import first_variant, make_product
from kramar.clients.models import Client

pytestmark = pytest.mark.django_db


def test_a_visitor_adds_to_the_cart_and_sees_todays_total():
    variant = first_variant(make_product("Стілець Арко", price="1299.00", stock=5))
    browser = Browser()
    response = browser.post("/cart/add/", {"variant_id": variant.pk, "quantity": 2})
    assert response.status_code == 302
    page = browser.get("/cart/")
    assert page.context["cart"].subtotal == 2598
    assert "Стілець Арко" in page.content.decode()


def test_adding_through_htmx_answers_with_the_message_and_the_new_badge():
    variant = first_variant(make_product(stock=5))
    response = Browser().post(
        "/cart/add/", {"variant_id": variant.pk, "quantity": 3}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="cart-badge"' in html and "<mark>3</mark>" in html


@pytest.mark.parametrize(
    "data",
    [
        {"variant_id": 999_999, "quantity": 1},
        {"variant_id": "abc", "quantity": 1},
        {"quantity": 1},
        {"variant_id": "VARIANT", "quantity": -2},
        {"variant_id": "VARIANT", "quantity": 5000},
        {"variant_id": "VARIANT", "quantity": 6, "price": "1.00"},
    ],
)
def test_tampered_additions_change_nothing(data):
    variant = first_variant(make_product(price="500.00", stock=5))
    if data.get("variant_id") == "VARIANT":
        data["variant_id"] = variant.pk
    browser = Browser()
    response = browser.post("/cart/add/", data, HTTP_HX_REQUEST="true")
    assert response.status_code in {400, 409}
    assert not CartLine.objects.exists()


def test_a_sent_price_is_ignored():
    variant = first_variant(make_product(price="500.00", stock=5))
    browser = Browser()
    browser.post("/cart/add/", {"variant_id": variant.pk, "quantity": 1, "price": "1.00"})
    assert browser.get("/cart/").context["cart"].subtotal == 500


def test_one_visitor_cannot_touch_anothers_cart():
    variant = first_variant(make_product(stock=5))
    owner = Browser()
    owner.post("/cart/add/", {"variant_id": variant.pk, "quantity": 2})
    stranger = Browser()
    stranger.post(f"/cart/lines/{variant.pk}/", {"quantity": 0})
    assert CartLine.objects.get().quantity == 2


def test_signing_up_makes_a_crm_client_and_keeps_the_cart_m10():
    variant = first_variant(make_product(stock=5))
    browser = Browser()
    browser.post("/cart/add/", {"variant_id": variant.pk, "quantity": 1})
    response = browser.post(
        "/account/sign-up/",
        {"full_name": "Олена Пчілка", "email": "Olena@Example.test", "phone": "067 123 45 67",
         "password": "гарний-пароль-2026"},
    )  # fmt: skip
    assert response.status_code == 302
    user = User.objects.get(email="olena@example.test")
    client = Client.objects.get(user=user)
    assert client.name == "Олена Пчілка"
    assert list(client.phones.values_list("number", flat=True)) == ["+380671234567"]
    cart = Cart.objects.get(user=user, status=CartStatus.OPEN)
    assert [line.variant_id for line in cart.lines.all()] == [variant.pk]


@pytest.mark.parametrize(
    ("field", "value"),
    [("email", "not-an-email"), ("phone", "123"), ("password", "123")],
)
def test_a_bad_sign_up_shows_the_error_and_writes_nothing(field, value):
    data = {
        "full_name": "Х",
        "email": "x@example.test",
        "phone": "",
        "password": "гарний-пароль-2026",
    }
    data[field] = value
    response = Browser().post("/account/sign-up/", data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not User.objects.filter(email="x@example.test").exists()
    assert not Client.objects.exists()


def test_signing_in_merges_the_visitor_cart(customer):
    customer.set_password("гарний-пароль-2026")
    customer.save()
    variant = first_variant(make_product(stock=5))
    browser = Browser()
    browser.post("/cart/add/", {"variant_id": variant.pk, "quantity": 2})
    response = browser.post(
        "/account/login/", {"username": customer.email, "password": "гарний-пароль-2026"}
    )
    assert response.status_code == 302
    cart = Cart.objects.get(user=customer, status=CartStatus.OPEN)
    assert cart.lines.get().quantity == 2
    assert browser.get("/cart/").context["cart"].items == 2


def test_the_account_page_asks_visitors_to_sign_in():
    response = Browser().get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")
