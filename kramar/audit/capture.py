"""Write an audit row for every change of an audited model, whichever code path makes it.

Saves and deletes are caught by model signals; ``QuerySet.update``, ``bulk_create`` and
``bulk_update`` by ``AuditedQuerySet``, which every audited model uses as its manager's
queryset (a test checks it). Each row is written in the transaction of the change. Old values
come from a snapshot taken when the instance was loaded, so a single save costs one INSERT
more and no extra SELECT; a bulk update reads the rows before and after (two queries) and
writes all its rows in one INSERT.

This is infrastructure, not business logic: it is the one place where signals are the right
tool, because "nothing escapes" is exactly what they give (docs/architecture.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_delete

from kramar.audit import context
from kramar.audit.enums import AuditAction

MASK = "***"
SNAPSHOT = "_audit_old"


@dataclass(frozen=True)
class Audited:
    """How one model is audited: which fields are left out, which are secret, which m2m."""

    label: str
    exclude: frozenset[str] = frozenset()
    secret: frozenset[str] = frozenset()
    m2m: tuple[str, ...] = ()
    revertible: frozenset[str] = frozenset()
    model: Any = field(default=None, compare=False)
    fields: tuple[models.Field[Any, Any], ...] = field(default=(), compare=False)

    @property
    def key(self) -> str:
        return self.label.lower()


_specs: dict[type[models.Model], Audited] = {}


def spec_for(model: type[models.Model]) -> Audited | None:
    return _specs.get(model._meta.concrete_model or model)


def audited_models() -> dict[type[models.Model], Audited]:
    return dict(_specs)


def plain(value: Any) -> Any:
    """Return a JSON-safe copy of a field value (Decimal and dates as text)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "name") and hasattr(value, "storage"):  # a file field
        return value.name or None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _tracked(spec: Audited, names: Iterable[str] | None = None) -> list[models.Field[Any, Any]]:
    if names is None:
        return list(spec.fields)
    wanted = set(names)
    return [f for f in spec.fields if f.name in wanted or f.attname in wanted]


def _snapshot(spec: Audited, instance: models.Model) -> dict[str, Any]:
    values = instance.__dict__
    return {f.attname: values[f.attname] for f in spec.fields if f.attname in values}


def _pair(spec: Audited, fld: models.Field[Any, Any], old: Any, new: Any) -> list[Any]:
    if fld.name in spec.secret:
        return [MASK if old else None, MASK if new else None]
    return [plain(old), plain(new)]


def _row(
    spec: Audited, action: str, object_id: Any, changes: dict[str, Any], text: str = ""
) -> dict[str, Any]:
    return {
        "action": action,
        "model": spec.key,
        "object_id": str(object_id)[:64],
        "object_repr": text[:200],
        "changes": changes,
    }


def write(rows: Sequence[dict[str, Any]], *, using: str = "default") -> None:
    """Store audit rows with the current origin (one INSERT)."""
    if not rows:
        return
    from kramar.audit.models import AuditEntry

    origin = context.current()
    where = context.describe(origin)
    if origin.action:
        for row in rows:
            if row["action"] == AuditAction.UPDATE:
                row["action"] = origin.action
                row["changes"] = {**row["changes"], "_reverts": origin.reverts}
    AuditEntry.objects.using(using).bulk_create([AuditEntry(**where, **row) for row in rows])


def _repr(instance: models.Model) -> str:
    try:
        return str(instance)
    except Exception:
        return f"#{instance.pk}"


def _action_for(changes: dict[str, Any]) -> str:
    deleted = changes.get("deleted_at")
    if deleted is not None and isinstance(deleted, list):
        if deleted[0] is None and deleted[1] is not None:
            return AuditAction.SOFT_DELETE
        if deleted[0] is not None and deleted[1] is None:
            return AuditAction.RESTORE
    return AuditAction.UPDATE


def _on_init(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    spec = _specs.get(sender)
    if spec is not None:
        instance.__dict__[SNAPSHOT] = _snapshot(spec, instance)


def _on_save(
    sender: type[models.Model],
    instance: models.Model,
    created: bool,
    update_fields: Iterable[str] | None,
    raw: bool,
    using: str,
    **kwargs: Any,
) -> None:
    spec = _specs.get(sender)
    if spec is None or raw:
        return
    values = instance.__dict__
    if created:
        changes = {
            f.name: _pair(spec, f, None, values.get(f.attname))
            for f in spec.fields
            if values.get(f.attname) not in (None, "")
        }
        write([_row(spec, AuditAction.CREATE, instance.pk, changes, _repr(instance))], using=using)
    else:
        old = values.get(SNAPSHOT, {})
        changes = {}
        for f in _tracked(spec, update_fields):
            if f.attname in old and f.attname in values and old[f.attname] != values[f.attname]:
                changes[f.name] = _pair(spec, f, old[f.attname], values[f.attname])
        if changes:
            action = _action_for(changes)
            write([_row(spec, action, instance.pk, changes, _repr(instance))], using=using)
    values[SNAPSHOT] = _snapshot(spec, instance)


def _on_pre_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    # Keep the primary key: Django sets it to None after the delete.
    if sender in _specs:
        instance.__dict__["_audit_pk"] = instance.pk


def _on_delete(
    sender: type[models.Model], instance: models.Model, using: str, **kwargs: Any
) -> None:
    spec = _specs.get(sender)
    if spec is None:
        return
    values = instance.__dict__
    changes = {
        f.name: _pair(spec, f, values.get(f.attname), None)
        for f in spec.fields
        if values.get(f.attname) not in (None, "")
    }
    pk = values.get("_audit_pk", instance.pk)
    write([_row(spec, AuditAction.DELETE, pk, changes, _repr(instance))], using=using)


def _m2m_handler(spec: Audited, field_name: str, other_side: type[models.Model]) -> Any:
    def handler(
        sender: Any,
        instance: models.Model,
        action: str,
        reverse: bool,
        model: type[models.Model],
        pk_set: set[Any] | None,
        using: str,
        **kwargs: Any,
    ) -> None:
        if action == "pre_clear":
            manager = getattr(instance, _accessor(spec, field_name, reverse))
            instance.__dict__[f"_audit_clear_{field_name}"] = sorted(
                manager.values_list("pk", flat=True)
            )
            return
        if action not in {"post_add", "post_remove", "post_clear"}:
            return
        if action == "post_clear":
            pks = instance.__dict__.pop(f"_audit_clear_{field_name}", [])
        else:
            pks = sorted(pk_set or [])
        if not pks:
            return
        key = "added" if action == "post_add" else "removed"
        if not reverse:
            changes = {field_name: {key: [plain(pk) for pk in pks]}}
            write(
                [_row(spec, AuditAction.UPDATE, instance.pk, changes, _repr(instance))], using=using
            )
        else:
            rows = [
                _row(spec, AuditAction.UPDATE, pk, {field_name: {key: [plain(instance.pk)]}})
                for pk in pks
            ]
            write(rows, using=using)

    return handler


def _accessor(spec: Audited, field_name: str, reverse: bool) -> str:
    if not reverse:
        return field_name
    remote = spec.model._meta.get_field(field_name)
    return str(remote.remote_field.get_accessor_name())


def _given(fld: models.Field[Any, Any], kwargs: dict[str, Any]) -> Any:
    """The value an update() sets, as the column will hold it (a model instance as its key)."""
    value = kwargs[fld.name] if fld.name in kwargs else kwargs[fld.attname]
    if isinstance(value, models.Model):
        return value.pk
    return fld.to_python(value) if value is not None else None


class AuditedQuerySet[M: models.Model](models.QuerySet[M]):
    """A queryset whose bulk writes leave the same audit rows as single saves."""

    def update(self, **kwargs: Any) -> int:
        spec = spec_for(self.model)
        fields = _tracked(spec, kwargs) if spec is not None else []
        if spec is None or not fields:
            return super().update(**kwargs)
        names = [f.attname for f in fields]
        with transaction.atomic(using=self.db, savepoint=False):
            before = {row["pk"]: row for row in self.values("pk", *names)}
            count = super().update(**kwargs)
            if not before:
                return count
            if any(hasattr(value, "resolve_expression") for value in kwargs.values()):
                # F() and other expressions: only the database knows the new values.
                after = self.model._base_manager.using(self.db).filter(pk__in=list(before))
                news = list(after.values("pk", *names))
            else:
                given = {f.attname: _given(f, kwargs) for f in fields}
                news = [{"pk": pk, **given} for pk in before]
            rows = []
            for new in news:
                old = before[new["pk"]]
                changes = {
                    f.name: _pair(spec, f, old[f.attname], new[f.attname])
                    for f in fields
                    if old[f.attname] != new[f.attname]
                }
                if changes:
                    rows.append(_row(spec, _action_for(changes), new["pk"], changes))
            write(rows, using=self.db)
        return count

    def bulk_create(self, objs: Iterable[M], *args: Any, **kwargs: Any) -> list[M]:
        spec = spec_for(self.model)
        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            if spec is not None:
                rows = []
                for obj in created:
                    values = obj.__dict__
                    changes = {
                        f.name: _pair(spec, f, None, values.get(f.attname))
                        for f in spec.fields
                        if values.get(f.attname) not in (None, "")
                    }
                    rows.append(_row(spec, AuditAction.CREATE, obj.pk, changes, _repr(obj)))
                    values[SNAPSHOT] = _snapshot(spec, obj)
                write(rows, using=self.db)
        return created

    def bulk_update(
        self, objs: Iterable[M], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        spec = spec_for(self.model)
        objs = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            fields = list(fields)
            count = super().bulk_update(objs, fields, batch_size=batch_size)
            if spec is not None:
                tracked = _tracked(spec, fields)
                rows = []
                for obj in objs:
                    values = obj.__dict__
                    old = values.get(SNAPSHOT, {})
                    changes = {
                        f.name: _pair(spec, f, old[f.attname], values[f.attname])
                        for f in tracked
                        if f.attname in old and old[f.attname] != values.get(f.attname)
                    }
                    if changes:
                        rows.append(_row(spec, _action_for(changes), obj.pk, changes, _repr(obj)))
                    values[SNAPSHOT] = _snapshot(spec, obj)
                write(rows, using=self.db)
        return count


class AuditedManager[M: models.Model](models.Manager[M]):
    """The default manager of an audited model: its querysets audit their bulk writes."""

    def get_queryset(self) -> AuditedQuerySet[M]:
        return AuditedQuerySet(self.model, using=self._db)


def connect(specs: Sequence[Audited]) -> None:
    """Resolve the registry's labels and connect the signal handlers (AppConfig.ready)."""
    _specs.clear()
    for raw in specs:
        model = apps.get_model(raw.label)
        names = {f.name for f in model._meta.concrete_fields}
        unknown = (raw.exclude | raw.secret | raw.revertible) - names
        if unknown:
            raise LookupError(f"audit registry: {raw.label} has no field(s) {sorted(unknown)}")
        fields = tuple(
            f
            for f in model._meta.concrete_fields
            if f.name not in raw.exclude and not f.primary_key
        )
        spec = Audited(
            label=raw.label,
            exclude=raw.exclude,
            secret=raw.secret,
            m2m=raw.m2m,
            revertible=raw.revertible,
            model=model,
            fields=fields,
        )
        _specs[model] = spec
        uid = f"kramar.audit:{spec.key}"
        post_init.connect(_on_init, sender=model, dispatch_uid=f"{uid}:init")
        post_save.connect(_on_save, sender=model, dispatch_uid=f"{uid}:save")
        pre_delete.connect(_on_pre_delete, sender=model, dispatch_uid=f"{uid}:pre_delete")
        post_delete.connect(_on_delete, sender=model, dispatch_uid=f"{uid}:delete")
        for name in raw.m2m:
            through = model._meta.get_field(name).remote_field.through
            m2m_changed.connect(
                _m2m_handler(spec, name, through),
                sender=through,
                dispatch_uid=f"{uid}:m2m:{name}",
                weak=False,
            )
