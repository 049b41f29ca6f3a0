"""The shop's orders in the back office: the list and the order card, where staff confirm,
pack, ship (carrier and tracking number), mark delivered or cancel (issue 3, item 5)."""

from __future__ import annotations

from typing import Any

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
from kramar.orders.models import Order
from kramar.returns import selectors as return_selectors
from kramar.tracking.selectors import order_touch


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
    viewer = _viewer(request)
    order = selectors.order_get(viewer=viewer, pk=order_id)
    return render(
        request,
        "backoffice/orders/detail.html",
        {
            "order": order,
            "next_statuses": [OrderStatus(s) for s in services.NEXT_STATUSES[order.status]],
            "may_change": viewer.has_perm("orders.change_order"),
            "site_touch": order_touch(order=order),
            **_returns_of(order, viewer),
        },
    )


def _returns_of(order: Order, viewer: User) -> dict[str, Any]:
    """What the order card shows of the order's returns, and which decisions the viewer may take."""
    if not viewer.has_perm(return_selectors.VIEW):
        return {"returns": []}
    may_decide = viewer.has_perm(return_selectors.DECIDE)
    return {
        "returns": return_selectors.returns_of_order(order=order),
        "may_decide_returns": may_decide,
        "may_mark_refunded": viewer.has_perm(return_selectors.MARK_REFUNDED),
        "warehouses": list(return_selectors.return_warehouses()) if may_decide else [],
        "shipped_from": return_selectors.shipped_from(order) if may_decide else "",
    }


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
