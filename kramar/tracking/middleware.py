"""Record a consenting visitor's requests (docs/tracking.md, "Batching").

Before the view: read the signed visitor cookie (no query) and hang a collector on the request,
which views fill with :func:`kramar.tracking.collector.track`. After the view: add the page
view of a full HTML page, hand the request's events to the buffer (one INSERT per batch,
by a background thread; or in the request when ``TRACKING_BUFFER_SECONDS = 0``), renew the
cookie.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from kramar.tracking.buffer import buffer
from kramar.tracking.collector import remember, start
from kramar.tracking.enums import EventKind
from kramar.tracking.services import events_flush


class TrackingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.TRACKING_ENABLED:
            return self.get_response(request)
        collector = start(request)
        request.tracking = collector  # type: ignore[attr-defined]
        response = self.get_response(request)
        if getattr(request, "tracking_forget", False):
            # Signed out: the next person at this browser is a new visitor, not the last one.
            response.delete_cookie(settings.TRACKING_COOKIE)
            return response
        if collector is None:
            return response
        if (
            request.method == "GET"
            and response.status_code == 200
            and response.get("Content-Type", "").startswith("text/html")
            and not request.headers.get("HX-Request")
        ):
            collector.events.insert(
                0, {"kind": EventKind.PAGE_VIEW, "at": collector.started_at, "details": {}}
            )
        if collector.events:
            if settings.TRACKING_BUFFER_SECONDS > 0:
                buffer.put(collector)
            else:
                events_flush(collector=collector)
            remember(response, collector)
        return response
