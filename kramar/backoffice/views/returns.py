"""Returns in the back office: the queue at /office/returns/, and the decisions taken on the
order card (accept into a warehouse, reject with a reason, mark a bank transfer refunded)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kramar.accounts.models import User
from kramar.backoffice.decorators import office_view
from kramar.backoffice.returns_forms import (
    ReturnAcceptForm,
    ReturnQueueFilterForm,
    ReturnRefundedForm,
    ReturnRejectForm,
)
from kramar.core.errors import ApplicationError, CoreErrorCode
from kramar.returns import selectors, services
from kramar.returns.models import GoodsReturn

QUEUE_PAGE_SIZE = 50


def _viewer(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@office_view(selectors.VIEW)
def queue(request: HttpRequest) -> HttpResponse:
    """The returns to look at, the longest waiting first; filtered by status."""
    filters = ReturnQueueFilterForm(request.GET or None)
    wanted = filters.cleaned_data if filters.is_valid() else {}
    returns = selectors.return_queue(viewer=_viewer(request), status=wanted.get("status", ""))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "page": Paginator(returns, QUEUE_PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query.urlencode(),
    }
    return render(request, "backoffice/returns/queue.html", context)


def _decide(
    request: HttpRequest, return_id: int, act: Callable[[User, GoodsReturn], str]
) -> HttpResponse:
    """Find the return the person may see (404 otherwise), act, and go back to its order."""
    actor = _viewer(request)
    goods_return = selectors.return_get(viewer=actor, pk=return_id)
    try:
        done = act(actor, goods_return)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done % {"number": goods_return.number})
    url = reverse("backoffice:order-detail", kwargs={"order_id": goods_return.order_id})
    return redirect(f"{url}#return-{goods_return.pk}")


def _checked(form: forms.Form) -> dict[str, Any]:
    """Return the form's data, or refuse with what is wrong with it."""
    if not form.is_valid():
        problems = [str(error) for errors in form.errors.values() for error in errors]
        raise ApplicationError(CoreErrorCode.VALIDATION, " ".join(problems))
    return form.cleaned_data


@office_view(selectors.DECIDE)
@require_POST
def accept(request: HttpRequest, return_id: int) -> HttpResponse:
    form = ReturnAcceptForm(request.POST)

    def act(actor: User, goods_return: GoodsReturn) -> str:
        data = _checked(form)
        services.return_accept(
            actor=actor, goods_return=goods_return, warehouse=data["warehouse"], note=data["note"]
        )
        return _("Return %(number)s accepted; the goods are back in stock.")

    return _decide(request, return_id, act)


@office_view(selectors.DECIDE)
@require_POST
def reject(request: HttpRequest, return_id: int) -> HttpResponse:
    form = ReturnRejectForm(request.POST)

    def act(actor: User, goods_return: GoodsReturn) -> str:
        reason = _checked(form)["reason"]
        services.return_reject(actor=actor, goods_return=goods_return, reason=reason)
        return _("Return %(number)s rejected.")

    return _decide(request, return_id, act)


@office_view(selectors.MARK_REFUNDED)
@require_POST
def mark_refunded(request: HttpRequest, return_id: int) -> HttpResponse:
    form = ReturnRefundedForm(request.POST)

    def act(actor: User, goods_return: GoodsReturn) -> str:
        note = _checked(form)["note"]
        services.return_mark_refunded(actor=actor, goods_return=goods_return, note=note)
        return _("Return %(number)s marked refunded.")

    return _decide(request, return_id, act)
