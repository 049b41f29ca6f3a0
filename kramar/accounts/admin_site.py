from typing import Any

from django.contrib.admin import AdminSite
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from kramar.accounts.selectors import is_administrator


class KramarAdminSite(AdminSite):
    """Django's admin, open to administrators only; everyone else works in /office/."""

    site_header = _("Kramar administration")
    site_title = _("Kramar administration")

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_authenticated and is_administrator(request.user))

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """Sign in through the office's page, which asks for the code of people with codes.

        Django's own admin form would sign in with the password alone; one way in keeps the
        second step, the throttling and the audit in one place (docs/sign-in.md).
        """
        if self.has_permission(request):
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        if request.user.is_authenticated:
            raise PermissionDenied
        target = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("admin:index", current_app=self.name)
        return redirect_to_login(target, "backoffice:login")
