"""The cart: quantities checked against what can be sold, prices always from the catalogue,
a visitor's cart merged into the customer's at sign-in (issue 3, M10)."""

from decimal import Decimal

import pytest

from kramar.cart.enums import CartStatus
from kramar.cart.models import Cart, CartLine
from kramar.cart.selectors import cart_priced
from kramar.cart.services import cart_add, cart_merge, cart_open, cart_set_quantity
from kramar.catalog.models import Product, Variant
from kramar.catalog.services import variant_update
from kramar.catalog.tests.factories import first_variant, make_product
from kramar.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def visitor_cart():
    return cart_open(user=None, token=None)


def test_a_cart_is_priced_from_the_catalogue_now_not_when_the_item_was_added(visitor_cart):
    variant = first_variant(make_product(price="250.00", stock=5))
    cart_add(cart=visitor_cart, variant=variant, quantity=2)
    assert cart_priced(visitor_cart).subtotal == Decimal("500.00")
    variant_update(variant=variant, price="199.99")
    priced = cart_priced(visitor_cart)
    assert priced.subtotal == Decimal("399.98")
    assert priced.vat == Decimal("66.66")  # 20% VAT inside 399.98
    assert priced.can_check_out


def test_adding_more_than_can_be_sold_is_refused_and_changes_nothing(visitor_cart):
    variant = first_variant(make_product(stock=3))
    cart_add(cart=visitor_cart, variant=variant, quantity=2)
    with pytest.raises(ApplicationError) as refused:
        cart_add(cart=visitor_cart, variant=variant, quantity=2)
    assert refused.value.code == "cart.not_enough_stock"
    assert refused.value.extra["available"] == 3
    assert CartLine.objects.get().quantity == 2


@pytest.mark.parametrize("quantity", [0, -1, 1000, True, "2"])
def test_a_quantity_must_be_a_whole_number_from_1_to_999(visitor_cart, quantity):
    variant = first_variant(make_product())
    with pytest.raises(ApplicationError) as refused:
        cart_add(cart=visitor_cart, variant=variant, quantity=quantity)
    assert refused.value.code == "cart.bad_quantity"
    assert not CartLine.objects.exists()


def test_hidden_goods_cannot_be_added(visitor_cart):
    product = make_product()
    Product.objects.filter(pk=product.pk).update(is_active=False)
    with pytest.raises(ApplicationError) as refused:
        cart_add(cart=visitor_cart, variant=first_variant(product), quantity=1)
    assert refused.value.code == "cart.not_for_sale"


def test_a_cart_shows_what_can_no_longer_be_bought(visitor_cart):
    product = make_product(stock=5, variants=2)
    gone, short = list(product.variants.all())
    cart_add(cart=visitor_cart, variant=gone, quantity=1)
    cart_add(cart=visitor_cart, variant=short, quantity=4)
    Variant.objects.filter(pk=gone.pk).update(is_active=False)
    short.stocks.update(quantity=2)
    problems = {line.variant.pk: line.problem for line in cart_priced(visitor_cart).lines}
    assert problems == {gone.pk: "gone", short.pk: "short"}
    assert not cart_priced(visitor_cart).can_check_out


def test_setting_zero_takes_the_item_out(visitor_cart):
    variant = first_variant(make_product())
    cart_add(cart=visitor_cart, variant=variant, quantity=2)
    assert cart_set_quantity(cart=visitor_cart, variant=variant, quantity=0) is None
    assert not CartLine.objects.exists()


def test_lowering_a_quantity_works_even_when_stock_ran_short(visitor_cart):
    variant = first_variant(make_product(stock=5))
    cart_add(cart=visitor_cart, variant=variant, quantity=5)
    variant.stocks.update(quantity=1)
    with pytest.raises(ApplicationError):
        cart_set_quantity(cart=visitor_cart, variant=variant, quantity=6)
    line = cart_set_quantity(cart=visitor_cart, variant=variant, quantity=1)
    assert line is not None and line.quantity == 1


def test_a_customer_has_one_open_cart(customer):
    first = cart_open(user=customer, token=None)
    assert cart_open(user=customer, token=None) == first
    assert cart_open(user=customer, token=str(cart_open(user=None, token=None).token)) == first


def test_a_visitor_cart_merges_into_the_customers_at_sign_in(customer, visitor_cart):
    both = first_variant(make_product(stock=4))
    only_visitor = first_variant(make_product(stock=9))
    mine = cart_open(user=customer, token=None)
    cart_add(cart=mine, variant=both, quantity=3)
    cart_add(cart=visitor_cart, variant=both, quantity=3)
    cart_add(cart=visitor_cart, variant=only_visitor, quantity=2)
    merged = cart_merge(source=visitor_cart, user=customer)
    assert merged == mine
    quantities = {line.variant_id: line.quantity for line in merged.lines.all()}
    assert quantities == {both.pk: 4, only_visitor.pk: 2}  # capped at the 4 in stock
    assert Cart.objects.get(pk=visitor_cart.pk).status == CartStatus.MERGED


def test_a_closed_cart_takes_no_more_goods(visitor_cart):
    Cart.objects.filter(pk=visitor_cart.pk).update(status=CartStatus.ORDERED)
    with pytest.raises(ApplicationError) as refused:
        cart_add(cart=visitor_cart, variant=first_variant(make_product()), quantity=1)
    assert refused.value.code == "cart.closed"
