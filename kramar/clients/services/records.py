"""Writes of the client record: normalised contacts, manager, co-owners, tags."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.clients.enums import (
    ClientKind,
    ClientsErrorCode,
    ClientSource,
    PhoneKind,
    TimelineKind,
)
from kramar.clients.models import Client, ClientEmail, ClientPhone, Tag
from kramar.clients.services.access import client_check_actor
from kramar.clients.services.timeline import timeline_record
from kramar.clients.text import fold
from kramar.core.errors import ApplicationError

DEFAULT_PHONE_REGION = "UA"
EMAIL_MAX_LENGTH = 254

# Fields that client_update may change; the rest have their own services (manager, co-owners,
# e-mails, phones, tags) or are never changed by hand (kind, user, merged_into).
UPDATABLE_FIELDS = frozenset(
    {
        "name", "first_name", "middle_name", "last_name", "legal_name", "registration_code",
        "size", "company", "job_title", "industry", "region", "is_customer", "is_supplier",
        "is_partner", "source", "notes",
    }
)  # fmt: skip


# --- Normalisation -----------------------------------------------------------------------------


def normalize_email(raw: str) -> str:
    """Return the e-mail lower-cased, or refuse it."""
    email = (raw or "").strip().lower()
    try:
        if len(email) > EMAIL_MAX_LENGTH:
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError:
        raise ApplicationError(
            ClientsErrorCode.INVALID_EMAIL,
            _("“%(email)s” is not a valid e-mail address.") % {"email": raw},
            extra={"field": "emails", "value": raw},
        ) from None
    return email


def normalize_phone(raw: str, *, region: str = DEFAULT_PHONE_REGION) -> str:
    """Return the number in E.164 (+380…), reading local numbers as Ukrainian; refuse nonsense."""
    try:
        number = phonenumbers.parse((raw or "").strip(), region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ApplicationError(
            ClientsErrorCode.INVALID_PHONE,
            _("“%(phone)s” is not a valid phone number.") % {"phone": raw},
            extra={"field": "phones", "value": raw},
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def person_display_name(first_name: str, middle_name: str, last_name: str) -> str:
    """Return "Last First Middle"-free display: "First Last", as people address each other."""
    return " ".join(part for part in (first_name.strip(), last_name.strip()) if part) or (
        middle_name.strip()
    )


def _refresh_keys(client: Client) -> list[str]:
    client.name_key = fold(client.name)[:200]
    client.search_text = fold(f"{client.name} {client.legal_name}")[:460]
    return ["name_key", "search_text"]


# --- The client record -------------------------------------------------------------------------


def _check_manager(manager: User | None) -> None:
    if manager is not None and not (manager.is_active and manager.is_staff):
        raise ApplicationError(
            ClientsErrorCode.NOT_A_MANAGER,
            _("A client's responsible manager must be an active staff member."),
            extra={"field": "manager"},
        )


def _check_company(company: Client | None) -> None:
    if company is not None and company.kind != ClientKind.COMPANY:
        raise ApplicationError(
            ClientsErrorCode.COMPANY_EXPECTED,
            _("A contact person can only belong to a company."),
            extra={"field": "company"},
        )


def _tags(names: Iterable[str]) -> list[Tag]:
    tags = []
    for raw in names:
        name = raw.strip()
        if name:
            tag, _created = Tag.objects.get_or_create(key=fold(name)[:60], defaults={"name": name})
            tags.append(tag)
    return tags


@transaction.atomic
def client_create(
    *,
    actor: User | None,
    kind: ClientKind,
    name: str = "",
    first_name: str = "",
    middle_name: str = "",
    last_name: str = "",
    emails: Sequence[str] = (),
    phones: Sequence[str] = (),
    manager: User | None = None,
    source: ClientSource = ClientSource.MANUAL,
    tags: Sequence[str] = (),
    user: User | None = None,
    **fields: Any,
) -> Client:
    """Create a person or a company with its e-mails, phones and tags (first ones primary)."""
    kind = ClientKind(kind)
    unknown = set(fields) - UPDATABLE_FIELDS
    if unknown:
        raise ApplicationError(
            ClientsErrorCode.UNKNOWN_FIELD,
            _("Unknown client fields: %(fields)s.") % {"fields": ", ".join(sorted(unknown))},
        )
    if kind == ClientKind.PERSON and not name.strip():
        name = person_display_name(first_name, middle_name, last_name)
    if not name.strip():
        raise ApplicationError(
            ClientsErrorCode.NAME_REQUIRED, _("Give the client a name."), extra={"field": "name"}
        )
    _check_manager(manager)
    _check_company(fields.get("company"))
    clean_emails = list(dict.fromkeys(normalize_email(email) for email in emails))
    clean_phones = list(dict.fromkeys(normalize_phone(phone) for phone in phones))
    client = Client(
        kind=kind,
        name=name.strip(),
        first_name=first_name.strip(),
        middle_name=middle_name.strip(),
        last_name=last_name.strip(),
        source=ClientSource(source),
        manager=manager,
        department=manager.department if manager else None,
        user=user,
        created_by=actor,
        **fields,
    )
    _refresh_keys(client)
    client.save()
    ClientEmail.objects.bulk_create(
        ClientEmail(client=client, email=email, is_primary=index == 0)
        for index, email in enumerate(clean_emails)
    )
    ClientPhone.objects.bulk_create(
        ClientPhone(client=client, number=number, is_primary=index == 0)
        for index, number in enumerate(clean_phones)
    )
    if tags:
        client.tags.set(_tags(tags))
    timeline_record(
        client=client,
        kind=TimelineKind.CLIENT_CREATED,
        summary=_("Client created (%(source)s)") % {"source": client.get_source_display()},
        actor=actor,
        source=client,
    )
    return client


def _plain(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


@transaction.atomic
def client_update(*, actor: User | None, client: Client, **changes: Any) -> Client:
    """Change the client's own fields; the timeline keeps each field's old and new value."""
    client_check_actor(actor=actor, client=client, permission="clients.change_client")
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise ApplicationError(
            ClientsErrorCode.UNKNOWN_FIELD,
            _("These fields cannot be changed here: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))},
        )
    if "company" in changes:
        _check_company(changes["company"])
        if changes["company"] is not None and changes["company"].pk == client.pk:
            raise ApplicationError(
                ClientsErrorCode.COMPANY_EXPECTED, _("A company cannot be its own contact.")
            )
    if "name" in changes and not str(changes["name"]).strip():
        raise ApplicationError(
            ClientsErrorCode.NAME_REQUIRED, _("Give the client a name."), extra={"field": "name"}
        )
    diff = {}
    for field, value in changes.items():
        old = getattr(client, field)
        if _plain(old) != _plain(value):
            diff[field] = [_plain(old), _plain(value)]
            setattr(client, field, value)
    if diff:
        keys = _refresh_keys(client) if {"name", "legal_name"} & diff.keys() else []
        client.save(update_fields=[*diff, *keys, "updated_at"])
        timeline_record(
            client=client,
            kind=TimelineKind.CLIENT_CHANGED,
            summary=_("Changed: %(fields)s") % {"fields": ", ".join(sorted(diff))},
            actor=actor,
            details={"changes": diff},
            source=client,
        )
    return client


@transaction.atomic
def client_assign_manager(*, actor: User | None, client: Client, manager: User | None) -> Client:
    """Make ``manager`` responsible for the client; the client joins the manager's department."""
    client_check_actor(actor=actor, client=client, permission="clients.reassign_client")
    _check_manager(manager)
    if client.manager_id == (manager.pk if manager else None):
        return client
    previous = client.manager
    client.manager = manager
    client.department = manager.department if manager else None
    client.save(update_fields=["manager", "department", "updated_at"])
    timeline_record(
        client=client,
        kind=TimelineKind.MANAGER_ASSIGNED,
        summary=_("Responsible manager: %(new)s (was %(old)s)")
        % {"new": manager or "—", "old": previous or "—"},
        actor=actor,
        details={"from": previous.pk if previous else None, "to": manager.pk if manager else None},
        source=client,
    )
    return client


@transaction.atomic
def client_set_co_owners(
    *, actor: User | None, client: Client, co_owners: Iterable[User]
) -> Client:
    """Share the client with other staff members, who then see and work with it too."""
    client_check_actor(actor=actor, client=client, permission="clients.change_client")
    people = list(co_owners)
    for person in people:
        _check_manager(person)
    client.co_owners.set([p for p in people if p.pk != client.manager_id])
    return client


@transaction.atomic
def client_set_tags(*, client: Client, tags: Sequence[str]) -> Client:
    client.tags.set(_tags(tags))
    return client


@transaction.atomic
def client_add_email(
    *, actor: User | None, client: Client, email: str, primary: bool = False
) -> ClientEmail:
    """Add an e-mail to the client (the first one is primary)."""
    client_check_actor(actor=actor, client=client, permission="clients.change_client")
    address = normalize_email(email)
    if client.emails.filter(email=address).exists():
        raise ApplicationError(
            ClientsErrorCode.EMAIL_ON_CLIENT,
            _("The client already has this e-mail."),
            extra={"field": "email"},
            status=409,
        )
    primary = primary or not client.emails.exists()
    if primary:
        client.emails.update(is_primary=False)
    return ClientEmail.objects.create(client=client, email=address, is_primary=primary)


@transaction.atomic
def client_add_phone(
    *,
    actor: User | None,
    client: Client,
    number: str,
    kind: PhoneKind = PhoneKind.MOBILE,
    primary: bool = False,
) -> ClientPhone:
    """Add a phone number to the client (the first one is primary)."""
    client_check_actor(actor=actor, client=client, permission="clients.change_client")
    e164 = normalize_phone(number)
    if client.phones.filter(number=e164).exists():
        raise ApplicationError(
            ClientsErrorCode.PHONE_ON_CLIENT,
            _("The client already has this phone number."),
            extra={"field": "number"},
            status=409,
        )
    primary = primary or not client.phones.exists()
    if primary:
        client.phones.update(is_primary=False)
    return ClientPhone.objects.create(
        client=client, number=e164, kind=PhoneKind(kind), is_primary=primary
    )


@transaction.atomic
def client_for_shop_user(*, user: User) -> Client:
    """Return the client of a shop account, creating or linking it (one record, never a copy).

    A client that staff entered earlier with the same e-mail and no account is linked, so the
    CRM history and the shop history meet on one record.
    """
    existing = Client.objects.select_for_update().filter(user=user).first()
    if existing is not None:
        return existing
    email = user.email.lower()
    known = (
        Client.objects.select_for_update()
        .filter(kind=ClientKind.PERSON, user__isnull=True, merged_into__isnull=True)
        .filter(emails__email=email)
        .order_by("pk")
        .first()
    )
    if known is not None:
        known.user = user
        known.save(update_fields=["user", "updated_at"])
        return known
    return client_create(
        actor=user,
        kind=ClientKind.PERSON,
        name=user.full_name or email,
        emails=[email],
        phones=[user.phone] if user.phone else [],
        source=ClientSource.SITE,
        user=user,
    )


@transaction.atomic
def clients_assign_manager_bulk(
    *, actor: User | None, clients: Iterable[Client], manager: User | None
) -> int:
    """Make ``manager`` responsible for many clients at once (one transaction, one timeline
    line per client); return how many changed hands."""
    changed = 0
    for client in clients:
        before = client.manager_id
        client_assign_manager(actor=actor, client=client, manager=manager)
        changed += before != (manager.pk if manager else None)
    return changed


@transaction.atomic
def shop_customer_register(
    *, email: str, password: str, full_name: str = "", phone: str = "", language: str = "uk"
) -> tuple[User, Client]:
    """Open a shop account and make it a CRM client in the same transaction (one record, M10).

    The phone is checked (and normalised) before anything is written.
    """
    from kramar.accounts.services import customer_register

    number = normalize_phone(phone) if phone.strip() else ""
    user = customer_register(
        email=email, password=password, full_name=full_name, phone=number, language=language
    )
    return user, client_for_shop_user(user=user)


@transaction.atomic
def client_for_guest(*, email: str, full_name: str, phone: str = "") -> Client:
    """Return the client a guest checkout belongs to: the person with this e-mail, else a new one.

    Every buyer is a CRM client (M10), with or without an account; when the guest signs up
    later, :func:`client_for_shop_user` links the account to this same record.
    """
    email = normalize_email(email)
    known = (
        Client.objects.select_for_update()
        .filter(kind=ClientKind.PERSON, merged_into__isnull=True, emails__email=email)
        .order_by("pk")
        .first()
    )
    if known is not None:
        return known
    return client_create(
        actor=None,
        kind=ClientKind.PERSON,
        name=" ".join(full_name.split()) or email,
        emails=[email],
        phones=[phone] if phone else [],
        source=ClientSource.SITE,
    )
