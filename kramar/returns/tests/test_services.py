"""Returns (issue 3, item 8): the customer asks for a delivered order within RETURN_DAYS, staff
accept (goods back into a warehouse, money owed) or reject with a reason, the money goes back;
every step is an order event and a line on the client's timeline."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail

from kramar.accounts.enums import Role
from kramar.accounts.tests.factories import CustomerFactory
from kramar.catalog.models import Stock
from kramar.catalog.tests.factories import make_warehouse
from kramar.clients.models import TimelineEntry
from kramar.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from kramar.orders.enums import OrderStatus, PaymentMethod
from kramar.orders.services import order_advance, order_place
from kramar.orders.tests.support import cart_with, details, new_key
from kramar.returns.enums import RefundMethod, ReturnStatus
from kramar.returns.models import GoodsReturn
from kramar.returns.selectors import delivered_at, orders_returnable, return_refusal
from kramar.returns.services import (
    return_accept,
    return_mark_refunded,
    return_reject,
    return_request,
)
from kramar.returns.tasks import return_email
from kramar.returns.tests.support import delivered_order, goods, run_all_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(make_staff):
    return make_staff(Role.SHOP_MANAGER)


@pytest.fixture
def accountant(make_staff):
    return make_staff(Role.ACCOUNTANT)


@pytest.fixture
def order(customer, shop):
    """A delivered cash order: 2 blankets at 450.00 and 1 pillow at 199.90 (delivery 60.00)."""
    blanket, pillow = goods("450.00", stock=5), goods("199.90", stock=5)
    return delivered_order(customer=customer, staff=shop, items=[(blanket, 2), (pillow, 1)])


def _lines(order):
    blanket, pillow = order.lines.order_by("unit_price").reverse()
    return blanket, pillow


def _ask(order, customer, wanted, **kwargs):
    return return_request(
        user=customer, order=order, lines={line.pk: units for line, units in wanted}, **kwargs
    )


def _refused(code, call, *args, **kwargs):
    with pytest.raises(ApplicationError) as refused:
        call(*args, **kwargs)
    assert refused.value.code == code, refused.value.message
    return refused.value


# --- Asking -------------------------------------------------------------------------------------


def test_a_customer_asks_to_return_part_of_a_delivered_order(order, customer):
    blanket, _pillow = _lines(order)
    made = _ask(order, customer, [(blanket, 1)], reason="defective", comment="Шов розійшовся")
    assert made.number == f"П-{made.pk:06d}"
    assert (made.status, made.reason, made.comment) == ("requested", "defective", "Шов розійшовся")
    assert made.refund_amount == Decimal("450.00") and made.requested_by == customer
    assert [(line.order_line, line.quantity) for line in made.lines.all()] == [(blanket, 1)]
    event = order.events.get(kind="note", details__step="return_requested")
    assert event.details["return"] == made.number and event.actor == customer
    entry = TimelineEntry.objects.get(client=order.client, details__reason="defective")
    assert made.number in entry.summary
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED


def test_a_return_is_asked_within_14_days_after_the_day_of_delivery(order, customer):
    blanket, _pillow = _lines(order)
    delivered = delivered_at(order)
    assert return_refusal(order=order, user=customer, now=delivered + timedelta(days=14)) is None
    error = _refused(
        "returns.too_late", _ask, order, customer, [(blanket, 1)], reason="changed_mind",
        now=delivered + timedelta(days=15),
    )  # fmt: skip
    assert error.status == 409 and error.extra["last_day"]
    assert not GoodsReturn.objects.exists()
    made = _ask(
        order, customer, [(blanket, 1)], reason="changed_mind", now=delivered + timedelta(days=14)
    )
    assert made.status == "requested"


def test_the_return_period_is_a_setting(order, customer, settings):
    settings.RETURN_DAYS = 3
    delivered = delivered_at(order)
    assert return_refusal(order=order, user=customer, now=delivered + timedelta(days=3)) is None
    late = return_refusal(order=order, user=customer, now=delivered + timedelta(days=4))
    assert late is not None and late.code == "returns.too_late"


@pytest.mark.parametrize("units", [0, -1, True])
def test_a_quantity_below_one_is_refused(order, customer, units):
    blanket, _pillow = _lines(order)
    error = _refused(
        "returns.bad_quantity", _ask, order, customer, [(blanket, units)], reason="defective"
    )
    assert error.extra["field"] == f"line_{blanket.pk}"
    assert not GoodsReturn.objects.exists()


def test_no_more_units_than_bought_minus_those_asked_back_already(order, customer, shop):
    blanket, pillow = _lines(order)
    error = _refused("returns.too_many", _ask, order, customer, [(blanket, 3)], reason="defective")
    assert error.extra["left"] == 2
    first = _ask(order, customer, [(blanket, 1)], reason="defective")
    _refused("returns.too_many", _ask, order, customer, [(blanket, 2)], reason="defective")
    # A rejected return gives its units back to ask for; an accepted one keeps them.
    return_reject(actor=shop, goods_return=first, reason="Слідів браку немає")
    second = _ask(order, customer, [(blanket, 2)], reason="defective")
    return_accept(actor=shop, goods_return=second, warehouse=make_warehouse())
    _refused("returns.too_many", _ask, order, customer, [(blanket, 1)], reason="defective")
    assert _ask(order, customer, [(pillow, 1)], reason="changed_mind").status == "requested"
    assert GoodsReturn.objects.count() == 3


def test_at_least_one_line_of_the_order_itself(order, customer, shop):
    _refused(
        "returns.no_lines", return_request, user=customer, order=order, lines={}, reason="defective"
    )
    other = delivered_order(customer=customer, staff=shop, items=[(goods(), 1)])
    foreign = other.lines.get()
    error = _refused("returns.bad_line", _ask, order, customer, [(foreign, 1)], reason="defective")
    assert error.extra["line"] == foreign.pk
    assert not GoodsReturn.objects.exists()


def test_a_reason_from_the_list_and_words_when_it_is_other(order, customer):
    blanket, _pillow = _lines(order)
    _refused("returns.bad_reason", _ask, order, customer, [(blanket, 1)], reason="boredom")
    _refused("returns.comment_required", _ask, order, customer, [(blanket, 1)], reason="other")
    made = _ask(order, customer, [(blanket, 1)], reason="other", comment="Подарунок не сподобався")
    assert made.reason == "other"


def test_only_the_orders_own_customer_may_ask(order, customer, shop):
    blanket, _pillow = _lines(order)
    stranger = CustomerFactory()
    for someone in (stranger, shop):
        with pytest.raises(NotFoundError):
            _ask(order, someone, [(blanket, 1)], reason="defective")
    guest_order = delivered_order(customer=None, staff=shop, items=[(goods(), 1)])
    with pytest.raises(NotFoundError):
        _ask(guest_order, customer, [(guest_order.lines.get(), 1)], reason="defective")
    assert not GoodsReturn.objects.exists()


@pytest.mark.parametrize("reached", [None, "confirmed", "shipped"])
def test_an_order_not_delivered_cannot_be_returned(customer, shop, reached):
    order = order_place(
        cart=cart_with((goods(), 1), user=customer), checkout_key=new_key(), user=customer,
        details=details(),
    )  # fmt: skip
    for status in ("confirmed", "packed", "shipped"):
        if reached is None:
            break
        order = order_advance(actor=shop, order=order, status=status, tracking_number="1")
        if status == reached:
            break
    error = _refused(
        "returns.not_delivered", _ask, order, customer, [(order.lines.get(), 1)], reason="defective"
    )
    assert error.status == 409
    assert not GoodsReturn.objects.exists()
    assert orders_returnable(user=customer) == set()


def test_the_account_knows_which_orders_can_still_be_returned(order, customer, shop):
    blanket, pillow = _lines(order)
    assert orders_returnable(user=customer) == {order.pk}
    late = delivered_at(order) + timedelta(days=15)
    assert orders_returnable(user=customer, now=late) == set()
    _ask(order, customer, [(blanket, 2), (pillow, 1)], reason="changed_mind")
    assert orders_returnable(user=customer) == set()  # everything is asked back


# --- Deciding -----------------------------------------------------------------------------------


def test_accepting_puts_each_line_back_into_the_chosen_warehouse(order, customer, shop):
    blanket, pillow = _lines(order)
    made = _ask(order, customer, [(blanket, 2), (pillow, 1)], reason="damaged")
    returns_room = make_warehouse("returns")
    main_before = {s.variant_id: s.quantity for s in Stock.objects.filter(warehouse__code="main")}
    accepted = return_accept(
        actor=shop, goods_return=made, warehouse=returns_room, note="Коробки м'яті"
    )
    assert (accepted.status, accepted.warehouse, accepted.decided_by) == (
        ReturnStatus.ACCEPTED, returns_room, shop,
    )  # fmt: skip
    back = {s.variant_id: s.quantity for s in Stock.objects.filter(warehouse=returns_room)}
    assert back == {blanket.variant_id: 2, pillow.variant_id: 1}
    main_after = {s.variant_id: s.quantity for s in Stock.objects.filter(warehouse__code="main")}
    assert main_after == main_before
    event = order.events.get(details__step="return_accepted")
    assert event.details["restocked"] == {blanket.sku: 2, pillow.sku: 1}
    assert event.details["warehouse"] == "returns" and event.actor == shop


def test_a_return_is_accepted_once(order, customer, shop):
    blanket, _pillow = _lines(order)
    made = _ask(order, customer, [(blanket, 1)], reason="defective")
    warehouse = make_warehouse()
    return_accept(actor=shop, goods_return=made, warehouse=warehouse)
    stock = Stock.objects.get(variant_id=blanket.variant_id, warehouse=warehouse).quantity
    error = _refused(
        "returns.bad_status", return_accept, actor=shop, goods_return=made, warehouse=warehouse
    )
    assert error.status == 409
    _refused("returns.bad_status", return_reject, actor=shop, goods_return=made, reason="Ні")
    assert Stock.objects.get(variant_id=blanket.variant_id, warehouse=warehouse).quantity == stock
    assert order.events.filter(details__step="return_accepted").count() == 1


def test_accepting_needs_a_warehouse(order, customer, shop):
    made = _ask(order, customer, [(_lines(order)[0], 1)], reason="defective")
    _refused(
        "returns.warehouse_required", return_accept, actor=shop, goods_return=made, warehouse=None
    )
    made.refresh_from_db()
    assert made.status == "requested"


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_rejecting_needs_a_reason(order, customer, shop, reason):
    made = _ask(order, customer, [(_lines(order)[0], 1)], reason="changed_mind")
    error = _refused(
        "returns.reason_required", return_reject, actor=shop, goods_return=made, reason=reason
    )
    assert error.extra["field"] == "reason"
    made.refresh_from_db()
    assert made.status == "requested" and not made.decision_note
    assert not order.events.filter(details__step="return_rejected").exists()


def test_a_rejected_return_tells_the_customer_why(order, customer, make_staff):
    service = make_staff(Role.AFTER_SALES)  # the after-sales service decides too (M14)
    made = _ask(order, customer, [(_lines(order)[0], 1)], reason="changed_mind")
    rejected = return_reject(
        actor=service, goods_return=made, reason="Товар був у використанні", notify=True
    )
    assert (rejected.status, rejected.decision_note) == ("rejected", "Товар був у використанні")
    assert rejected.refund_amount == 0
    assert order.events.get(details__step="return_rejected").actor == service
    assert TimelineEntry.objects.filter(client=order.client, summary__contains="rejected").exists()
    assert return_email.call(made.pk, "rejected") == "sent"
    assert return_email.call(made.pk, "rejected") == "already sent"
    (message,) = mail.outbox
    assert made.number in message.subject and "Товар був у використанні" in message.body


@pytest.mark.parametrize("role", [Role.MARKETING, Role.ACCOUNTANT, Role.SALES_MANAGER])
def test_staff_without_the_right_cannot_decide(order, customer, make_staff, role):
    made = _ask(order, customer, [(_lines(order)[0], 1)], reason="defective")
    someone = make_staff(role)
    with pytest.raises(PermissionDeniedError):
        return_accept(actor=someone, goods_return=made, warehouse=make_warehouse())
    with pytest.raises(PermissionDeniedError):
        return_reject(actor=someone, goods_return=made, reason="Ні")
    made.refresh_from_db()
    assert made.status == "requested"


# --- Money back and the order's status ----------------------------------------------------------


def test_a_cash_order_is_refunded_by_bank_transfer_that_the_accountant_marks(
    order, customer, shop, accountant
):
    blanket, pillow = _lines(order)
    made = _ask(order, customer, [(blanket, 1), (pillow, 1)], reason="defective")
    accepted = return_accept(actor=shop, goods_return=made, warehouse=make_warehouse())
    assert accepted.refund_method == RefundMethod.BANK_TRANSFER
    assert accepted.refund_amount == Decimal("649.90")  # the goods; not the delivery
    assert accepted.refund_due and accepted.payment is None
    with pytest.raises(PermissionDeniedError):
        return_mark_refunded(actor=shop, goods_return=accepted)
    refunded = return_mark_refunded(actor=accountant, goods_return=accepted, note="ПН-2026-114")
    assert (refunded.status, refunded.refunded_by, refunded.refund_note) == (
        "refunded", accountant, "ПН-2026-114",
    )  # fmt: skip
    event = order.events.get(kind="refunded", details__step="return_refunded")
    assert event.details["amount"] == "649.90" and event.actor == accountant
    assert TimelineEntry.objects.filter(client=order.client, kind="payment").exists()
    _refused("returns.bad_status", return_mark_refunded, actor=accountant, goods_return=refunded)
    assert order.events.filter(details__step="return_refunded").count() == 1


def test_a_bank_transfer_order_is_refunded_the_same_way(customer, shop, accountant):
    order = delivered_order(
        customer=customer, staff=shop, items=[(goods("1000.00"), 1)],
        payment_method=PaymentMethod.BANK_TRANSFER,
    )  # fmt: skip
    made = _ask(order, customer, [(order.lines.get(), 1)], reason="wrong_item")
    accepted = return_accept(actor=shop, goods_return=made, warehouse=make_warehouse())
    assert (accepted.refund_method, accepted.refund_amount) == ("bank_transfer", Decimal("1000"))
    assert return_mark_refunded(actor=accountant, goods_return=accepted).status == "refunded"


def test_the_order_becomes_returned_only_when_every_unit_is_back(order, customer, shop):
    blanket, pillow = _lines(order)
    warehouse = make_warehouse()
    first = _ask(order, customer, [(blanket, 1)], reason="defective")
    return_accept(actor=shop, goods_return=first, warehouse=warehouse)
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    rest = _ask(order, customer, [(blanket, 1), (pillow, 1)], reason="changed_mind")
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED  # asked for, not back yet
    return_accept(actor=shop, goods_return=rest, warehouse=warehouse)
    order.refresh_from_db()
    assert order.status == OrderStatus.RETURNED
    returned = order.events.get(kind="returned")
    assert returned.details["return"] == rest.number and returned.actor == shop
    # The units add up to what the lines cost, however they were split.
    assert first.lines.get().amount + rest.lines.get(order_line=blanket).amount == blanket.total
    error = _refused("returns.nothing_left", _ask, order, customer, [(pillow, 1)], reason="other")
    assert error.status == 409


def test_each_step_emails_the_customer_once(
    order, customer, shop, accountant, django_capture_on_commit_callbacks
):
    made = _ask(order, customer, [(_lines(order)[0], 1)], reason="defective")
    with django_capture_on_commit_callbacks(execute=True):
        return_accept(actor=shop, goods_return=made, warehouse=make_warehouse())
    run_all_tasks()
    with django_capture_on_commit_callbacks(execute=True):
        return_mark_refunded(actor=accountant, goods_return=made)
    run_all_tasks()
    assert return_email.call(made.pk, "accepted") == "already sent"
    subjects = [message.subject for message in mail.outbox]
    assert len(subjects) == 2 and all(made.number in subject for subject in subjects)
    assert "IBAN" in mail.outbox[0].body  # the bank-transfer refund asks for the account
    assert "450,00" in mail.outbox[1].body
    sent = order.events.filter(kind="email_sent").values_list("details__email", flat=True)
    assert sorted(sent) == ["return_accepted", "return_refunded"]
