"""The cart pages: add from any product page, change quantities, see today's prices (M10)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from kramar.cart.selectors import cart_priced
from kramar.cart.services import cart_add as add_to_cart
from kramar.cart.services import cart_set_quantity
from kramar.catalog.models import Variant
from kramar.core.errors import ApplicationError
from kramar.personal.enums import SimilarityKind
from kramar.personal.selectors import shelves, similar_ids
from kramar.storefront.cart_session import cart_for_writing, current_cart
from kramar.storefront.forms import AddToCartForm, QuantityForm
from kramar.tracking.collector import track
from kramar.tracking.enums import EventKind


def _back(request: HttpRequest, default: str = "storefront:cart") -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def cart_detail(request: HttpRequest) -> HttpResponse:
    priced = cart_priced(current_cart(request))
    template = "storefront/cart/detail.html"
    if getattr(request, "htmx", False) and request.htmx.target == "cart-body":  # type: ignore[attr-defined]
        return render(request, template + "#body", {"cart": priced})
    in_cart = list(dict.fromkeys(line.variant.product_id for line in priced.lines))
    together = similar_ids(in_cart, kind=SimilarityKind.BOUGHT)
    return render(request, template, {"cart": priced, "shelves": shelves({"bought": together})})


def _refused(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    status = 409 if error.code == "cart.not_enough_stock" else 400
    if getattr(request, "htmx", False):
        return render(request, "storefront/cart/_added.html", {"error": error}, status=status)
    messages.error(request, str(error.message))
    return _back(request)


@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    form = AddToCartForm(request.POST)
    if not form.is_valid():
        return _refused(
            request,
            ApplicationError("cart.bad_quantity", _("Choose a quantity from 1 to 999.")),
        )
    variant = Variant.objects.filter(pk=form.cleaned_data["variant_id"]).first()
    if variant is None:
        return _refused(
            request, ApplicationError("cart.not_for_sale", _("This item is not on sale."))
        )
    try:
        add_to_cart(
            cart=cart_for_writing(request), variant=variant, quantity=form.cleaned_data["quantity"]
        )
    except ApplicationError as error:
        return _refused(request, error)
    track(
        request,
        EventKind.CART_CHANGE,
        product=str(variant),
        variant=variant.pk,
        quantity=form.cleaned_data["quantity"],
    )
    if getattr(request, "htmx", False):
        priced = cart_priced(current_cart(request))
        return render(request, "storefront/cart/_added.html", {"cart": priced, "variant": variant})
    messages.success(request, _("“%(name)s” is in your cart.") % {"name": variant})
    return _back(request)


@require_POST
def cart_line_update(request: HttpRequest, variant_id: int) -> HttpResponse:
    form = QuantityForm(request.POST)
    cart = current_cart(request)
    variant = Variant.objects.filter(pk=variant_id).first()
    if cart is None or variant is None or not form.is_valid():
        messages.error(request, _("That change could not be made."))
    else:
        try:
            cart_set_quantity(cart=cart, variant=variant, quantity=form.cleaned_data["quantity"])
            track(
                request,
                EventKind.CART_CHANGE,
                product=str(variant),
                variant=variant.pk,
                quantity=form.cleaned_data["quantity"],
                set=True,
            )
        except ApplicationError as error:
            messages.error(request, str(error.message))
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(request.path) if cart is None else cart_detail(request)
    return redirect("storefront:cart")
