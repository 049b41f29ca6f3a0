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


def test_a_customer_orders_again_and_the_checkout_starts_from_the_last_address(
    client_for, customer
):
    from kramar.catalog.models import Stock as StockRow

    roomy = first_variant(make_product("Чайник Дніпро", stock=5))
    scarce = first_variant(make_product("Кавоварка Мрія", stock=1))
    shop = client_for(customer)
    shop.post("/cart/add/", {"variant_id": roomy.pk, "quantity": 2})
    shop.post("/cart/add/", {"variant_id": scarce.pk, "quantity": 1})
    shop.post("/checkout/", _form(city="Ковель", post_branch="9"))
    order = Order.objects.get()
    account = shop.get("/account/").content.decode()
    assert "Ковель" in account and 'data-testid="reorder"' in account
    StockRow.objects.filter(variant=scarce).update(quantity=1)  # the last one is promised
    response = shop.post(f"/account/orders/{order.token}/reorder/")
    assert response.status_code == 302
    cart = shop.get("/cart/").context["cart"]
    assert {line.variant.pk: line.quantity for line in cart.lines} == {roomy.pk: 2}
    form = shop.get("/checkout/").context["form"]
    assert (form.initial["city"], form.initial["post_branch"]) == ("Ковель", "9")


def test_nobody_reorders_someone_elses_order(client_for, customer):
    variant = first_variant(make_product(stock=5))
    browser = _browser_with(variant)
    browser.post("/checkout/", _form())
    order = Order.objects.get()
    assert client_for(customer).post(f"/account/orders/{order.token}/reorder/").status_code == 404


def test_the_campaign_a_visitor_came_from_is_kept_on_the_order_m18():
    variant = first_variant(make_product(stock=4))
    browser = Browser()
    browser.get("/?utm_source=google&utm_medium=cpc&utm_campaign=winter-sale")
    browser.get("/cart/")  # later pages without UTM keep the campaign
    browser.post("/cart/add/", {"variant_id": variant.pk, "quantity": 1})
    browser.post("/checkout/", _form())
    order = Order.objects.get()
    assert (order.utm_source, order.utm_medium, order.utm_campaign) == (
        "google", "cpc", "winter-sale",
    )  # fmt: skip


def test_office_and_api_addresses_do_not_touch_the_campaign():
    browser = Browser()
    browser.get("/?utm_campaign=first")
    browser.get("/api/catalog/groups?utm_campaign=api-call")
    browser.get("/office/?utm_campaign=office")
    assert browser.session["utm"]["campaign"] == "first"
