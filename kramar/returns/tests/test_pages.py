"""The return pages: the customer's form on a delivered order and the account, the office's queue
and the decisions on the order card, with the permission matrix (nothing changes on a denial)."""

from datetime import timedelta

import pytest
from django.test import Client as Browser

from kramar.accounts.enums import Role
from kramar.accounts.tests.factories import CustomerFactory, StaffFactory
from kramar.catalog.models import Stock
from kramar.catalog.tests.factories import make_warehouse
from kramar.orders.models import OrderEvent
from kramar.returns.models import GoodsReturn
from kramar.returns.services import return_accept, return_request
from kramar.returns.tests.support import delivered_order, goods

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(make_staff):
    return make_staff(Role.SHOP_MANAGER)


@pytest.fixture
def order(customer, shop):
    return delivered_order(
        customer=customer, staff=shop, items=[(goods("300.00"), 2), (goods("50.00"), 4)]
    )


@pytest.fixture
def asked(order, customer):
    line = order.lines.order_by("pk").first()
    return return_request(user=customer, order=order, lines={line.pk: 1}, reason="defective")


def _snapshot():
    return (
        list(GoodsReturn.objects.order_by("pk").values_list("status", "warehouse_id")),
        sorted(Stock.objects.values_list("pk", "quantity")),
        OrderEvent.objects.count(),
    )


# --- The shop -----------------------------------------------------------------------------------


def test_the_customer_returns_goods_from_the_order_page(client_for, customer, order):
    browser = client_for(customer)
    page = browser.get(f"/orders/{order.token}/").content.decode()
    assert 'data-testid="return-goods"' in page
    form = browser.get(f"/orders/{order.token}/return/")
    assert form.status_code == 200
    first, second = order.lines.order_by("pk")
    answer = browser.post(
        f"/orders/{order.token}/return/",
        {f"line_{first.pk}": "2", f"line_{second.pk}": "0", "reason": "wrong_item", "comment": ""},
    )
    assert answer.status_code == 302 and answer["Location"] == f"/orders/{order.token}/"
    made = GoodsReturn.objects.get()
    assert [(line.order_line, line.quantity) for line in made.lines.all()] == [(first, 2)]
    page = browser.get(f"/orders/{order.token}/").content.decode()
    assert made.number in page and 'data-testid="order-returns"' in page
    account = browser.get("/account/").content.decode()
    assert made.number in account
    assert f'data-testid="return-goods-{order.number}"' in account  # the pillows are left


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"first": "3"}, None),
        ({"first": "0"}, "Choose at least one item to return."),
        ({"first": "-1"}, None),
        ({"first": "1", "reason": "boredom"}, None),
        ({"first": "1", "reason": "other"}, "Tell us in a few words why you return the goods."),
        ({"first": "abc"}, None),
    ],
)
def test_a_wrong_return_form_is_shown_again_and_writes_nothing(
    client_for, customer, order, fields, error
):
    first = order.lines.order_by("pk").first()
    data = {"reason": fields.get("reason", "defective"), f"line_{first.pk}": fields["first"]}
    answer = client_for(customer).post(f"/orders/{order.token}/return/", data)
    assert answer.status_code == 400 and 'role="alert"' in answer.text
    if error:
        assert error in answer.content.decode()
    assert not GoodsReturn.objects.exists()


def test_only_the_orders_customer_sees_the_return_form(client_for, order):
    url = f"/orders/{order.token}/return/"
    anonymous = Browser().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/account/login/")
    assert 'data-testid="return-goods"' not in Browser().get(f"/orders/{order.token}/").text
    stranger = client_for(CustomerFactory())
    assert stranger.get(url).status_code == 404
    assert stranger.post(url, {"reason": "defective"}).status_code == 404
    assert not GoodsReturn.objects.exists()


def test_an_order_past_the_return_period_offers_no_return(client_for, customer, order):
    OrderEvent.objects.filter(order=order, kind="delivered").update(
        occurred_at=OrderEvent.objects.get(order=order, kind="delivered").occurred_at
        - timedelta(days=20)
    )
    browser = client_for(customer)
    assert 'data-testid="return-goods"' not in browser.get(f"/orders/{order.token}/").text
    answer = browser.get(f"/orders/{order.token}/return/")
    assert answer.status_code == 302 and answer["Location"] == f"/orders/{order.token}/"
    assert "14 days" in browser.get(answer["Location"]).text


# --- The office: the queue ------------------------------------------------------------------------


def test_the_queue_filters_by_status(client_for, shop, asked, order, customer):
    line = order.lines.order_by("pk").last()
    other = return_request(user=customer, order=order, lines={line.pk: 2}, reason="damaged")
    return_accept(actor=shop, goods_return=other, warehouse=make_warehouse())
    browser = client_for(shop)
    assert list(browser.get("/office/returns/").context["page"]) == [asked, other]
    assert list(browser.get("/office/returns/?status=accepted").context["page"]) == [other]
    assert list(browser.get("/office/returns/?status=nonsense").context["page"]) == [asked, other]


def test_the_queue_renders_many_returns_in_a_bounded_number_of_queries(
    client_for, shop, customer, django_assert_max_num_queries
):
    for _ in range(12):
        order = delivered_order(customer=customer, staff=shop, items=[(goods(), 2)])
        return_request(
            user=customer, order=order, lines={order.lines.get().pk: 1}, reason="defective"
        )
    browser = client_for(shop)
    with django_assert_max_num_queries(12):
        page = browser.get("/office/returns/")
    assert page.status_code == 200 and len(page.context["page"]) == 12


def test_who_may_open_the_queue(client_for, customer, asked):
    anonymous = Browser().get("/office/returns/")
    assert anonymous.status_code == 302 and "/office/login/" in anonymous["Location"]
    assert client_for(customer).get("/office/returns/").status_code == 403
    assert client_for(StaffFactory(roles=[])).get("/office/returns/").status_code == 403
    marketing = client_for(StaffFactory(roles=[Role.MARKETING]))
    assert asked.number in marketing.get("/office/returns/").text


def test_a_sales_manager_sees_only_the_returns_of_their_clients(client_for, sales_manager, asked):
    page = client_for(sales_manager).get("/office/returns/")
    assert page.status_code == 200 and list(page.context["page"]) == []


# --- The office: deciding on the order card ------------------------------------------------


def _post(browser, goods_return, action, **data):
    return browser.post(f"/office/returns/{goods_return.pk}/{action}/", data)


@pytest.mark.parametrize("action", ["accept", "reject", "refunded"])
def test_anonymous_and_customers_change_nothing(client_for, customer, asked, action):
    before = _snapshot()
    data = {"warehouse": make_warehouse().pk, "reason": "Ні"}
    anonymous = _post(Browser(), asked, action, **data)
    assert anonymous.status_code == 302 and "/office/login/" in anonymous["Location"]
    assert _post(client_for(customer), asked, action, **data).status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("role", "action"),
    [
        (Role.MARKETING, "accept"),
        (Role.MARKETING, "reject"),
        (Role.ACCOUNTANT, "accept"),
        (Role.ACCOUNTANT, "reject"),
        (Role.SALES_MANAGER, "accept"),
        (Role.SHOP_MANAGER, "refunded"),
        (Role.AFTER_SALES, "refunded"),
    ],
)
def test_staff_without_the_right_change_nothing(client_for, make_staff, asked, role, action):
    before = _snapshot()
    data = {"warehouse": make_warehouse().pk, "reason": "Ні"}
    assert _post(client_for(make_staff(role)), asked, action, **data).status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize("role", [Role.SHOP_MANAGER, Role.AFTER_SALES, Role.ADMINISTRATOR])
def test_staff_with_the_right_accept_into_the_chosen_warehouse(
    client_for, make_staff, asked, order, role
):
    person = make_staff(role)
    browser = client_for(person)
    card = browser.get(f"/office/orders/{order.pk}/").text
    assert f'data-testid="accept-{asked.pk}"' in card and f'data-testid="reject-{asked.pk}"' in card
    spare = make_warehouse("spare")
    answer = _post(browser, asked, "accept", warehouse=spare.pk, note="Ціле")
    assert answer.status_code == 302
    assert answer["Location"] == f"/office/orders/{order.pk}/#return-{asked.pk}"
    asked.refresh_from_db()
    assert (asked.status, asked.warehouse, asked.decided_by) == ("accepted", spare, person)
    line = asked.lines.get()
    assert Stock.objects.get(warehouse=spare, variant_id=line.order_line.variant_id).quantity == 1
    card = browser.get(f"/office/orders/{order.pk}/").text
    assert 'data-testid="refund-due"' in card


def test_a_rejection_without_a_reason_is_refused_on_the_card(client_for, shop, asked, order):
    before = _snapshot()
    browser = client_for(shop)
    answer = _post(browser, asked, "reject", reason="  ")
    assert answer.status_code == 302
    assert _snapshot() == before
    assert "Say why the return is rejected" in browser.get(answer["Location"]).text
    _post(browser, asked, "reject", reason="Сліди використання")
    asked.refresh_from_db()
    assert (asked.status, asked.decision_note) == ("rejected", "Сліди використання")


def test_an_unknown_warehouse_is_refused_on_the_card(client_for, shop, asked):
    before = _snapshot()
    answer = _post(client_for(shop), asked, "accept", warehouse="999999")
    assert answer.status_code == 302
    assert _snapshot() == before


def test_the_accountant_marks_a_bank_transfer_refunded(client_for, make_staff, shop, asked, order):
    return_accept(actor=shop, goods_return=asked, warehouse=make_warehouse())
    accountant = make_staff(Role.ACCOUNTANT)
    browser = client_for(accountant)
    card = browser.get(f"/office/orders/{order.pk}/").text
    assert f'data-testid="refunded-{asked.pk}"' in card
    assert f'data-testid="accept-{asked.pk}"' not in card
    assert _post(browser, asked, "refunded", note="ПН-77").status_code == 302
    asked.refresh_from_db()
    assert (asked.status, asked.refunded_by, asked.refund_note) == ("refunded", accountant, "ПН-77")
    assert (
        f'data-testid="refunded-{asked.pk}"' not in browser.get(f"/office/orders/{order.pk}/").text
    )


def test_the_order_card_shows_the_returns_read_only_to_those_who_only_look(
    client_for, make_staff, asked, order
):
    card = client_for(make_staff(Role.COMPANY_HEAD)).get(f"/office/orders/{order.pk}/").text
    assert asked.number in card
    assert f'data-testid="accept-{asked.pk}"' not in card
    assert f'data-testid="reject-{asked.pk}"' not in card
