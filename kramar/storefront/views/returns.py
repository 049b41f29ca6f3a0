"""Returning goods from the shop: the customer's form on a delivered order (issue 3, item 8)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kramar.accounts.models import User
from kramar.core.errors import ApplicationError, NotFoundError
from kramar.orders.selectors import order_by_token
from kramar.returns.selectors import return_refusal, returnable_lines
from kramar.returns.services import return_request
from kramar.storefront.returns_forms import ReturnForm


@require_http_methods(["GET", "POST"])
def order_return(request: HttpRequest, token: str) -> HttpResponse:
    """Ask to return goods of one's own delivered order: which, how many, why."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), "storefront:login")
    user: User = request.user
    order = order_by_token(token=token)
    refusal = return_refusal(order=order, user=user)
    if isinstance(refusal, NotFoundError):
        raise refusal  # someone else's order: a 404, as if there were none
    if refusal is not None:
        messages.error(request, str(refusal.message))
        return redirect("storefront:order", token=order.token)
    lines = [found for found in returnable_lines(order=order) if found.left]
    form = ReturnForm(request.POST or None, lines=lines)
    if request.method == "POST" and form.is_valid():
        try:
            made = return_request(
                user=user,
                order=order,
                lines=form.wanted(),
                reason=form.cleaned_data["reason"],
                comment=form.cleaned_data["comment"],
            )
        except ApplicationError as error:
            field = str(error.extra.get("field", ""))
            form.add_error(field if field in form.fields else None, str(error.message))
        else:
            messages.success(
                request,
                _("Return %(number)s is asked for. We will write to you once it is decided.")
                % {"number": made.number},
            )
            return redirect("storefront:order", token=order.token)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "storefront/account/return.html", {"order": order, "form": form}, status=status
    )
