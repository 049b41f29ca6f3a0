"""The second step of a staff sign-in: between the password and the code nobody is signed in.

A password that is right for someone with sign-in codes does not call ``login()``: the person's
id waits in the (still anonymous) session, with the hash of their password and the time, and
the code step (``backoffice:sign-in-code``) signs them in only after a good code. A session is
then marked as having passed the code; :class:`SecondFactorMiddleware` signs out any session of
a person with codes that lacks the mark (opened before they switched codes on, or by a way in
that skipped the step), and sends people whose role requires codes to set them up.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from kramar.accounts.enums import SecondFactor
from kramar.accounts.models import User
from kramar.accounts.selectors import totp_required_for

PENDING_KEY = "kramar_sign_in_pending"
VERIFIED_KEY = "kramar_second_factor"
# Time to open the app and type the code after the password was accepted.
PENDING_SECONDS = 5 * 60
CODE_STEP = "backoffice:sign-in-code"
SET_UP_PAGE = "backoffice:security"


def needs_second_factor(user: User) -> bool:
    return bool(user.is_staff and user.totp_enabled)


def begin(request: HttpRequest, user: User, redirect_to: str) -> HttpResponseRedirect:
    """Remember who gave the right password and send them to the code step."""
    # A new session key: what an attacker may have planted before the password is worthless.
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", "django.contrib.auth.backends.ModelBackend"),
        "hash": user.get_session_auth_hash(),
        "next": redirect_to,
        "since": int(time.time()),
    }
    return redirect(CODE_STEP)


def pending_user(request: HttpRequest) -> User | None:
    """Return the person waiting at the code step, or None (and forget a stale wait)."""
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict):
        return None
    user = User.objects.filter(pk=int(data.get("user") or 0), is_active=True, is_staff=True).first()
    fresh = time.time() - float(data.get("since", 0)) <= PENDING_SECONDS
    if user is None or not fresh or not needs_second_factor(user):
        request.session.pop(PENDING_KEY, None)
        return None
    if user.get_session_auth_hash() != data.get("hash"):  # the password changed meanwhile
        request.session.pop(PENDING_KEY, None)
        return None
    return user


def finish(request: HttpRequest, user: User, factor: SecondFactor) -> str:
    """Sign the person in after a good code; return where they were going."""
    data = request.session.pop(PENDING_KEY)
    request.kramar_second_factor = str(factor)  # type: ignore[attr-defined]  # for the audit row
    login(request, user, backend=data["backend"])
    request.session[VERIFIED_KEY] = SecondFactor.TOTP.value
    return str(data.get("next") or "")


def mark_verified(request: HttpRequest) -> None:
    """Mark this session as having passed a code (it just confirmed the set-up with one)."""
    request.session[VERIFIED_KEY] = SecondFactor.TOTP.value


class SecondFactorLoginMixin(LoginView):
    """A sign-in form that stops at the code step for people with sign-in codes."""

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if isinstance(user, User) and needs_second_factor(user):
            return begin(self.request, user, self.get_success_url())
        return super().form_valid(form)


class SecondFactorMiddleware:
    """Sign out sessions that skipped the code; send people who must set codes up to do so."""

    # Pages a person who must set up codes may still open (the set-up itself, signing out).
    OPEN_PATHS = (
        "/office/security/",
        "/office/logout/",
        "/office/login/",
        "/office/notifications/badge/",
    )
    GATED_PATHS = ("/office/", "/admin/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        if isinstance(user, User) and user.is_staff:
            verified = request.session.get(VERIFIED_KEY) == SecondFactor.TOTP.value
            if user.totp_enabled and not verified:
                logout(request)
            elif (
                request.path.startswith(self.GATED_PATHS)
                and not request.path.startswith(self.OPEN_PATHS)
                and not verified
                and totp_required_for(user)
            ):
                messages.warning(request, _("Your role requires sign-in codes: set them up first."))
                return redirect(reverse(SET_UP_PAGE))
        return self.get_response(request)
