"""The shop's web forms and the tracking-consent answer (issue 6; M6, M8).

A form becomes a client, a lead and a manager's first step (tracking.services.web_form_submit);
a refused input is shown on the form, never a 500.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kramar.catalog.models import Product
from kramar.core.errors import ApplicationError
from kramar.storefront.site_forms import WebForm
from kramar.tracking import guard
from kramar.tracking.collector import (
    CONSENT_ALL,
    CONSENT_COOKIE,
    CONSENT_NECESSARY,
    Collector,
    identify,
    track,
)
from kramar.tracking.enums import EventKind, WebFormKind
from kramar.tracking.services import web_form_submit

logger = logging.getLogger(__name__)
CONSENT_DAYS = 180


@require_POST
def consent(request: HttpRequest) -> HttpResponse:
    """Keep the visitor's answer to the tracking banner in a cookie, and go back."""
    choice = CONSENT_ALL if request.POST.get("choice") == CONSENT_ALL else CONSENT_NECESSARY
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = redirect(target)
    response.set_cookie(
        CONSENT_COOKIE,
        choice,
        max_age=CONSENT_DAYS * 86400,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )
    if choice == CONSENT_NECESSARY:
        response.delete_cookie(settings.TRACKING_COOKIE)
    return response


@require_http_methods(["GET", "POST"])
def web_form(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in WebFormKind.values:
        raise Http404
    form_kind = WebFormKind(kind)
    product = None
    if form_kind == WebFormKind.QUESTION:
        slug = request.GET.get("product") or request.POST.get("product") or ""
        product = Product.objects.filter(slug=slug[:200], is_active=True).first()
    form = WebForm(request.POST or None, kind=form_kind)
    status = 200
    if request.method == "POST" and form.is_robot:
        logger.info("web form %s: honeypot filled, dropped", form_kind)
        messages.success(request, _("Thank you! We will get back to you soon."))
        return redirect("storefront:home")  # a robot learns nothing from the answer
    if request.method == "POST" and form.is_valid() and guard.form_flood(request):
        # Counted once valid: a person correcting a typo is not held back, a flood is.
        form.add_error(None, _("Too many messages from your address; try again in a few minutes."))
        status = 429
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        visit: Collector | None = getattr(request, "tracking", None)
        try:
            submission = web_form_submit(
                kind=form_kind,
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                message=data["message"],
                product=product,
                visitor_id=visit.visitor_id if visit else "",
                touch=visit.touch if visit else None,
            )
        except ApplicationError as error:
            field = str(error.extra.get("field", ""))
            form.add_error(field if field in form.fields else None, str(error.message))
        else:
            track(request, EventKind.FORM_SUBMITTED, form=form_kind.value)
            identify(request, client_id=submission.client_id)
            messages.success(request, _("Thank you! We will get back to you soon."))
            return redirect("storefront:home")
    if request.method == "POST" and status == 200:
        status = 400
    context = {"form": form, "kind": form_kind, "product": product}
    return render(request, "storefront/web_form.html", context, status=status)
