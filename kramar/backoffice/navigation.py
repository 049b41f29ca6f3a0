"""The back office's navigation: each item shows only to the roles whose permissions allow it.

Later apps add their items here, each guarded by the permission its page checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kramar.accounts.models import User
from kramar.accounts.selectors import is_administrator


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    permission: str | None = None
    administrators_only: bool = False

    def visible_to(self, user: User) -> bool:
        if self.administrators_only:
            return is_administrator(user)
        return self.permission is None or user.has_perm(self.permission)


NAVIGATION: list[NavItem] = [
    NavItem(_("Dashboard"), "backoffice:dashboard", "accounts.access_office"),
    NavItem(_("My day"), "backoffice:my-day", "crm.view_activity"),
    NavItem(_("Calendar"), "backoffice:calendar", "crm.view_activity"),
    NavItem(_("Clients"), "backoffice:client-list", "clients.view_client"),
    NavItem(_("Deals"), "backoffice:deal-board", "crm.view_deal"),
    NavItem(_("Approvals"), "backoffice:approvals", "crm.decide_approvalrequest"),
    NavItem(_("Lead rules"), "backoffice:lead-rules", "crm.view_leadrule"),
    NavItem(_("Orders"), "backoffice:order-list", "orders.view_order"),
    NavItem(_("Returns"), "backoffice:return-queue", "returns.view_goodsreturn"),
    NavItem(_("Invoices"), "backoffice:invoice-list", "billing.view_invoice"),
    NavItem(_("Payments"), "backoffice:payments", "billing.view_statement"),
    NavItem(_("Debtors"), "backoffice:debtors", "billing.view_debtors"),
    NavItem(_("Service cases"), "backoffice:case-queue", "cases.view_servicecase"),
    NavItem(_("Catalogue"), "backoffice:product-list", "catalog.view_product"),
    NavItem(_("Staff"), "backoffice:staff", "accounts.view_user"),
    NavItem(_("Roles and rights"), "backoffice:roles", "accounts.view_user"),
    NavItem(_("Audit trail"), "backoffice:audit-trail", "audit.view_auditentry"),
    NavItem(_("Recycle bin"), "backoffice:recycle-bin", "clients.restore_client"),
    NavItem(_("Mail quarantine"), "backoffice:mail-quarantine", "mail.manage_quarantine"),
    NavItem(_("API tokens"), "backoffice:tokens", "accounts.use_api_tokens"),
    NavItem(_("Sign-in codes"), "backoffice:security", "accounts.access_office"),
    NavItem(_("API reference"), "api:openapi-view", "accounts.access_office"),
    NavItem(_("Administration"), "admin:index", administrators_only=True),
]


def navigation_for(user: User, current_path: str) -> list[dict[str, Any]]:
    """Return the navigation items the user may open, marking the current one."""
    items = []
    for item in NAVIGATION:
        if not item.visible_to(user):
            continue
        url = reverse(item.url_name)
        current = current_path == url or (url != "/office/" and current_path.startswith(url))
        items.append({"label": item.label, "url": url, "current": current})
    return items
