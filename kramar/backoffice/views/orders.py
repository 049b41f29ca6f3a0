"""The shop's orders in the back office: the list and the order card, where staff confirm,
pack, ship (carrier and tracking number), mark delivered or cancel (issue 3, item 5)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kramar.accounts.models import User
from kramar.backoffice.decorators import office_view
from kramar.core.errors import ApplicationError
from kramar.orders import selectors, services
from kramar.orders.enums import OrderStatus, PaymentStatus


class OrderFilterForm(forms.Form):
    search = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), required=False,
        choices=[("", gettext_lazy("All")), *OrderStatus.choices],
    )  # fmt: skip
    payment_status = forms.ChoiceField(
        label=gettext_lazy("Payment"), required=False,
        choices=[("", gettext_lazy("All")), *PaymentStatus.choices],
    )  # fmt: skip


class AdvanceForm(forms.Form):
    status = forms.ChoiceField(choices=OrderStatus.choices)
    carrier = forms.CharField(max_length=60, required=False)
    tracking_number = forms.CharField(max_length=60, required=False)
    note = forms.CharField(max_length=500, required=False)


def _viewer(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@office_view("orders.view_order")
def order_list(request: HttpRequest) -> HttpResponse:
    filters = OrderFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    orders = selectors.order_list(
        viewer=_viewer(request),
        status=data.get("status", ""),
        payment_status=data.get("payment_status", ""),
        search=data.get("search", ""),
    )
    page = Paginator(orders, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "backoffice/orders/list.html",
        {"filters": filters, "page": page, "query": query.urlencode()},
    )


@office_view("orders.view_order")
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    order = selectors.order_get(viewer=_viewer(request), pk=order_id)
    return render(
        request,
        "backoffice/orders/detail.html",
        {
            "order": order,
            "next_statuses": [OrderStatus(s) for s in services.NEXT_STATUSES[order.status]],
            "may_change": request.user.has_perm("orders.change_order"),
        },
    )


@office_view("orders.change_order")
@require_POST
def order_advance(request: HttpRequest, order_id: int) -> HttpResponse:
    actor = _viewer(request)
    order = selectors.order_get(viewer=actor, pk=order_id)
    form = AdvanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what happens to the order."))
    else:
        try:
            services.order_advance(actor=actor, order=order, **form.cleaned_data)
        except ApplicationError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Order %(number)s updated.") % {"number": order.number})
    return redirect("backoffice:order-detail", order_id=order.pk)
