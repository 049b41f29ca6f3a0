"""Checkout and the customer's own orders in the JSON API (issue 3).

The signed-in customer checks out their cart; the answer is the order. Placing the same
``checkout_key`` twice answers the first order (safe to retry). A customer sees only their own
orders; staff read orders in the back office.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from kramar.accounts.models import User
from kramar.cart.selectors import open_cart
from kramar.clients.models import Region
from kramar.core.errors import ApplicationError
from kramar.core.pagination import PageNumberPagination
from kramar.core.schemas import AUTHENTICATED, problems
from kramar.orders import selectors
from kramar.orders.enums import CHECKOUT_PAYMENT_METHODS, OrdersErrorCode, SalesChannel
from kramar.orders.models import DeliveryMethod, Order
from kramar.orders.services import CheckoutDetails, order_place

router = Router(tags=["shop: checkout and orders"])
TEXT = r"^[^\x00]*$"


class DeliveryMethodOut(Schema):
    code: str
    name: str
    kind: str
    price: Decimal
    free_from: Decimal | None


class CheckoutIn(Schema):
    model_config = ConfigDict(extra="forbid")

    checkout_key: str = Field(
        ..., min_length=16, max_length=64, pattern=r"^[A-Za-z0-9_-]+$",
        description="A key you make once per checkout (e.g. a UUID); retries send it again.",
    )  # fmt: skip
    full_name: str = Field(..., min_length=1, max_length=150, pattern=TEXT)
    email: str = Field(..., min_length=3, max_length=254, pattern=TEXT)
    phone: str = Field(..., min_length=3, max_length=40, pattern=TEXT)
    delivery_method: str = Field(..., max_length=40, description="A code of /delivery-methods.")
    region: str = Field(..., max_length=40, description="A region (oblast) code of /regions.")
    city: str = Field(..., min_length=1, max_length=100, pattern=TEXT)
    address: str = Field("", max_length=255, pattern=TEXT)
    post_branch: str = Field("", max_length=10, pattern=TEXT)
    payment_method: str = Field(..., max_length=20)
    comment: str = Field("", max_length=2000, pattern=TEXT)


class OrderLineOut(Schema):
    sku: str
    product_name: str
    variant_name: str
    quantity: int
    unit_price: Decimal
    total: Decimal
    vat_amount: Decimal


class OrderEventOut(Schema):
    kind: str
    occurred_at: datetime


class OrderListOut(Schema):
    number: str
    placed_at: datetime
    status: str
    payment_status: str
    payment_method: str
    total: Decimal
    currency: str


class OrderOut(OrderListOut):
    subtotal: Decimal
    delivery_price: Decimal
    vat_total: Decimal
    reserved_until: datetime | None
    delivery_method: str
    city: str
    post_branch: str
    address: str
    carrier: str
    tracking_number: str
    lines: list[OrderLineOut]
    events: list[OrderEventOut]

    @staticmethod
    def resolve_delivery_method(obj: Order) -> str:
        return obj.delivery_method.code

    @staticmethod
    def resolve_lines(obj: Order) -> list[Any]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_events(obj: Order) -> list[Any]:
        return [event for event in obj.events.all() if event.kind != "email_sent"]


def _customer(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


def _known(choices: QuerySet[Any], code: str, field: str) -> Any:
    found = choices.filter(code=code).first()
    if found is None:
        raise ApplicationError(
            OrdersErrorCode.BAD_DELIVERY,
            _("“%(value)s” is not one of the choices.") % {"value": code},
            extra={"field": field},
        )
    return found


@router.get(
    "/delivery-methods",
    response=list[DeliveryMethodOut],
    auth=None,
    summary="How goods can be delivered, and what it costs",
)
def delivery_methods(request: HttpRequest) -> Any:
    return list(DeliveryMethod.objects.filter(is_active=True).order_by("position"))


@router.post(
    "/checkout",
    response={201: OrderOut, **problems(*AUTHENTICATED, 400, 409)},
    summary="Turn my cart into an order (the same checkout_key again answers the same order)",
)
def checkout(request: HttpRequest, payload: CheckoutIn) -> Status:
    user = _customer(request)
    placed = selectors.order_by_checkout_key(key=payload.checkout_key)
    if placed is not None:
        if placed.user_id != user.pk:
            raise ApplicationError(
                OrdersErrorCode.BAD_KEY, _("This checkout key was used already."), status=409
            )
        return Status(201, selectors.order_of_customer(user=user, number=placed.number or ""))
    if payload.payment_method not in CHECKOUT_PAYMENT_METHODS:
        raise ApplicationError(
            OrdersErrorCode.BAD_PAYMENT_METHOD, _("Choose how to pay."),
            extra={"field": "payment_method", "choices": list(CHECKOUT_PAYMENT_METHODS)},
        )  # fmt: skip
    cart = open_cart(user=user, token=None)
    if cart is None:
        raise ApplicationError(OrdersErrorCode.EMPTY_CART, _("The cart is empty."))
    order = order_place(
        cart=cart,
        checkout_key=payload.checkout_key,
        user=user,
        channel=SalesChannel.API,
        details=CheckoutDetails(
            full_name=payload.full_name,
            email=payload.email,
            phone=payload.phone,
            delivery_method=_known(
                DeliveryMethod.objects.filter(is_active=True), payload.delivery_method,
                "delivery_method",
            ),
            region=_known(Region.objects.all(), payload.region, "region"),
            city=payload.city,
            address=payload.address,
            post_branch=payload.post_branch,
            payment_method=payload.payment_method,
            comment=payload.comment,
        ),
    )  # fmt: skip
    return Status(201, selectors.order_of_customer(user=user, number=order.number or ""))


@router.get(
    "/orders",
    response={200: list[OrderListOut], **problems(*AUTHENTICATED)},
    summary="My orders, newest first",
)
@paginate(PageNumberPagination)
def my_orders(request: HttpRequest, **kwargs: Any) -> Any:
    return selectors.orders_of_customer(user=_customer(request))


@router.get(
    "/orders/{number}",
    response={200: OrderOut, **problems(*AUTHENTICATED, 404)},
    summary="One of my orders",
)
def my_order(request: HttpRequest, number: str) -> Order:
    return selectors.order_of_customer(user=_customer(request), number=number[:20])
