"""Who gets a new lead, whatever channel it came by (M6, M8, M12; docs/tracking.md, "Assignment").

The rules were the web forms' own (``tracking.LeadRule``) until e-mail leads needed them too;
the table moved here with its rows (docs/architecture.md, "Lead assignment is CRM logic").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kramar.audit.capture import AuditedManager
from kramar.crm.enums import LeadChannel


class LeadRule(models.Model):
    """One line of the lead routing table, tried in ``order``.

    The first active rule that matches (channel, the client's region, the product's group or
    an ancestor of it; a blank field matches anything) names a manager or a department. In a
    department the sales manager with the fewest open deals gets the lead; on equal load the one
    whose last lead is oldest.
    """

    order = models.PositiveIntegerField(_("order"), default=0)
    channel = models.CharField(_("channel"), max_length=20, choices=LeadChannel.choices, blank=True)
    region = models.ForeignKey(
        "clients.Region", verbose_name=_("region"), on_delete=models.CASCADE, null=True, blank=True
    )
    product_group = models.ForeignKey(
        "catalog.ProductGroup",
        verbose_name=_("product group"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("manager"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("what the rule is for"), max_length=200, blank=True)

    objects = AuditedManager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("lead rule")
        verbose_name_plural = _("lead rules")

    def __str__(self) -> str:
        return f"#{self.order} {self.note}".strip()
