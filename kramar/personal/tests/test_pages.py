"""The shop's pages with the personal site: shelves on the product, home and cart pages, only
buyable picks, a bounded number of queries, the offer shown to its client (M7)."""

from datetime import timedelta

import pytest
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from kramar.catalog.services import product_update, stock_set
from kramar.catalog.tests.factories import first_variant, make_warehouse
from kramar.orders.services import order_place
from kramar.orders.tests.support import cart_with, details, new_key
from kramar.personal.enums import SimilarityKind
from kramar.personal.models import ViewBasket
from kramar.personal.services import offer_set, similarity_rebuild

pytestmark = pytest.mark.django_db


def buy(*products, email="buyer@example.test", user=None, **changes):
    cart = cart_with(*((first_variant(p), 1) for p in products), user=user)
    return order_place(
        cart=cart,
        checkout_key=new_key(),
        details=details(email=email, **changes),
        user=user,
        notify=False,
    )


def shelf(response, name):
    return [card.name for card in response.context["shelves"][name]]


def test_the_product_page_shows_bought_together_and_recently_viewed(
    goods, django_assert_max_num_queries
):
    a, b, c, d = goods["a"], goods["b"], goods["c"], goods["d"]
    buy(a, b, email="one@example.test")
    buy(a, c, email="two@example.test")
    similarity_rebuild(kind=SimilarityKind.BOUGHT)
    browser = Browser()
    browser.get(reverse("storefront:product", args=[d.slug]))
    browser.get(reverse("storefront:product", args=[c.slug]))
    with django_assert_max_num_queries(24):
        page = browser.get(reverse("storefront:product", args=[a.slug]))
    assert page.status_code == 200
    assert set(shelf(page, "bought")) == {"product-b", "product-c"}
    assert shelf(page, "recent") == ["product-d"]  # c is already on the "bought" shelf
    assert b"Bought together with it" in page.content
    # the view was remembered: the session's list, and the anonymous visitor's stored list
    assert browser.session["recently_viewed"] == [a.pk, c.pk, d.pk]
    assert ViewBasket.objects.get(user__isnull=True).product_ids == [a.pk, c.pk, d.pk]


def test_the_page_costs_the_same_queries_however_many_shelves_it_fills(
    goods, django_assert_max_num_queries
):
    products = list(goods.values())
    buy(*products)
    similarity_rebuild(kind=SimilarityKind.BOUGHT)
    browser = Browser()
    for product in products[1:]:
        browser.get(reverse("storefront:product", args=[product.slug]))
    with django_assert_max_num_queries(24):
        page = browser.get(reverse("storefront:product", args=[products[0].slug]))
    assert len(shelf(page, "bought")) == 5
    with django_assert_max_num_queries(18):
        home = browser.get(reverse("storefront:home"))
    assert home.status_code == 200
    assert len(shelf(home, "recent")) == 6


def test_picks_never_show_inactive_or_sold_out_products(goods, customer, shopper, client_for):
    a, b, c, d = goods["a"], goods["b"], goods["c"], goods["d"]
    buy(a, b, c, d, email="one@example.test")
    buy(a, b, c, d, email="two@example.test")
    buy(a, user=customer, email=customer.email)
    similarity_rebuild(kind=SimilarityKind.BOUGHT)
    product_update(product=b, is_active=False)
    stock_set(variant=first_variant(c), warehouse=make_warehouse(), quantity=2)  # all promised
    page = client_for(customer).get(reverse("storefront:home"))
    picks = shelf(page, "picks")
    assert "product-d" in picks
    assert not {"product-a", "product-b", "product-c"} & set(picks)  # bought, inactive, sold out
    assert picks[0] == "product-d"  # what goes with their purchase comes before the popular


def test_a_new_visitor_gets_the_popular_products(goods, django_assert_max_num_queries):
    buy(goods["e"], email="one@example.test")
    buy(goods["e"], goods["f"], email="two@example.test")
    with django_assert_max_num_queries(12):
        page = Browser().get(reverse("storefront:home"))
    assert shelf(page, "picks") == ["product-e", "product-f"]


def test_sign_in_merges_the_visitors_views_into_the_customers_list(goods, customer):
    browser = Browser()
    browser.get(reverse("storefront:product", args=[goods["a"].slug]))
    ViewBasket.objects.create(user=customer, product_ids=[goods["b"].pk])
    browser.force_login(customer, backend="django.contrib.auth.backends.ModelBackend")
    assert browser.session["recently_viewed"] == [goods["a"].pk, goods["b"].pk]
    assert ViewBasket.objects.get(user=customer).product_ids == [goods["a"].pk, goods["b"].pk]
    assert not ViewBasket.objects.filter(user__isnull=True).exists()


def test_the_client_sees_their_offer_and_the_discount_in_the_cart(
    goods, customer, shopper, manager, client_for
):
    offer_set(
        actor=manager, client=shopper, percent=10, message="Знижка для постійних",
        valid_until=timezone.localdate() + timedelta(days=3),
    )  # fmt: skip
    browser = client_for(customer)
    home = browser.get(reverse("storefront:home"))
    assert b"Your personal offer" in home.content
    assert "Знижка для постійних" in home.content.decode()
    cart_with((first_variant(goods["a"]), 1), user=customer)
    cart = browser.get(reverse("storefront:cart"))
    assert b'data-testid="cart-discount"' in cart.content
    assert cart.context["cart"].subtotal == 90
    assert b"Your personal offer" not in Browser().get(reverse("storefront:home")).content


def test_the_cart_shows_what_is_bought_with_its_goods(goods, customer, client_for):
    buy(goods["a"], goods["e"], email="one@example.test")
    similarity_rebuild(kind=SimilarityKind.BOUGHT)
    cart_with((first_variant(goods["a"]), 1), user=customer)
    page = client_for(customer).get(reverse("storefront:cart"))
    assert shelf(page, "bought") == ["product-e"]


def test_a_clients_segment_favourites_come_before_the_shops(goods, customer, shopper):
    from kramar.clients.models import Region
    from kramar.orders.models import Order
    from kramar.personal.selectors import personal_pick_ids

    kyiv, lviv = Region.objects.get(code="kyiv-city"), Region.objects.exclude(code="kyiv-city")[0]
    shopper.region = kyiv
    shopper.save(update_fields=["region"])
    # two far-away buyers make f the shop's favourite; one buyer of the client's region buys e
    for email, product, region in [("far1", "f", lviv), ("far2", "f", lviv), ("near", "e", kyiv)]:
        order = buy(goods[product], email=f"{email}@example.test")
        Order.objects.filter(pk=order.pk).update(client_region=region)  # as recorded at the time
    picks = personal_pick_ids(viewed=[], client=shopper)
    assert picks[:2] == [goods["e"].pk, goods["f"].pk]


def test_popular_lists_are_cached_when_asked(goods, settings, django_assert_num_queries):
    from django.core.cache import cache

    from kramar.personal.selectors import popular_ids

    settings.PERSONAL_POPULAR_CACHE_SECONDS = 60
    cache.clear()
    buy(goods["e"])
    assert popular_ids() == [goods["e"].pk]
    with django_assert_num_queries(0):
        assert popular_ids() == [goods["e"].pk]
    cache.clear()
