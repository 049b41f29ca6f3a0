"""A new customer buys in a real browser (issue 3): search, add to cart, sign up during checkout,
pay by the sandbox card, and see the order and its status (M10)."""

import re

import pytest
from playwright.sync_api import expect

from kramar.accounts.models import User
from kramar.catalog.models import Stock
from kramar.catalog.tests.factories import first_variant, make_group, make_product
from kramar.clients.models import Client
from kramar.orders.models import Order
from kramar.payments.tests.support import run_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_customer_finds_buys_signs_up_and_pays_by_card(page, live_server, settings):
    settings.SITE_URL = live_server.url  # where the card page sends the buyer back
    chairs = make_group("Стільці", parent=make_group("Меблі"))
    chair = make_product("Стілець Карпати Арко", group=chairs, price="1499.00", stock=3)
    make_product("Лампа настільна Світанок", group=make_group("Освітлення"), stock=5)

    page.goto("/")
    search = page.get_by_test_id("search-box")
    search.fill("стільці")  # another word form than the product's name
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    cards = page.get_by_test_id("product-card")
    expect(cards).to_have_count(1)
    cards.first.get_by_role("link").click()

    expect(page.get_by_test_id("product")).to_contain_text("Стілець Карпати Арко")
    page.locator("#kr-quantity").fill("2")
    page.get_by_test_id("add-button").click()
    expect(page.get_by_test_id("cart-message")).to_be_visible()
    expect(page.get_by_test_id("cart-badge")).to_contain_text("2")

    page.get_by_test_id("cart-badge").click()
    expect(page.get_by_test_id("cart-total")).to_contain_text("2998")
    page.get_by_test_id("checkout").click()

    form = page.get_by_test_id("checkout-form")
    form.locator("#id_full_name").fill("Ольга Кобилянська")
    form.locator("#id_email").fill("olha@example.test")
    form.locator("#id_phone").fill("067 555 44 33")
    form.get_by_label(re.compile("Нова пошта")).check()
    form.locator("#id_region").select_option(label="Чернівецька область")
    form.locator("#id_city").fill("Чернівці")
    form.locator("#id_post_branch").fill("5")
    form.locator("input[name=payment_method][value=card]").check()
    form.locator("#id_create_account").check()
    form.locator("#id_password").fill("надійний-пароль-2026")
    page.get_by_test_id("place-order").click()

    expect(page).to_have_url(re.compile(r"/payments/sandbox/"))
    expect(page.get_by_test_id("sandbox-amount")).to_contain_text("2998")
    card = page.get_by_test_id("sandbox-card-form")
    card.locator("input[name=number]").fill("4242 4242 4242 4242")
    card.locator("input[name=expiry]").fill("12/39")
    card.locator("input[name=cvc]").fill("123")
    page.get_by_test_id("sandbox-pay").click()

    expect(page).to_have_url(re.compile(r"/orders/[0-9a-f-]+/"))
    order = Order.objects.get()
    expect(page.get_by_test_id("order-number")).to_contain_text(order.number)
    # The provider's webhook arrives from the background, as the worker sends it.
    ran = [name for name, _result in run_tasks()]
    assert any("webhook" in name for name in ran), ran
    page.reload()
    expect(page.get_by_test_id("payment-status")).to_have_text("Оплачено")

    order.refresh_from_db()
    assert (order.payment_status, order.total) == ("paid", 2998)
    user = User.objects.get(email="olha@example.test")
    assert order.user == user and Client.objects.get(user=user) == order.client
    assert Stock.objects.get(variant=first_variant(chair)).allocated == 2

    page.goto("/account/")
    expect(page.get_by_test_id("my-orders")).to_contain_text(order.number)
