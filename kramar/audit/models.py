"""The audit trail (M3): one append-only row per created, changed or deleted business record."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kramar.audit.enums import AuditAction, AuditErrorCode, AuditSource
from kramar.core.errors import ApplicationError


def _refuse() -> NoReturn:
    raise ApplicationError(
        AuditErrorCode.APPEND_ONLY, str(_("The audit trail is append-only.")), status=409
    )


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    """No path in code changes or removes audit rows: updates and deletes are refused."""

    def update(self, **kwargs: Any) -> NoReturn:
        _refuse()

    def delete(self) -> NoReturn:
        _refuse()

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse()


class AuditEntry(models.Model):
    """Who did what to which record, when and from where, with each field's old and new value.

    ``changes`` maps a field name to ``[old, new]`` (for a many-to-many field
    ``{"added": [...], "removed": [...]}``); secrets are written as ``"***"``. The actor is kept
    by id and by e-mail at the time, without a foreign key, so that nothing that happens to
    users later can touch the trail. On PostgreSQL a trigger refuses UPDATE and DELETE too.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("who, as then"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    model = models.CharField(_("record type"), max_length=100)
    object_id = models.CharField(_("record"), max_length=64, blank=True)
    object_repr = models.CharField(_("record, as then"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, encoder=DjangoJSONEncoder)
    source = models.CharField(_("from"), max_length=10, choices=AuditSource.choices)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    api_token = models.CharField(_("API token"), max_length=12, blank=True)
    path = models.CharField(_("page or job"), max_length=300, blank=True)
    batch = models.UUIDField(_("one request or job"), null=True, blank=True, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["model", "object_id", "-at"], name="audit_record_idx"),
            models.Index(fields=["actor", "-at"], name="audit_actor_idx"),
        ]
        default_permissions = ("view",)
        permissions = [
            ("view_all_audit", _("May read the whole audit trail")),
            ("revert_change", _("May revert a change from a record's history")),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.model}#{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse()
