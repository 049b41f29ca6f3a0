"""Writes of the audit app: reverting one field to the value a history row says it had (M3).

The trail itself is written by the capture (``capture.py``), never here. A revert does not
write the record itself: the app that owns the model registers a function that makes the
change through its own service (so its rules and its timeline apply), and the revert is then
audited like any other change, marked as a revert.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from kramar.audit import capture, context
from kramar.audit.enums import AuditAction, AuditErrorCode
from kramar.audit.models import AuditEntry
from kramar.core.errors import ApplicationError, NotFoundError

# (actor, record, {field: value}) -> None; registered by the owning app in AppConfig.ready.
Reverter = Callable[[Any, models.Model, dict[str, Any]], Any]
_reverters: dict[str, Reverter] = {}


def reverter_register(label: str, reverter: Reverter) -> None:
    _reverters[label.lower()] = reverter


REDACTED = "[erased]"
REDACTED_MARK = "_redacted"
# Rows that record an export or an erasure hold counts, not the person's values.
RECORDS_OF_REQUESTS = frozenset({AuditAction.EXPORT, AuditAction.ERASE})


@transaction.atomic
def audit_redact(
    *,
    model: str,
    object_ids: Collection[str],
    object_repr: str = "",
    scrub: Callable[[str], str] | None = None,
) -> int:
    """Take an erased person's values out of the audit rows of these records; return how many.

    For a person's erasure (``clients.services.client_erase``). Without ``scrub`` every value
    becomes ``[erased]`` and the record's name ``object_repr`` (the person's own records);
    with it, only what ``scrub`` replaces in each text goes (a deal or a case that named the
    person). Either way the rows keep who changed which field when and from where. The only
    path that changes an audit row: on PostgreSQL the trigger lets it through
    (``kramar.audit_redaction``) for these two columns only. Redacted rows cannot be reverted.
    """
    ids = [str(pk) for pk in object_ids]
    if not ids:
        return 0
    rows = AuditEntry.objects.filter(model=model.lower(), object_id__in=ids)
    # The plain queryset: AuditEntry's own refuses updates.
    writer: models.QuerySet[AuditEntry] = models.QuerySet(AuditEntry)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('kramar.audit_redaction', 'on', true)")
        try:
            redacted = _redact_rows(rows, writer, object_repr, scrub)
        finally:  # the switch is the transaction's: off again at once, whatever happened
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config('kramar.audit_redaction', 'off', true)")
    return redacted


def _redact_rows(
    rows: models.QuerySet[AuditEntry],
    writer: models.QuerySet[AuditEntry],
    object_repr: str,
    scrub: Callable[[str], str] | None,
) -> int:
    redacted: list[AuditEntry] = []
    for entry in rows.only("pk", "action", "changes", "object_repr").iterator():
        if scrub is not None:
            changes, name = _scrubbed(entry.changes, scrub), scrub(entry.object_repr)
            if changes == entry.changes and name == entry.object_repr:
                continue
            changes[REDACTED_MARK] = True
        elif entry.action in RECORDS_OF_REQUESTS:  # counts, no values: only the name goes
            changes, name = entry.changes, object_repr
        else:
            changes = {
                key: _redacted(value)
                for key, value in (entry.changes or {}).items()
                if not key.startswith("_")
            }
            changes[REDACTED_MARK], name = True, object_repr
        entry.changes, entry.object_repr = changes, name[:200]
        redacted.append(entry)
    # One UPDATE a batch, through the plain queryset (AuditEntry's own refuses bulk updates).
    writer.bulk_update(redacted, ["changes", "object_repr"], batch_size=500)
    return len(redacted)


def _redacted(value: Any) -> Any:
    if isinstance(value, dict):  # many-to-many: {"added": [...], "removed": [...]}
        return dict.fromkeys(value, REDACTED)
    return [REDACTED, REDACTED] if isinstance(value, list) else REDACTED


def _scrubbed(value: Any, scrub: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        return [_scrubbed(item, scrub) for item in value]
    if isinstance(value, dict):
        return {key: _scrubbed(item, scrub) for key, item in value.items()}
    return value


def revertible_fields(entry: AuditEntry) -> list[str]:
    """Return the fields of a history row that can be put back as they were."""
    if (entry.changes or {}).get(REDACTED_MARK):
        return []
    if entry.action != AuditAction.UPDATE or entry.model not in _reverters:
        return []
    spec = next((s for s in capture.audited_models().values() if s.key == entry.model), None)
    if spec is None:
        return []
    return [name for name in entry.changes if name in spec.revertible]


def _concrete(model: type[models.Model], field: str) -> models.Field[Any, Any]:
    found = model._meta.get_field(field)
    assert isinstance(found, models.Field)  # noqa: S101 - revertible fields are concrete
    return found


def _value(model: type[models.Model], field: str, raw: Any) -> Any:
    model_field = _concrete(model, field)
    if model_field.is_relation and raw is not None:
        related = model_field.related_model
        assert isinstance(related, type)  # noqa: S101 - a concrete model, never a string here
        found = related._default_manager.filter(pk=raw).first()
        if found is None:
            raise ApplicationError(
                AuditErrorCode.NOT_REVERTIBLE,
                _("The earlier value no longer exists."),
                extra={"field": field},
                status=409,
            )
        return found
    return model_field.to_python(raw)


@transaction.atomic
def audit_revert(*, actor: Any, entry: AuditEntry, field: str, record: models.Model) -> None:
    """Put ``field`` of ``record`` back to its value before ``entry``.

    The caller has loaded ``record`` through the owning app's selector (so the actor sees it);
    the owning app's service checks the right to change it. Refused when the field changed
    again since (the history would be rewritten blindly) or is not revertible.
    """
    if field not in revertible_fields(entry):
        raise ApplicationError(
            AuditErrorCode.NOT_REVERTIBLE, _("This change cannot be reverted."), status=409
        )
    if str(record.pk) != entry.object_id or record._meta.label_lower != entry.model:
        raise NotFoundError(AuditErrorCode.NOT_FOUND, _("No such change of this record."))
    model = type(record)
    fresh = model._default_manager.select_for_update().get(pk=record.pk)
    old, new = entry.changes[field]
    current = capture.plain(getattr(fresh, _concrete(model, field).attname))
    if current != new:
        raise ApplicationError(
            AuditErrorCode.CHANGED_SINCE,
            _("The field has changed again since; revert the later change first."),
            extra={"field": field},
            status=409,
        )
    with context.marked(action=AuditAction.REVERT, reverts=entry.pk):
        _reverters[entry.model](actor, fresh, {field: _value(model, field, old)})
