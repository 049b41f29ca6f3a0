"""Card payment in the JSON API: after ``POST /api/shop/checkout`` with ``payment_method`` card,
the client starts (or resumes) the payment here and sends the buyer to ``redirect_url``.

Calling it again reuses the open payment and its idempotency key: a retry never charges twice.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from kramar.accounts.models import User
from kramar.core.schemas import AUTHENTICATED, problems
from kramar.orders.selectors import order_of_customer
from kramar.payments.models import Payment
from kramar.payments.services import payment_start

router = Router(tags=["shop: checkout and orders"])


class PaymentOut(Schema):
    status: str
    amount: Decimal
    currency: str
    redirect_url: str = Field(..., description="The card processor's page to send the buyer to.")
    created_at: datetime


@router.post(
    "/orders/{number}/payment",
    response={200: PaymentOut, **problems(*AUTHENTICATED, 400, 404, 409, 503)},
    summary="Start or resume the card payment of my order",
)
def order_payment(request: HttpRequest, number: str) -> Payment:
    user: User = request.auth  # type: ignore[attr-defined]
    order = order_of_customer(user=user, number=number[:20])
    return payment_start(order=order)
