"""The shop's middleware: remember the campaign a visitor came from (M9, M18).

When a shop page is opened with UTM parameters, the session keeps them (the latest campaign
wins), so the order placed later records its source, medium and campaign. The tracking issue
(M6) builds the visitor's whole journey on top of this.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

UTM_FIELDS = {"utm_source": "source", "utm_medium": "medium", "utm_campaign": "campaign"}
MAX_LENGTH = 100


class CampaignMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "GET" and not request.path.startswith(
            ("/office/", "/admin/", settings.API_URL_PREFIX, "/static/", "/media/")
        ):
            utm = {
                key: "".join(ch for ch in request.GET.get(name, "") if ch.isprintable())[
                    :MAX_LENGTH
                ].strip()
                for name, key in UTM_FIELDS.items()
            }
            if any(utm.values()):
                request.session["utm"] = utm
        return self.get_response(request)
