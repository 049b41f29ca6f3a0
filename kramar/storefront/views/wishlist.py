"""The customer's wishlist and back-in-stock alerts (issue 3, item 7)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kramar.catalog.alerts import stock_alert_subscribe, wishlist_add, wishlist_remove
from kramar.catalog.models import Product, Variant
from kramar.catalog.selectors import wishlist_of
from kramar.core.errors import ApplicationError
from kramar.storefront.views.cart import _back


def _signed_in(request: HttpRequest) -> HttpResponse | None:
    if request.user.is_authenticated:
        return None
    return redirect_to_login(request.POST.get("next") or "/", "storefront:login")


def wishlist(request: HttpRequest) -> HttpResponse:
    if (refusal := _signed_in(request)) is not None:
        return refusal
    return render(
        request,
        "storefront/account/wishlist.html",
        {"items": wishlist_of(user=request.user)},  # type: ignore[arg-type]
    )


@require_POST
def wishlist_toggle(request: HttpRequest, product_id: int) -> HttpResponse:
    if (refusal := _signed_in(request)) is not None:
        return refusal
    product = Product.objects.filter(pk=product_id).first()
    try:
        if product is None:
            raise ApplicationError("catalog.not_found", _("No such product."), status=404)
        if request.POST.get("action") == "remove":
            wishlist_remove(user=request.user, product=product)  # type: ignore[arg-type]
            messages.success(request, _("Taken off your wishlist."))
        else:
            wishlist_add(user=request.user, product=product)  # type: ignore[arg-type]
            messages.success(request, _("Kept on your wishlist."))
    except ApplicationError as error:
        messages.error(request, str(error.message))
    return _back(request, "storefront:wishlist")


@require_POST
def stock_alert(request: HttpRequest, variant_id: int) -> HttpResponse:
    if (refusal := _signed_in(request)) is not None:
        return refusal
    variant = Variant.objects.filter(pk=variant_id).first()
    try:
        if variant is None:
            raise ApplicationError("catalog.not_found", _("No such product."), status=404)
        stock_alert_subscribe(user=request.user, variant=variant)  # type: ignore[arg-type]
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("We will e-mail you when it is back in stock."))
    return _back(request, "storefront:wishlist")
