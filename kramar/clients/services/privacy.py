"""A person's data exported and erased on their request, the sales documents kept (issue 6).

Every app that keeps something of a person registers a **part** (:func:`privacy_part_register`,
in its ``AppConfig.ready``) that can export it, refuse an erasure, and erase it. The clients app
does not know the apps above it (CONVENTIONS.md rule 4); they plug in here.

**Export** (:func:`client_data_export`, ``clients.export_personal_data``): the client record,
its e-mails, phones, account and timeline, and each part's data, as JSON; audited (``export``).

**Erasure** (:func:`client_erase`; docs/privacy.md):

1. The actor must hold ``clients.erase_client`` and see the client; a company is refused (its
   record is no person's data: erase its contact persons), and so is a second erasure.
2. A part may **refuse** (an order
   still being delivered, an open return or service case, an unpaid invoice: the contract is
   still being performed) — then nothing at all is written and the answer lists every reason —
   and then **erases** its own data (site visits, letters, personal offers...).
3. The client record is made anonymous ("Erased client #id"), its e-mails and phones deleted,
   its shop account closed and anonymised, its contact history taken off the timeline (the
   entries of orders, invoices, payments, deals and cases stay: they are sales records).
4. The audit rows of the client, its addresses and its account keep who changed what when, but
   their values become ``[erased]`` (``audit.services.audit_redact``); one ``erase`` row records
   that the erasure happened, by whom, with the counts.

Orders and invoices stay as they were written, buyer's name and address included: the tax and
accounting law makes a shop keep sales documents for years; nothing else is kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.audit import capture, context
from kramar.audit.enums import AuditAction
from kramar.audit.services import audit_redact
from kramar.clients.enums import ClientKind, ClientsErrorCode, TimelineKind
from kramar.clients.models import Client, TimelineEntry
from kramar.clients.services.access import client_require_change
from kramar.core.errors import ApplicationError

# Sales records: their timeline entries stay with the anonymous client.
KEPT_TIMELINE = frozenset(
    {
        TimelineKind.ORDER,
        TimelineKind.INVOICE,
        TimelineKind.PAYMENT,
        TimelineKind.DEAL,
        TimelineKind.CASE,
    }
)


@dataclass(frozen=True)
class Erasure:
    """What a part is told: who erases whom, when, and how to take the person out of a text.

    ``scrub`` replaces the person's full name (either order), surname, e-mail addresses and
    phone numbers (any of the usual ways of writing them) with the anonymous name: the texts the
    shop keeps (a deal's title "Call back Olena Koval", a case's description) stay readable.
    """

    actor: User
    client: Client
    at: datetime
    patterns: tuple[re.Pattern[str], ...] = ()
    replacement: str = ""

    def scrub(self, text: str) -> str:
        for pattern in self.patterns:
            text = pattern.sub(self.replacement, text)
        return text

    def scrub_records(self, records: Sequence[models.Model], fields: tuple[str, ...]) -> int:
        """Take the person out of these records' texts and out of their audit rows; return how
        many records changed. Each changed record is saved (so its own change is audited too,
        then redacted with the rest)."""
        changed = 0
        for record in records:
            edited = [f for f in fields if self.scrub(getattr(record, f)) != getattr(record, f)]
            for name in edited:
                setattr(record, name, self.scrub(getattr(record, name)))
            if edited:
                stamp = ["updated_at"] if hasattr(record, "updated_at") else []
                record.save(update_fields=[*edited, *stamp])
                changed += 1
        if records:
            audit_redact(
                model=records[0]._meta.label_lower,
                object_ids=[str(record.pk) for record in records],
                scrub=self.scrub,
            )
        return changed


def _phone_pattern(number: str) -> str:
    """Match a Ukrainian (or any E.164) number however it was typed: +380 67 111-22-33,
    0671112233, (067) 111 22 33."""
    digits = number.lstrip("+")
    national = digits[3:] if digits.startswith("380") else digits
    separated = r"[\s\-().]*".join(national)
    return rf"(?<!\d)(?=[+(\d])(?:\+?38[\s\-]*)?(?:\(0|0)?[\s\-().]*{separated}(?!\d)"


def person_patterns(client: Client) -> tuple[re.Pattern[str], ...]:
    """Return what identifies the person in free text, longest first."""
    names = [
        client.name,
        f"{client.first_name} {client.last_name}",
        f"{client.last_name} {client.first_name}",
        f"{client.last_name} {client.first_name} {client.middle_name}",
        f"{client.first_name} {client.middle_name} {client.last_name}",
        client.last_name,
    ]
    return patterns_for(
        names=names,
        emails=list(client.emails.values_list("email", flat=True)),
        phones=list(client.phones.values_list("number", flat=True)),
    )


def patterns_for(
    *, names: list[str], emails: list[str], phones: list[str]
) -> tuple[re.Pattern[str], ...]:
    """Return patterns for names (4 letters or more, words in order), addresses and numbers."""
    texts = {" ".join(name.split()) for name in names}
    texts = {text for text in texts if len(text) >= 4} | set(emails)
    found = [
        re.compile(r"\b" + r"\s+".join(map(re.escape, text.split())) + r"\b", re.IGNORECASE)
        for text in sorted(texts, key=len, reverse=True)
    ]
    found += [re.compile(_phone_pattern(number)) for number in phones if len(number) >= 8]
    return tuple(found)


@dataclass(frozen=True)
class PrivacyPart:
    name: str
    export: Callable[[Client], Any] | None = None
    erase: Callable[[Erasure], int] | None = None
    refuse: Callable[[Client], str | None] | None = None


_parts: dict[str, PrivacyPart] = {}


def privacy_part_register(
    name: str,
    *,
    export: Callable[[Client], Any] | None = None,
    erase: Callable[[Erasure], int] | None = None,
    refuse: Callable[[Client], str | None] | None = None,
) -> None:
    """Plug an app in: ``export(client)`` its JSON-ready data, ``refuse(client)`` a reason in
    words why the erasure must wait (or None), ``erase(erasure)`` its data (return a count)."""
    _parts[name] = PrivacyPart(name, export, erase, refuse)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def client_list_exported(*, actor: User, query: str, rows: int) -> None:
    """Record that someone took the client list out of the system (a CSV of many people's
    names and contacts): who, when, with which filters, how many rows. Reads are not audited;
    an export leaves the system, so it is."""
    with context.acting(actor):
        _list_exported(query, rows)


def _list_exported(query: str, rows: int) -> None:
    capture.write(
        [
            {
                "action": AuditAction.EXPORT,
                "model": "clients.client",
                "object_id": "",
                "object_repr": _("client list (CSV)"),
                "changes": {"filters": [None, query[:500]], "rows": [None, rows]},
            }
        ]
    )


def client_data_export(*, actor: User, client: Client) -> dict[str, Any]:
    """Return everything Kramar keeps of a person, as JSON-ready data; audited."""
    with context.acting(actor):
        return _client_data_export(actor=actor, client=client)


def _client_data_export(*, actor: User, client: Client) -> dict[str, Any]:
    client_require_change(actor=actor, client=client, permission="clients.export_personal_data")
    user = client.user
    data: dict[str, Any] = {
        "client": {
            "id": client.pk,
            "kind": client.kind,
            "name": client.name,
            "first_name": client.first_name,
            "middle_name": client.middle_name,
            "last_name": client.last_name,
            "job_title": client.job_title,
            "company": client.company.name if client.company else None,
            "region": client.region.name if client.region else None,
            "source": client.source,
            "notes": client.notes,
            "created_at": _iso(client.created_at),
            "erased_at": _iso(client.erased_at),
        },
        "emails": list(client.emails.values_list("email", flat=True)),
        "phones": list(client.phones.values_list("number", flat=True)),
        "account": (
            {
                "email": user.email,
                "full_name": user.full_name,
                "phone": user.phone,
                "joined": _iso(user.date_joined),
                "active": user.is_active,
            }
            if user is not None
            else None
        ),
        "timeline": [
            {"kind": kind, "at": _iso(at), "summary": summary}
            for kind, at, summary in client.timeline.order_by("occurred_at", "pk").values_list(
                "kind", "occurred_at", "summary"
            )
        ],
    }
    for name, part in _parts.items():
        if part.export is not None:
            data[name] = part.export(client)
    capture.write(
        [
            {
                "action": AuditAction.EXPORT,
                "model": "clients.client",
                "object_id": str(client.pk),
                "object_repr": client.name[:200],
                "changes": {"personal_data": [None, sorted(data)]},
            }
        ]
    )
    return data


def erasure_refusals(*, client: Client) -> list[str]:
    """Return why the client's data cannot be erased now (empty: it can)."""
    return [
        reason
        for part in _parts.values()
        if part.refuse is not None
        for reason in [part.refuse(client)]
        if reason
    ]


def anonymous_name(client: Client) -> str:
    return _("Erased client #%(id)s") % {"id": client.pk}


@transaction.atomic
def client_erase(
    *, actor: User, client: Client, note: str = "", now: datetime | None = None
) -> dict[str, int]:
    """Erase a person's data on their request (the steps above); return what was erased."""
    with context.acting(actor):
        return _client_erase(actor=actor, client=client, note=note, now=now)


def _client_erase(
    *, actor: User, client: Client, note: str, now: datetime | None
) -> dict[str, int]:
    client_require_change(actor=actor, client=client, permission="clients.erase_client")
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client.erased_at is not None:
        raise ApplicationError(
            ClientsErrorCode.ALREADY_ERASED, _("This client's data was erased already."), status=409
        )
    if client.kind != ClientKind.PERSON:
        raise ApplicationError(
            ClientsErrorCode.NOT_A_PERSON,
            _("A company's record is not a person's data; erase its contact persons instead."),
        )
    reasons = erasure_refusals(client=client)
    if client.user is not None and client.user.is_staff:
        reasons.append(_("the shop account is a staff member's: close it under Staff first"))
    if reasons:
        raise ApplicationError(
            ClientsErrorCode.ERASURE_REFUSED,
            _("The data cannot be erased yet: %(reasons)s") % {"reasons": "; ".join(reasons)},
            extra={"reasons": reasons},
            status=409,
        )
    erasure = Erasure(
        actor=actor,
        client=client,
        at=now or timezone.now(),
        patterns=person_patterns(client),
        replacement=anonymous_name(client),
    )
    counts = {name: part.erase(erasure) for name, part in _parts.items() if part.erase}
    counts.update(_erase_own(erasure))
    capture.write(
        [
            {
                "action": AuditAction.ERASE,
                "model": "clients.client",
                "object_id": str(client.pk),
                "object_repr": client.name[:200],
                "changes": {"personal_data": [None, counts], "request": [None, note[:300]]},
            }
        ]
    )
    return counts


def _erase_own(erasure: Erasure) -> dict[str, int]:
    client = erasure.client
    timeline, _rows = (
        TimelineEntry.objects.filter(client=client).exclude(kind__in=KEPT_TIMELINE).delete()
    )
    kept = list(TimelineEntry.objects.filter(client=client).only("pk", "summary"))
    for entry in kept:
        entry.summary = erasure.scrub(entry.summary)
    TimelineEntry.objects.bulk_update(kept, ["summary"], batch_size=500)
    counts = {
        "emails": 0,
        "phones": 0,
        "timeline": timeline,
        "account": 0,
        "audit_rows_redacted": 0,
    }
    # The duplicates once merged into this client are tombstones of the same person.
    for record in [client, *Client.objects.filter(merged_into=client)]:
        for key, count in _anonymise(record, erasure).items():
            counts[key] += count
    return counts


def _anonymise(client: Client, erasure: Erasure) -> dict[str, int]:
    """Strip one client record of the person, with its contacts, account and audit values."""
    email_ids = [str(pk) for pk in client.emails.values_list("pk", flat=True)]
    phone_ids = [str(pk) for pk in client.phones.values_list("pk", flat=True)]
    client.emails.all().delete()
    client.phones.all().delete()
    name = anonymous_name(client)
    client.name = name
    client.first_name = client.middle_name = client.last_name = ""
    client.legal_name = client.registration_code = client.job_title = client.notes = ""
    client.company = None
    client.erased_at = erasure.at
    client.name_key = client.name.casefold()
    client.search_text = client.name_key
    client.save()
    client.tags.clear()
    account = _close_account(client.user, client.pk) if client.user_id is not None else 0
    redacted = audit_redact(model="clients.client", object_ids=[str(client.pk)], object_repr=name)
    redacted += audit_redact(model="clients.clientemail", object_ids=email_ids, object_repr=name)
    redacted += audit_redact(model="clients.clientphone", object_ids=phone_ids, object_repr=name)
    if client.user_id is not None:
        redacted += audit_redact(
            model="accounts.user", object_ids=[str(client.user_id)], object_repr=name
        )
    return {
        "emails": len(email_ids),
        "phones": len(phone_ids),
        "account": account,
        "audit_rows_redacted": redacted,
    }


def _close_account(user: User | None, client_id: int) -> int:
    """Close the shop account and strip it of the person: it can never sign in again."""
    if user is None:
        return 0
    user.email = f"erased-{client_id}@invalid"
    user.full_name = user.phone = ""
    user.is_active = False
    user.password = make_password(None)  # an unusable password
    user.save()
    return 1
