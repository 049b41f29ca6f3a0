"""A manager's personal offer (M7): record rules, approval above the limit, applied at checkout
only for its client and only while it is valid."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kramar.accounts.enums import Role
from kramar.accounts.tests.factories import CustomerFactory
from kramar.audit.models import AuditEntry
from kramar.cart.selectors import cart_priced
from kramar.catalog.tests.factories import first_variant
from kramar.clients.services import client_for_shop_user
from kramar.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from kramar.crm.enums import ApprovalKind, ApprovalStatus
from kramar.crm.services import approval_decide
from kramar.orders.models import OrderEvent
from kramar.orders.services import order_place
from kramar.orders.tests.support import cart_with, details, new_key
from kramar.personal.models import PersonalOffer
from kramar.personal.services import offer_remove, offer_set

pytestmark = pytest.mark.django_db


def soon(days=7):
    return timezone.localdate() + timedelta(days=days)


def test_a_manager_sets_an_offer_within_the_limit_and_it_is_audited(manager, shopper):
    assert (
        offer_set(actor=manager, client=shopper, percent=5, message="Для вас", valid_until=soon())
        is None
    )
    offer = PersonalOffer.objects.get(client=shopper)
    assert (offer.discount_percent, offer.pending_percent, offer.set_by) == (
        Decimal("5.00"),
        None,
        manager,
    )
    assert AuditEntry.objects.filter(
        model="personal.personaloffer", object_id=str(offer.pk)
    ).exists()


def test_above_the_limit_the_offer_waits_for_a_head_and_applies_on_approval(manager, head, shopper):
    offer_set(actor=manager, client=shopper, percent=5, message="", valid_until=soon())
    asked = offer_set(actor=manager, client=shopper, percent=25, message="опт", valid_until=soon())
    assert (asked.kind, asked.status, asked.value) == (
        ApprovalKind.PERSONAL_OFFER,
        ApprovalStatus.PENDING,
        Decimal("25.00"),
    )
    offer = PersonalOffer.objects.get(client=shopper)
    assert (offer.discount_percent, offer.pending_percent) == (Decimal("5.00"), Decimal("25.00"))
    approval_decide(actor=head, request=asked, approve=True)
    offer.refresh_from_db()
    assert (offer.discount_percent, offer.pending_percent) == (Decimal("25.00"), None)


def test_a_head_sets_any_discount_at_once(head, shopper):
    assert offer_set(actor=head, client=shopper, percent=40, message="", valid_until=soon()) is None
    assert PersonalOffer.objects.get(client=shopper).discount_percent == Decimal("40.00")


@pytest.mark.parametrize("role", [Role.MARKETING, Role.COMPANY_HEAD, Role.ACCOUNTANT])
def test_staff_who_may_not_change_the_client_cannot_set_offers(make_staff, shopper, role):
    with pytest.raises(PermissionDeniedError):
        offer_set(actor=make_staff(role), client=shopper, percent=5, message="", valid_until=soon())
    assert not PersonalOffer.objects.exists()


def test_another_managers_client_is_not_found(make_staff, shopper):
    other = make_staff(Role.SALES_MANAGER)
    with pytest.raises(NotFoundError):
        offer_set(actor=other, client=shopper, percent=5, message="", valid_until=soon())
    with pytest.raises(NotFoundError):
        offer_remove(actor=other, client=shopper)


@pytest.mark.parametrize(
    ("percent", "message", "until"), [(101, "", 7), (-1, "", 7), (5, "", -1), (0, "", 7)]
)
def test_bad_offers_are_refused(manager, shopper, percent, message, until):
    with pytest.raises(ApplicationError):
        offer_set(
            actor=manager, client=shopper, percent=percent, message=message, valid_until=soon(until)
        )
    assert not PersonalOffer.objects.exists()


def _checkout(user, product, email):
    cart = cart_with((first_variant(product), 2), user=user)
    return order_place(cart=cart, checkout_key=new_key(), details=details(email=email), user=user)


def test_the_offer_lowers_the_price_at_checkout_for_its_client_only(
    manager, shopper, customer, goods
):
    offer_set(actor=manager, client=shopper, percent=10, message="", valid_until=soon())
    order = _checkout(customer, goods["a"], customer.email)
    assert (order.subtotal, order.lines.get().unit_price) == (Decimal("180.00"), Decimal("90.00"))
    event = OrderEvent.objects.get(order=order, kind="placed")
    assert event.details["discount"]["percent"] == "10.00"
    assert event.details["discount"]["saving"] == "20.00"
    stranger = CustomerFactory()
    other = _checkout(stranger, goods["b"], stranger.email)
    assert other.subtotal == Decimal("200.00")
    guest = order_place(
        cart=cart_with((first_variant(goods["c"]), 1)),
        checkout_key=new_key(),
        details=details(email=customer.email),
    )
    assert guest.subtotal == Decimal("100.00")  # a guest is not signed in: no offer


def test_an_expired_offer_no_longer_applies(manager, shopper, customer, goods):
    offer_set(actor=manager, client=shopper, percent=10, message="", valid_until=soon(0))
    cart = cart_with((first_variant(goods["a"]), 1), user=customer)
    assert cart_priced(cart).subtotal == Decimal("90.00")  # the last day still counts
    PersonalOffer.objects.filter(client=shopper).update(valid_until=soon(-1))
    priced = cart_priced(cart)
    assert (priced.subtotal, priced.discount) == (Decimal("100.00"), None)


def test_a_company_offer_serves_its_contact_persons(manager, customer, goods):
    from kramar.clients.tests.factories import ClientFactory

    company = ClientFactory(kind="company", name="ТОВ Меблі", manager=manager)
    person = client_for_shop_user(user=customer)
    person.company = company
    person.save(update_fields=["company"])
    offer_set(actor=manager, client=company, percent=8, message="", valid_until=soon())
    cart = cart_with((first_variant(goods["a"]), 1), user=customer)
    assert cart_priced(cart).subtotal == Decimal("92.00")


def test_the_cart_api_shows_the_discount(manager, shopper, customer, goods, client_for):
    offer_set(actor=manager, client=shopper, percent=10, message="", valid_until=soon())
    cart_with((first_variant(goods["a"]), 3), user=customer)
    body = client_for(customer).get("/api/shop/cart").json()
    assert (body["subtotal"], body["discount_percent"], body["saving"]) == (
        "270.00",
        "10.00",
        "30.00",
    )
    assert (body["lines"][0]["unit_price"], body["lines"][0]["list_price"]) == ("90.00", "100.00")


def test_the_product_page_shows_its_client_the_price_the_cart_will_charge(
    manager, shopper, customer, goods, client_for, settings
):
    settings.LANGUAGE_CODE = "en"
    offer_set(actor=manager, client=shopper, percent="7.5", message="", valid_until=soon())
    page = client_for(customer).get(f"/p/{goods['a'].slug}/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert 'data-testid="personal-price"' in html and "92.50" in html and "7.50%" in html
    cart = cart_with((first_variant(goods["a"]), 1), user=customer)
    assert cart_priced(cart).subtotal == Decimal("92.50")  # the same price in the cart
    stranger = client_for(CustomerFactory()).get(f"/p/{goods['a'].slug}/")
    assert 'data-testid="personal-price"' not in stranger.content.decode()
    assert (
        'data-testid="personal-price"'
        not in client_for(manager).get(f"/p/{goods['a'].slug}/").content.decode()
    )  # staff browsing the shop see the catalogue's prices
