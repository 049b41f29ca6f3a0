from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from kramar.core.errors import CoreErrorCode, NotFoundError, PermissionDeniedError


class ApiMethodNotAllowedMiddleware:
    """Give the API's "method not allowed" answers the same JSON problem shape as every error.

    django-ninja answers a wrong method with a plain-text 405 before any handler runs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.path.startswith(settings.API_URL_PREFIX)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            allowed = response.get("Allow", "")
            problem = JsonResponse(
                {
                    "code": CoreErrorCode.METHOD_NOT_ALLOWED,
                    "message": _("This route does not answer %(method)s.")
                    % {"method": request.method},
                    "extra": {"allowed": [m.strip() for m in allowed.split(",") if m.strip()]},
                },
                status=405,
                json_dumps_params={"ensure_ascii": False},
            )
            if allowed:
                problem["Allow"] = allowed
            return problem
        return response


class PageApplicationErrorMiddleware:
    """Show a page's "not found" and "forbidden" application errors as the site's 404 and 403.

    Selectors raise NotFoundError for records a viewer may not see; on a page that is a 404.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, NotFoundError):
            raise Http404(str(exception.message)) from exception
        if isinstance(exception, PermissionDeniedError):
            raise PermissionDenied(str(exception.message)) from exception


class ApiNulMiddleware:
    """Refuse API requests whose JSON body holds a NUL character, with the 422 problem shape
    (PostgreSQL text cannot store it; see ``core.api_parser``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(settings.API_URL_PREFIX) and request.method in {
            "POST", "PUT", "PATCH",
        }:  # fmt: skip
            from kramar.core.api_parser import body_nul_problem

            extra = body_nul_problem(request)
            if extra is not None:
                return JsonResponse(
                    {
                        "code": CoreErrorCode.VALIDATION,
                        "message": _("The request is not valid."),
                        "extra": extra,
                    },
                    status=422,
                )
        return self.get_response(request)
