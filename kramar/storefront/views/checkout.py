"""The checkout page: contact, delivery, payment, then one order (issue 3, M10)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth import login
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kramar.cart.selectors import cart_priced
from kramar.clients.services import shop_customer_register
from kramar.core.errors import ApplicationError
from kramar.orders.enums import CHECKOUT_PAYMENT_METHODS, PaymentMethod
from kramar.orders.models import Order
from kramar.orders.selectors import (
    delivery_addresses_of,
    order_by_checkout_key,
    order_by_token,
)
from kramar.orders.services import CheckoutDetails, order_place
from kramar.payments.selectors import order_can_pay, payment_latest
from kramar.payments.views import pay_redirect
from kramar.returns.selectors import return_refusal, returns_of_order
from kramar.storefront.cart_session import current_cart, customer
from kramar.storefront.forms import CheckoutForm
from kramar.tracking.collector import Collector, identify, track
from kramar.tracking.enums import EventKind
from kramar.tracking.services import order_touch_record

OFFERED = list(CHECKOUT_PAYMENT_METHODS)


def _initial(request: HttpRequest) -> dict[str, object]:
    initial: dict[str, object] = {"checkout_key": uuid.uuid4().hex, "payment_method": OFFERED[0]}
    user = customer(request)
    if user is not None:
        initial.update(full_name=user.full_name, email=user.email, phone=user.phone)
        client = getattr(user, "client", None)
        if client is not None and client.region_id:
            initial["region"] = client.region_id
        last = delivery_addresses_of(user=user, limit=1)
        if last:  # start from where the last order went
            address = last[0]
            initial.update(
                full_name=address["full_name"] or user.full_name,
                phone=address["phone"] or user.phone,
                delivery_method=address["delivery_method_id"],
                region=address["delivery_region_id"],
                city=address["city"],
                address=address["address"],
                post_branch=address["post_branch"],
            )
    return initial


@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        # A repeated submit (double click, back and resend) shows the order it already made.
        placed = order_by_checkout_key(key=request.POST.get("checkout_key", ""))
        if placed is not None:
            return redirect("storefront:order", token=placed.token)
    priced = cart_priced(current_cart(request))
    if not priced.lines:
        messages.info(request, _("Your cart is empty."))
        return redirect("storefront:cart")
    form = CheckoutForm(request.POST or None, initial=_initial(request), offered=OFFERED)
    if request.method == "POST" and form.is_valid():
        try:
            order = _place(request, form)
        except ApplicationError as error:
            field = str(error.extra.get("field", ""))
            form.add_error(field if field in form.fields else None, str(error.message))
        else:
            track(request, EventKind.ORDER_PLACED, order=order.number or order.pk)
            identify(request, client_id=order.client_id)
            if order.payment_method == PaymentMethod.CARD:
                return pay_redirect(request, order)  # to the card processor's page
            return redirect("storefront:order", token=order.token)
    status = 400 if request.method == "POST" else 200
    track(request, EventKind.CHECKOUT_STEP, step="details" if status == 200 else "invalid")
    return render(
        request, "storefront/checkout.html", {"form": form, "cart": priced}, status=status
    )


def _place(request: HttpRequest, form: CheckoutForm) -> Order:
    """Open the account if asked, then place the order: both or neither. Sign in afterwards."""
    data = form.cleaned_data
    cart = current_cart(request)
    if cart is None:
        raise ApplicationError("orders.empty_cart", _("The cart is empty."))
    utm = request.session.get("utm") or {}
    with transaction.atomic():
        user = customer(request)
        if data["create_account"] and user is None:
            user, _client = shop_customer_register(
                email=data["email"], password=data["password"], full_name=data["full_name"],
                phone=data["phone"], language=get_language() or "uk",
            )  # fmt: skip
        order = order_place(
            cart=cart,
            checkout_key=data["checkout_key"],
            user=user,
            details=CheckoutDetails(
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                delivery_method=data["delivery_method"],
                region=data["region"],
                city=data["city"],
                address=data["address"],
                post_branch=data["post_branch"],
                payment_method=data["payment_method"],
                comment=data["comment"],
                utm_source=str(utm.get("source", "")),
                utm_medium=str(utm.get("medium", "")),
                utm_campaign=str(utm.get("campaign", "")),
            ),
        )
        visit: Collector | None = getattr(request, "tracking", None)
        if visit is not None:
            order_touch_record(order=order, visitor_id=visit.visitor_id, current=visit.touch)
    if user is not None and customer(request) is None:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return order


def order_detail(request: HttpRequest, token: str) -> HttpResponse:
    """An order's page, reached by its secret link (guests) or from the account; a card order
    offers "pay now" while its goods are held, and says how the payment went."""
    order = order_by_token(token=token)
    user = request.user
    context = {
        "order": order,
        "can_pay": order_can_pay(order=order),
        "payment": payment_latest(order=order),
        "returned": request.GET.get("payment") == "return",
        "returns": returns_of_order(order=order),
        "can_return": user.is_authenticated and return_refusal(order=order, user=user) is None,
    }
    return render(request, "storefront/order.html", context)
