"""Payment entry points: "pay now", the providers' webhooks, and the sandbox's card page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from kramar.core.errors import ApplicationError
from kramar.orders.models import Order
from kramar.orders.selectors import order_by_token
from kramar.payments.enums import WEBHOOK_MAX_BYTES, PaymentState, SandboxChargeState
from kramar.payments.forms import SandboxCardForm
from kramar.payments.providers.base import from_minor
from kramar.payments.providers.sandbox import sandbox_charge_is_open, sandbox_charge_pay
from kramar.payments.selectors import sandbox_charge_get
from kramar.payments.services import payment_start, webhook_receive


def pay_redirect(request: HttpRequest, order: Order) -> HttpResponse:
    """Send the buyer to the provider's page for the order, or back to the order with a word
    on why not (the order page offers "pay now" again). The checkout uses this too."""
    try:
        payment = payment_start(order=order)
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect(f"/orders/{order.token}/")
    if payment.status == PaymentState.PENDING and payment.redirect_url:
        return redirect(payment.redirect_url)
    return redirect(f"/orders/{order.token}/")


@require_POST
def order_pay(request: HttpRequest, token: str) -> HttpResponse:
    """The order page's "pay now": a plain form post, so it works without JavaScript."""
    return pay_redirect(request, order_by_token(token=token))


@csrf_exempt  # the provider cannot know our CSRF token; the signature stands in for it
@require_POST
def webhook(request: HttpRequest, provider: str) -> HttpResponse:
    body, too_large = _body(request)
    answer = webhook_receive(
        provider=provider, body=body, headers=request.headers, too_large=too_large
    )
    return JsonResponse({"outcome": answer.outcome, "detail": answer.detail}, status=answer.status)


def _body(request: HttpRequest) -> tuple[bytes, bool]:
    """Return the raw body, unread when it says it is larger than any webhook."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > WEBHOOK_MAX_BYTES:
        return b"", True
    try:
        body = request.body
    except RequestDataTooBig:
        return b"", True
    return body, len(body) > WEBHOOK_MAX_BYTES


@require_http_methods(["GET", "POST"])
def sandbox_card(request: HttpRequest, payment_id: str) -> HttpResponse:
    """The sandbox provider's card page (only while the shop uses the sandbox)."""
    if settings.PAYMENT_PROVIDER != "sandbox":
        raise Http404
    charge = sandbox_charge_get(public_id=payment_id)
    if charge.status != SandboxChargeState.OPEN:
        # Decided already (a second click, the back button): back to the shop, nothing sent.
        return redirect(charge.success_url)
    if not sandbox_charge_is_open(charge):
        return render(request, "payments/sandbox_closed.html", {"charge": charge}, status=410)
    form = SandboxCardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return redirect(sandbox_charge_pay(charge=charge, card_number=form.cleaned_data["number"]))
    status = 400 if request.method == "POST" else 200
    context = {"charge": charge, "form": form, "amount": from_minor(charge.amount)}
    return render(request, "payments/sandbox_card.html", context, status=status)
