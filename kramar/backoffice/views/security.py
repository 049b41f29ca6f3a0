"""Sign-in codes (issue 5): the code step of a sign-in, and each person's own set-up page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from kramar.accounts import selectors, services, sign_in, totp
from kramar.accounts.enums import SecondFactor
from kramar.accounts.models import User
from kramar.accounts.views import set_language_cookie
from kramar.backoffice.decorators import office_view
from kramar.backoffice.forms import SecondFactorCodeForm
from kramar.core.errors import ApplicationError

LOW_RECOVERY_CODES = 3


def _refused(
    request: HttpRequest,
    template: str,
    context: dict[str, object],
    form: SecondFactorCodeForm,
    error: ApplicationError,
) -> HttpResponse:
    form.add_error("code", str(error.message))
    return render(request, template, context, status=429 if error.status == 429 else 400)


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The second step: the password was right; sign in only after a good code."""
    if request.user.is_authenticated:
        return redirect("backoffice:dashboard")
    user = sign_in.pending_user(request)
    if user is None:
        messages.info(request, _("Sign in with your e-mail and password first."))
        return redirect("backoffice:login")
    form = SecondFactorCodeForm(request.POST or None)
    context: dict[str, object] = {"form": form}
    if request.method == "POST" and form.is_valid():
        try:
            factor = services.second_factor_check(user=user, code=form.cleaned_data["code"])
        except ApplicationError as error:
            return _refused(request, "registration/sign_in_code.html", context, form, error)
        target = sign_in.finish(request, user, factor)
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = resolve_url(settings.LOGIN_REDIRECT_URL)
        if factor == SecondFactor.RECOVERY_CODE:
            left = selectors.recovery_codes_left(user=user)
            messages.warning(
                request,
                _("You signed in with a recovery code; %(n)d are left.") % {"n": left},
            )
        return set_language_cookie(redirect(target), user.language)
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/sign_in_code.html", context, status=status)


def _page(user: User, **forms: SecondFactorCodeForm) -> dict[str, object]:
    secret = selectors.totp_enrolment_secret(user=user)
    context: dict[str, object] = {
        "device": selectors.totp_device_of(user=user),
        "secret": secret,
        "required": selectors.totp_required_for(user),
        "recovery_left": selectors.recovery_codes_left(user=user),
        "low_recovery": LOW_RECOVERY_CODES,
        "confirm_form": SecondFactorCodeForm(),
        "renew_form": SecondFactorCodeForm(),
        "disable_form": SecondFactorCodeForm(),
    }
    if secret is not None:
        context["qr_svg"] = totp.qr_svg(totp.provisioning_uri(secret, user.email))
    context.update(forms)
    return context


@never_cache
@office_view()
def security(request: HttpRequest) -> HttpResponse:
    """The person's own sign-in codes: set up, confirm, renew recovery codes, switch off."""
    user: User = request.user  # type: ignore[assignment]
    return render(request, "backoffice/security.html", _page(user))


@office_view()
@require_POST
def security_enrol(request: HttpRequest) -> HttpResponse:
    try:
        services.totp_enrol_begin(user=request.user)  # type: ignore[arg-type]
    except ApplicationError as error:
        messages.error(request, str(error.message))
    return redirect("backoffice:security")


@never_cache
@sensitive_post_parameters("code")
@office_view()
@require_POST
def security_confirm(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = SecondFactorCodeForm(request.POST)
    context = _page(user, confirm_form=form)
    if not form.is_valid():
        return render(request, "backoffice/security.html", context, status=400)
    try:
        codes = services.totp_enrol_confirm(user=user, code=form.cleaned_data["code"])
    except ApplicationError as error:
        return _refused(request, "backoffice/security.html", context, form, error)
    sign_in.mark_verified(request)
    messages.success(request, _("Sign-in codes are on: each sign-in now asks for a code."))
    return render(request, "backoffice/recovery_codes.html", {"codes": codes})


@never_cache
@sensitive_post_parameters("code")
@office_view()
@require_POST
def security_recovery_codes(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = SecondFactorCodeForm(request.POST)
    context = _page(user, renew_form=form)
    if not form.is_valid():
        return render(request, "backoffice/security.html", context, status=400)
    try:
        codes = services.recovery_codes_renew(user=user, code=form.cleaned_data["code"])
    except ApplicationError as error:
        return _refused(request, "backoffice/security.html", context, form, error)
    messages.success(request, _("New recovery codes made; the old ones no longer work."))
    return render(request, "backoffice/recovery_codes.html", {"codes": codes})


@sensitive_post_parameters("code")
@office_view()
@require_POST
def security_disable(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = SecondFactorCodeForm(request.POST)
    context = _page(user, disable_form=form)
    if not form.is_valid():
        return render(request, "backoffice/security.html", context, status=400)
    try:
        services.totp_disable(user=user, code=form.cleaned_data["code"])
    except ApplicationError as error:
        return _refused(request, "backoffice/security.html", context, form, error)
    messages.success(request, _("Sign-in codes are off: the password alone signs you in."))
    return redirect("backoffice:security")
