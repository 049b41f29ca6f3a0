"""Merging duplicate clients: every related row of every app moves to the survivor."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.clients.enums import (
    ClientsErrorCode,
    TimelineKind,
)
from kramar.clients.models import Client
from kramar.clients.services.access import client_check_actor
from kramar.clients.services.timeline import timeline_record
from kramar.core.errors import ApplicationError

# --- Merging duplicates ------------------------------------------------------------------------


def _drop_duplicate_contacts(source: Client, target: Client) -> None:
    target_emails = set(target.emails.values_list("email", flat=True))
    source.emails.filter(email__in=target_emails).delete()
    target_phones = set(target.phones.values_list("number", flat=True))
    source.phones.filter(number__in=target_phones).delete()
    if target.emails.filter(is_primary=True).exists():
        source.emails.update(is_primary=False)
    if target.phones.filter(is_primary=True).exists():
        source.phones.update(is_primary=False)


def _move_related_rows(source: Client, target: Client) -> dict[str, int]:
    """Point every row of every app that refers to ``source`` at ``target``."""
    moved: dict[str, int] = {}
    for relation in Client._meta.related_objects:
        if relation.many_to_many or relation.one_to_one:
            continue
        model = relation.related_model
        field_name = relation.field.name
        # The default manager: for audited models its update() leaves one audit row per row.
        count = model._default_manager.filter(**{field_name: source}).update(**{field_name: target})
        if count:
            moved[f"{model._meta.label}.{field_name}"] = count
    return moved


@transaction.atomic
def client_merge(*, actor: User | None, source: Client, target: Client) -> Client:
    """Merge the duplicate ``source`` into ``target``: every related record moves to ``target``.

    ``source`` stays as a tombstone pointing at ``target`` (lists hide it), so links to it keep
    resolving and the merge itself stays on record.
    """
    client_check_actor(actor=actor, client=source, permission="clients.merge_clients")
    client_check_actor(actor=actor, client=target, permission="clients.merge_clients")
    source = Client.objects.select_for_update().get(pk=source.pk)
    target = Client.objects.select_for_update().get(pk=target.pk)
    if source.pk == target.pk:
        raise ApplicationError(
            ClientsErrorCode.MERGE_INTO_ITSELF, _("A client cannot be merged into itself.")
        )
    if source.merged_into_id or target.merged_into_id:
        raise ApplicationError(
            ClientsErrorCode.ALREADY_MERGED, _("One of these clients was merged already.")
        )
    if source.kind != target.kind:
        raise ApplicationError(
            ClientsErrorCode.MERGE_KINDS_DIFFER, _("A person and a company cannot be merged.")
        )
    if source.user_id and target.user_id:
        raise ApplicationError(
            ClientsErrorCode.MERGE_TWO_ACCOUNTS,
            _("Both clients have a shop account; merge the accounts first."),
        )
    _drop_duplicate_contacts(source, target)
    try:
        with transaction.atomic():
            moved = _move_related_rows(source, target)
    except IntegrityError as error:
        raise ApplicationError(
            "clients.merge_conflict",
            _("These clients cannot be merged automatically: %(error)s") % {"error": error},
        ) from None
    target.tags.add(*source.tags.all())
    target.co_owners.add(*source.co_owners.exclude(pk=target.manager_id))
    filled = _fill_blanks(source, target)
    source.merged_into = target
    source.save(update_fields=["merged_into", "updated_at"])
    timeline_record(
        client=target,
        kind=TimelineKind.CLIENTS_MERGED,
        summary=_("Merged with duplicate “%(name)s” (#%(id)s)")
        % {"name": source.name, "id": source.pk},
        actor=actor,
        details={"source": source.pk, "moved": moved, "filled": filled},
        source=source,
    )
    return target


def _fill_blanks(source: Client, target: Client) -> list[str]:
    """Take from the duplicate what the surviving record lacks (never overwrite)."""
    filled = []
    for field in (
        "first_name", "middle_name", "last_name", "legal_name", "registration_code", "size",
        "company", "job_title", "industry", "region", "manager", "department", "notes",
    ):  # fmt: skip
        if not getattr(target, field) and getattr(source, field):
            setattr(target, field, getattr(source, field))
            filled.append(field)
    if source.user_id and not target.user_id:
        user = source.user
        source.user = None
        source.save(update_fields=["user"])
        target.user = user
        filled.append("user")
    if source.last_contact_at and (
        target.last_contact_at is None or source.last_contact_at > target.last_contact_at
    ):
        target.last_contact_at = source.last_contact_at
        filled.append("last_contact_at")
    if filled:
        target.save(update_fields=[*filled, "updated_at"])
    return filled
