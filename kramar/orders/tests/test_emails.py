"""The customer's e-mails about an order: rendered, sent once (issue 3, item 5)."""

import pytest
from django.core import mail

from kramar.catalog.tests.factories import first_variant, make_product
from kramar.orders.models import OrderEvent
from kramar.orders.services import order_place
from kramar.orders.tasks import order_email
from kramar.orders.tests.support import cart_with, details, new_key

pytestmark = pytest.mark.django_db


def test_the_order_email_lists_the_goods_and_links_the_order_once():
    variant = first_variant(make_product("Плед Оберіг", price="899.00", stock=3))
    order = order_place(cart=cart_with((variant, 2)), checkout_key=new_key(), details=details())
    assert order_email.call(order.pk, "placed") == "sent"
    assert order_email.call(order.pk, "placed") == "already sent"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["taras@example.test"]
    assert order.number in message.subject
    assert "Плед Оберіг" in message.body and "1798,00" in message.body  # Ukrainian format
    assert f"/orders/{order.token}/" in message.body
    html, mime = message.alternatives[0]
    assert mime == "text/html" and "Плед Оберіг" in html
    assert OrderEvent.objects.filter(order=order, kind="email_sent").count() == 1


def test_an_unknown_email_kind_sends_nothing():
    order = order_place(
        cart=cart_with((first_variant(make_product(stock=1)), 1)),
        checkout_key=new_key(),
        details=details(),
    )
    assert order_email.call(order.pk, "spam") == "unknown kind"
    assert mail.outbox == []
