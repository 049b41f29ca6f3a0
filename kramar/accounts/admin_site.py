from django.contrib.admin import AdminSite
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kramar.accounts.selectors import is_administrator


class KramarAdminSite(AdminSite):
    """Django's admin, open to administrators only; everyone else works in /office/."""

    site_header = _("Kramar administration")
    site_title = _("Kramar administration")

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_authenticated and is_administrator(request.user))
