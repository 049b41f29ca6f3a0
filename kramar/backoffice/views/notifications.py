"""One's own notifications: reminders and escalations (M13), with an unread badge kept fresh."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kramar.accounts.models import User
from kramar.backoffice.decorators import office_view
from kramar.notifications.selectors import notification_list, unread_count
from kramar.notifications.services import notifications_mark_read


@office_view()
def inbox(request: HttpRequest) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    page = Paginator(notification_list(recipient=me), 50).get_page(request.GET.get("page"))
    return render(request, "backoffice/notifications.html", {"page": page})


@office_view()
def badge(request: HttpRequest) -> HttpResponse:
    """The unread count, polled by the layout every half minute (no reload needed)."""
    me: User = request.user  # type: ignore[assignment]
    return render(
        request, "backoffice/notifications.html#badge", {"unread": unread_count(recipient=me)}
    )


@office_view()
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    notifications_mark_read(recipient=me)
    return redirect("backoffice:notifications")
