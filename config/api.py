"""The one JSON API of Kramar at /api/: every app mounts its router here.

Errors have one shape everywhere: ``{"code": str, "message": str, "extra": object}``.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFilesSent,
)
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from kramar.accounts.api import router as accounts_router
from kramar.accounts.auth import API_AUTH
from kramar.billing.api import router as billing_router
from kramar.cart.api import router as cart_router
from kramar.cases.api import router as cases_router
from kramar.catalog.api import router as catalog_router
from kramar.clients.api import router as clients_router
from kramar.core.api_parser import NoNulParser
from kramar.core.errors import ApplicationError, CoreErrorCode
from kramar.crm.api import router as crm_router
from kramar.crm.api_lead_rules import router as lead_rules_router
from kramar.mail.api import router as mail_router
from kramar.orders.api import router as orders_router
from kramar.payments.api import router as payments_router
from kramar.personal.api import router as personal_router
from kramar.returns.api import router as returns_router
from kramar.tracking.api import router as tracking_router

logger = logging.getLogger("kramar.api")


api = NinjaAPI(
    title="Kramar API",
    version="1",
    description=(
        "The JSON API of Kramar, the online shop with an eCRM inside it. Authenticate with a "
        "personal token (`Authorization: Bearer kr_…`, issued in the back office) or a browser "
        "session. Every error answers `{code, message, extra}`."
    ),
    auth=API_AUTH,
    parser=NoNulParser(),
    urls_namespace="api",
    docs_url="/docs",
)


def problem(
    code: str, message: str, status: int, extra: dict[str, Any] | None = None
) -> HttpResponse:
    return JsonResponse({"code": code, "message": message, "extra": extra or {}}, status=status)


@api.exception_handler(ApplicationError)
def on_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return problem(exc.code, str(exc.message), exc.status, exc.extra)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"loc": [str(part) for part in error.get("loc", [])], "msg": str(error.get("msg", ""))}
        for error in exc.errors
    ]
    return problem(
        CoreErrorCode.VALIDATION, _("The request is not valid."), 422, {"errors": errors}
    )


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(CoreErrorCode.NOT_AUTHENTICATED, _("Sign in or send a valid API token."), 401)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(CoreErrorCode.PERMISSION_DENIED, _("You may not do this."), 403)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(CoreErrorCode.NOT_FOUND, _("Not found."), 404)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = CoreErrorCode.METHOD_NOT_ALLOWED if exc.status_code == 405 else "http_error"
    return problem(code, str(exc.message), exc.status_code)


@api.exception_handler(SuspiciousOperation)
def on_suspicious_request(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    # Django refuses a request past its upload limits (DATA_UPLOAD_MAX_MEMORY_SIZE,
    # DATA_UPLOAD_MAX_NUMBER_FILES, ...) while Ninja reads it: the caller's fault, never a 500.
    if isinstance(exc, RequestDataTooBig | TooManyFilesSent):
        return problem("request_too_large", _("The request is too large."), 413)
    return problem("bad_request", _("The request is not valid."), 400)


@api.exception_handler(Exception)
def on_unexpected_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    # A bug: log it with its traceback, answer the client in the one error shape.
    logger.exception("API error on %s %s", request.method, request.path)
    return problem(CoreErrorCode.SERVER_ERROR, _("Something went wrong on our side."), 500)


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Answer unknown /api/ routes with the same JSON problem shape."""
    return problem(
        CoreErrorCode.NOT_FOUND, _("There is no such API route."), 404, {"path": request.path}
    )


api.add_router("/accounts/", accounts_router)
api.add_router("/", clients_router)
api.add_router("/", crm_router)
api.add_router("/", lead_rules_router)
api.add_router("/", cases_router)
api.add_router("/", mail_router)
api.add_router("/", tracking_router)
api.add_router("/", billing_router)
api.add_router("/", personal_router)
api.add_router("/shop/", cart_router)
api.add_router("/shop/", orders_router)
api.add_router("/shop/", payments_router)
api.add_router("/catalog/", catalog_router)
api.add_router("/shop/", returns_router)
