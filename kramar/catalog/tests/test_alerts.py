"""The wishlist and back-in-stock alerts (issue 3, item 7): a customer waits for a sold-out
variant and is e-mailed once when it can be bought again, whichever way it comes back."""

import pytest
from django.core import mail
from django.test import Client as Browser

from kramar.catalog.alerts import stock_alert_subscribe, wishlist_add
from kramar.catalog.models import Product, StockAlert, WishlistItem
from kramar.catalog.selectors import wishlist_of
from kramar.catalog.services import stock_receive, stock_set
from kramar.catalog.tasks import stock_alert_email
from kramar.catalog.tests.factories import first_variant, make_product, make_warehouse
from kramar.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


def test_a_customer_keeps_products_once_and_hidden_ones_drop_out(customer):
    product = make_product("Куртка Говерла")
    assert wishlist_add(user=customer, product=product) == wishlist_add(
        user=customer, product=product
    )
    assert [item.product for item in wishlist_of(user=customer)] == [product]
    Product.objects.filter(pk=product.pk).update(is_active=False)
    assert list(wishlist_of(user=customer)) == []


def test_an_alert_is_only_for_what_is_sold_out(customer):
    variant = first_variant(make_product(stock=2))
    with pytest.raises(ApplicationError) as refused:
        stock_alert_subscribe(user=customer, variant=variant)
    assert refused.value.status == 409
    assert not StockAlert.objects.exists()


def test_goods_received_e_mail_the_waiting_customer_once(
    customer, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    variant = first_variant(make_product("Павербанк Мрія", stock=0))
    alert = stock_alert_subscribe(user=customer, variant=variant)
    assert stock_alert_subscribe(user=customer, variant=variant) == alert
    with django_capture_on_commit_callbacks(execute=True):
        stock_receive(variant=variant, warehouse=make_warehouse(), quantity=5)
        stock_receive(variant=variant, warehouse=make_warehouse(), quantity=5)
    alert.refresh_from_db()
    assert alert.notified_at is not None
    queued = DBTaskResult.objects.filter(task_path="kramar.catalog.tasks.stock_alert_email")
    assert [r.args_kwargs["args"] for r in queued] == [[alert.pk]]
    assert stock_alert_email.call(alert.pk) == "sent"
    assert "Павербанк Мрія" in mail.outbox[0].subject
    assert f"/p/{variant.product.slug}/" in mail.outbox[0].body


def test_a_count_that_stays_at_zero_wakes_nobody(customer):
    variant = first_variant(make_product(stock=0))
    alert = stock_alert_subscribe(user=customer, variant=variant)
    stock_set(variant=variant, warehouse=make_warehouse(), quantity=0)
    alert.refresh_from_db()
    assert alert.notified_at is None


def test_the_pages_need_a_signed_in_customer(client_for, customer):
    product = make_product(stock=0)
    visitor = Browser()
    assert visitor.post(f"/wishlist/{product.pk}/").status_code == 302
    assert not WishlistItem.objects.exists()
    shop = client_for(customer)
    shop.post(f"/wishlist/{product.pk}/")
    shop.post(f"/alerts/{first_variant(product).pk}/")
    page = shop.get("/account/wishlist/")
    assert product.name in page.content.decode()
    assert StockAlert.objects.filter(user=customer).count() == 1
    shop.post(f"/wishlist/{product.pk}/", {"action": "remove"})
    assert not WishlistItem.objects.exists()
    assert shop.post("/wishlist/999999/").status_code == 302  # a message, nothing kept
    assert not WishlistItem.objects.exists()


def test_the_product_page_offers_keeping_and_an_alert_for_what_is_sold_out(client_for, customer):
    product = make_product("Чайник Дніпро", stock=0, variants=1)
    page = client_for(customer).get(f"/p/{product.slug}/").content.decode()
    assert 'data-testid="keep"' in page
    assert f'data-testid="alert-{first_variant(product).sku}"' in page
    assert 'data-testid="keep"' not in Browser().get(f"/p/{product.slug}/").content.decode()
