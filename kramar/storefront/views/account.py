"""The customer's account: sign in, sign up (which makes them a CRM client), sign out."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LogoutView, redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kramar.accounts.sign_in import SecondFactorLoginMixin
from kramar.billing.pdf import credit_note_pdf, invoice_pdf
from kramar.billing.selectors import invoice_of_customer, invoices_of_customer
from kramar.cart.services import cart_reorder
from kramar.clients.services import shop_customer_register
from kramar.core.errors import ApplicationError
from kramar.orders.selectors import (
    delivery_addresses_of,
    order_of_customer_by_token,
    orders_of_customer,
)
from kramar.returns.selectors import orders_returnable, returns_of_customer
from kramar.storefront.cart_session import cart_for_writing
from kramar.storefront.forms import ShopAuthenticationForm, SignUpForm

# Where a service error about a field shows on the sign-up form.
SERVICE_FIELDS = {name: name for name in ("email", "password")} | {"phones": "phone"}


class ShopLoginView(SecondFactorLoginMixin):
    """The shop's sign-in; a staff member with sign-in codes goes on to the code step."""

    template_name = "storefront/account/login.html"
    authentication_form = ShopAuthenticationForm
    redirect_authenticated_user = True
    next_page = "storefront:account"


class ShopLogoutView(LogoutView):
    next_page = "storefront:home"


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("storefront:account")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, _client = shop_customer_register(
                email=data["email"],
                password=data["password"],
                full_name=data["full_name"],
                phone=data["phone"],
                language=get_language() or "uk",
            )
        except ApplicationError as error:
            form.add_error(SERVICE_FIELDS.get(str(error.extra.get("field"))), str(error.message))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect(_next(request) or "storefront:account")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "storefront/account/sign_up.html",
        {"form": form, "next": _next(request)},
        status=status,
    )


def account(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), "storefront:login")
    orders = orders_of_customer(user=request.user)[:100]
    context = {
        "orders": orders,
        "addresses": delivery_addresses_of(user=request.user),
        "returnable": orders_returnable(user=request.user),
        "returns": returns_of_customer(user=request.user)[:50],
        "invoices": invoices_of_customer(user=request.user).prefetch_related("credit_notes")[:100],
    }
    return render(request, "storefront/account/home.html", context)


def invoice_document(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """The customer's own invoice as PDF; anyone else's is "not found"."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), "storefront:login")
    invoice = invoice_of_customer(user=request.user, pk=invoice_id)
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.pdf"'
    return response


def credit_note_document(request: HttpRequest, invoice_id: int, note_id: int) -> HttpResponse:
    """A credit note of the customer's own invoice as PDF."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), "storefront:login")
    invoice = invoice_of_customer(user=request.user, pk=invoice_id)
    note = invoice.credit_notes.filter(pk=note_id).first()
    if note is None:
        raise Http404
    response = HttpResponse(credit_note_pdf(note), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{note.number}.pdf"'
    return response


@require_POST
def reorder(request: HttpRequest, token: str) -> HttpResponse:
    """Put the goods of one of my orders back in the cart (what can be bought now)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), "storefront:login")
    order = order_of_customer_by_token(user=request.user, token=token)
    skipped = cart_reorder(
        cart=cart_for_writing(request),
        variant_quantities=[(line.variant, line.quantity) for line in order.lines.all()],
    )
    if skipped:
        messages.warning(
            request,
            _("Not everything could be added (sold out or fewer left): %(items)s.")
            % {"items": ", ".join(skipped)},
        )
    else:
        messages.success(request, _("The goods of order %(number)s are in your cart.")
                         % {"number": order.number})  # fmt: skip
    return redirect("storefront:cart")
