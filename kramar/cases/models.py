"""Service cases: a client's complaint, question, warranty repair or return, worked by the
after-sales service against a time budget (SLA), each step kept as an event (M14)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kramar.audit.capture import AuditedManager
from kramar.cases.enums import (
    OPEN_STATUSES,
    CaseEventKind,
    CaseKind,
    CasePriority,
    CaseStatus,
)
from kramar.core.models import TimeStampedModel

NUMBER_PREFIX = "С-"  # Cyrillic "С" for "сервіс", as the service says it on the phone


class ServiceCase(TimeStampedModel):
    """A client's request to the after-sales service, on the client's one history (M14)."""

    # Given from the primary key right after the insert, in the same transaction: unique and
    # gap-tolerant without a lock; empty (NULL) only inside that transaction.
    number = models.CharField(  # noqa: DJ001  (NULL, not "", so that unique allows it)
        _("number"), max_length=20, unique=True, null=True, editable=False
    )
    client = models.ForeignKey(
        "clients.Client", verbose_name=_("client"), related_name="cases", on_delete=models.PROTECT
    )
    kind = models.CharField(_("kind"), max_length=10, choices=CaseKind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.NEW
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=CasePriority.choices, default=CasePriority.NORMAL
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        related_name="service_cases",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    sla_due_at = models.DateTimeField(_("to be resolved by"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    objects = AuditedManager()

    class Meta:
        ordering = ["sla_due_at", "id"]
        verbose_name = _("service case")
        verbose_name_plural = _("service cases")
        indexes = [
            models.Index(fields=["status", "sla_due_at"], name="cases_case_queue_idx"),
            models.Index(fields=["owner", "status"], name="cases_case_owner_status_idx"),
        ]
        permissions = [("view_all_cases", _("May see every service case"))]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}" if self.number else self.subject

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.sla_due_at < timezone.now()


class CaseEvent(models.Model):
    """One step of a case: opened, assigned, moved, resolved, closed; who did it and when."""

    case = models.ForeignKey(
        ServiceCase, verbose_name=_("case"), related_name="events", on_delete=models.CASCADE
    )
    kind = models.CharField(_("kind"), max_length=16, choices=CaseEventKind.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
    )
    from_status = models.CharField(_("from"), max_length=16, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=CaseStatus.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        indexes = [models.Index(fields=["case", "at"], name="cases_event_case_at_idx")]

    def __str__(self) -> str:
        return f"{self.case}: {self.from_status or '—'} → {self.to_status}"
