"""Returns in the shop's JSON API: the customer's own returns, and asking for one (issue 3).

The same rules as the order page: only the order's own customer, only a delivered order, within
``RETURN_DAYS`` of delivery, never more units than bought minus those already asked back.
Lines are named by SKU, as ``GET /api/shop/orders/{number}`` shows them.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from kramar.accounts.models import User
from kramar.core.errors import ApplicationError
from kramar.core.pagination import PageNumberPagination
from kramar.core.schemas import AUTHENTICATED, problems
from kramar.orders.selectors import order_of_customer
from kramar.returns import selectors
from kramar.returns.enums import ReturnReason, ReturnsErrorCode
from kramar.returns.models import GoodsReturn
from kramar.returns.services import return_request

router = Router(tags=["shop: returns"])
TEXT = r"^[^\x00]*$"


class ReturnLineIn(Schema):
    model_config = ConfigDict(extra="forbid")

    sku: str = Field(..., min_length=1, max_length=64, pattern=TEXT)
    quantity: int = Field(..., ge=1, le=100_000)


class ReturnIn(Schema):
    model_config = ConfigDict(extra="forbid")

    lines: list[ReturnLineIn] = Field(..., min_length=1, max_length=200)
    reason: str = Field(
        ..., max_length=20, description=f"One of: {', '.join(ReturnReason.values)}."
    )
    comment: str = Field(
        "", max_length=2000, pattern=TEXT, description="Your own words (needed with 'other')."
    )


class ReturnLineOut(Schema):
    sku: str
    product_name: str
    variant_name: str
    quantity: int
    amount: Decimal

    @staticmethod
    def resolve_sku(obj: Any) -> str:
        return str(obj.order_line.sku)

    @staticmethod
    def resolve_product_name(obj: Any) -> str:
        return str(obj.order_line.product_name)

    @staticmethod
    def resolve_variant_name(obj: Any) -> str:
        return str(obj.order_line.variant_name)


class ReturnOut(Schema):
    number: str
    order: str = Field(..., description="The order's number.")
    status: str
    reason: str
    comment: str
    requested_at: datetime
    decided_at: datetime | None
    decision_note: str = Field(..., description="Why it was rejected, or staff's note.")
    refund_amount: Decimal = Field(..., description="What is (or was) paid back.")
    currency: str
    refund_method: str
    refunded_at: datetime | None
    lines: list[ReturnLineOut]

    @staticmethod
    def resolve_order(obj: GoodsReturn) -> str:
        return obj.order.number or ""

    @staticmethod
    def resolve_lines(obj: GoodsReturn) -> list[Any]:
        return list(obj.lines.all())


def _customer(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


@router.get(
    "/returns",
    response={200: list[ReturnOut], **problems(*AUTHENTICATED)},
    summary="My returns, newest first",
)
@paginate(PageNumberPagination)
def my_returns(request: HttpRequest, **kwargs: Any) -> Any:
    return selectors.returns_of_customer(user=_customer(request))


@router.post(
    "/orders/{number}/returns",
    response={201: ReturnOut, **problems(*AUTHENTICATED, 400, 404, 409)},
    summary="Ask to return goods of my delivered order",
)
def ask_for_return(request: HttpRequest, number: str, payload: ReturnIn) -> Status:
    user = _customer(request)
    order = order_of_customer(user=user, number=number[:20])
    by_sku = {line.sku: line.pk for line in order.lines.all()}
    wanted: dict[int, int] = {}
    for line in payload.lines:
        line_id = by_sku.get(line.sku)
        if line_id is None or line_id in wanted:
            raise ApplicationError(
                ReturnsErrorCode.BAD_LINE,
                _("Name each item of the order once, by its SKU."),
                extra={"field": "lines", "sku": line.sku},
            )
        wanted[line_id] = line.quantity
    made = return_request(
        user=user, order=order, lines=wanted, reason=payload.reason, comment=payload.comment
    )
    return Status(201, selectors.returns_of_customer(user=user).get(pk=made.pk))
