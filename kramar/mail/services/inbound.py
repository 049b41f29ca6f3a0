"""Letters that come in (M8): each is filed on its client, or makes a new lead, once.

Matching, in order: a reply to a letter we know (In-Reply-To, then References, newest first)
goes to that letter's client and deal; else the sender's address finds the client
(``ClientEmail``, case-folded); else a new person client (source "e-mail") with a lead in the
first stage of ``settings.MAIL_LEAD_PIPELINE``, a manager chosen by the CRM's lead rules
(channel "e-mail") and a first planned answer.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.clients.enums import ClientKind, ClientSource, TimelineKind
from kramar.clients.models import Client
from kramar.clients.services import (
    client_assign_manager,
    client_create,
    normalize_email,
    timeline_record,
)
from kramar.core.errors import ApplicationError
from kramar.crm.enums import ActivityKind, DealStatus, LeadChannel
from kramar.crm.models import Deal, Pipeline
from kramar.crm.services import activity_plan, deal_create
from kramar.crm.services.assignment import lead_manager_for
from kramar.mail.enums import MailDirection, MailStatus
from kramar.mail.models import MailAttachment, MailMessage
from kramar.mail.parsing import (
    ParsedMessage,
    UnreadableMessage,
    parse_message,
    synthetic_message_id,
)
from kramar.notifications.services import notification_deliver

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportOutcome:
    message: MailMessage
    created: bool

    @property
    def quarantined(self) -> bool:
        return self.message.status == MailStatus.QUARANTINED


@dataclass
class Filing:
    """Where a letter goes: its client and deal, or why it is quarantined."""

    client: Client | None = None
    deal: Deal | None = None
    thread_key: str = ""
    new_lead: bool = False
    quarantine_reason: str = ""


def mail_import(
    *, raw: bytes, mailbox: str = "", notify: bool = True, now: datetime | None = None
) -> ImportOutcome:
    """Import one letter as it came; a letter already imported is found, not made again.

    Never raises for what is in the letter: unreadable bytes are quarantined with the raw
    message kept for a person to look at. ``notify`` tells the responsible manager (the mailbox
    fetch does; importing an archive of old letters need not).
    """
    now = now or timezone.now()
    try:
        parsed = parse_message(raw, max_attachment_bytes=settings.MAIL_MAX_ATTACHMENT_BYTES)
    except UnreadableMessage as error:
        return mail_quarantine(raw=raw, reason=str(error), mailbox=mailbox, now=now)
    known = MailMessage.objects.filter(message_id=parsed.message_id).first()
    if known is not None:
        return ImportOutcome(known, created=False)
    try:
        message = _file(parsed, mailbox=mailbox, now=now)
    except IntegrityError:
        # Another fetch imported the same letter a moment ago.
        known = MailMessage.objects.filter(message_id=parsed.message_id).first()
        if known is None:
            raise
        return ImportOutcome(known, created=False)
    if notify and message.status == MailStatus.RECEIVED and not parsed.automatic:
        notify_responsible(message)
    return ImportOutcome(message, created=True)


@transaction.atomic
def _file(parsed: ParsedMessage, *, mailbox: str, now: datetime) -> MailMessage:
    filing = _match(parsed, now=now)
    occurred_at = parsed.date if parsed.date and parsed.date <= now + timedelta(days=1) else now
    notes = list(parsed.notes)
    if filing.quarantine_reason:
        notes.insert(0, filing.quarantine_reason)
    message = MailMessage.objects.create(
        direction=MailDirection.IN,
        status=MailStatus.QUARANTINED if filing.client is None else MailStatus.RECEIVED,
        message_id=parsed.message_id,
        in_reply_to=parsed.in_reply_to,
        references=" ".join(parsed.references),
        thread_key=filing.thread_key or parsed.message_id,
        from_name=parsed.from_name,
        from_address=parsed.from_address,
        to_addresses=parsed.to,
        cc_addresses=parsed.cc,
        subject=parsed.subject,
        body_text=parsed.body_text,
        client=filing.client,
        deal=filing.deal,
        mailbox=mailbox[:80],
        occurred_at=occurred_at,
        received_at=now,
        raw_size=parsed.raw_size,
        notes="\n".join(notes),
    )
    _store_attachments(message, parsed)
    if filing.client is not None:
        record_on_timeline(message)
    return message


def record_on_timeline(message: MailMessage, *, actor: User | None = None) -> None:
    """Write the ``email_in`` entry of a letter filed on its client (by the import or by hand)."""
    assert message.client is not None  # noqa: S101 - only filed letters are on a timeline
    timeline_record(
        client=message.client,
        kind=TimelineKind.EMAIL_IN,
        summary=_("From %(sender)s: %(subject)s")
        % {
            "sender": message.from_address or _("an unknown sender"),
            "subject": message.subject or _("(no subject)"),
        },
        actor=actor,
        occurred_at=message.occurred_at,
        source=message,
        details={"mail_id": message.pk, "deal_id": message.deal_id},
    )


def _store_attachments(message: MailMessage, parsed: ParsedMessage) -> None:
    rows: list[MailAttachment] = []
    for attachment in parsed.attachments:
        if attachment.data is None:
            continue  # dropped for its size; the letter's notes say so
        row = MailAttachment(
            message=message,
            filename=attachment.filename,
            content_type=attachment.content_type,
            size=attachment.size,
        )
        # The stored name is ours (the message's id and a counter), never the sender's.
        row.file.save(
            f"{timezone.now():%Y/%m}/{message.pk}-{len(rows)}.bin",
            ContentFile(attachment.data),
            save=False,
        )
        rows.append(row)
    MailAttachment.objects.bulk_create(rows)


# --- Matching ------------------------------------------------------------------------------------


def _match(parsed: ParsedMessage, *, now: datetime) -> Filing:
    replied = _replied_letter(parsed)
    if replied is not None:
        return Filing(client=replied.client, deal=replied.deal, thread_key=replied.thread_key)
    thread_key = (parsed.references[0] if parsed.references else "") or parsed.in_reply_to
    if not parsed.from_address:
        return Filing(
            thread_key=thread_key, quarantine_reason=_("The letter has no sender address.")
        )
    client = _client_by_address(parsed.from_address)
    if client is not None:
        return Filing(client=client, deal=_only_open_deal(client), thread_key=thread_key)
    reason = _why_not_a_lead(parsed)
    if reason:
        return Filing(thread_key=thread_key, quarantine_reason=reason)
    return _new_lead(parsed, thread_key=thread_key, now=now)


def _replied_letter(parsed: ParsedMessage) -> MailMessage | None:
    ids = [parsed.in_reply_to, *reversed(parsed.references)]
    ids = [message_id for message_id in ids if message_id]
    if not ids:
        return None
    known = {
        letter.message_id: letter
        for letter in MailMessage.objects.filter(
            message_id__in=ids, client__isnull=False
        ).select_related("client", "deal")
    }
    for message_id in ids:
        letter = known.get(message_id)
        if letter is not None and letter.client is not None:
            return letter
    return None


def _client_by_address(address: str) -> Client | None:
    """Return the client with this e-mail; of several, the one in touch most recently."""
    return (
        Client.objects.filter(merged_into__isnull=True, emails__email=address.casefold())
        .select_related("manager")
        .order_by("-last_contact_at", "pk")
        .first()
    )


def _only_open_deal(client: Client) -> Deal | None:
    """Return the client's open deal when there is exactly one; with several, none is guessed."""
    deals = list(Deal.objects.filter(client=client, status=DealStatus.OPEN)[:2])
    return deals[0] if len(deals) == 1 else None


def _why_not_a_lead(parsed: ParsedMessage) -> str:
    if parsed.automatic:
        return _("An automatic message (auto-reply or bounce) from an unknown sender.")
    if parsed.from_address == parseaddr(settings.MAIL_FROM)[1].lower():
        return _("Sent from our own address.")
    if User.objects.filter(is_staff=True, email__iexact=parsed.from_address).exists():
        return _("Sent by a staff member, not a client.")
    try:
        normalize_email(parsed.from_address)
    except ApplicationError:
        return _("The sender's address is not valid.")
    return ""


def _new_lead(parsed: ParsedMessage, *, thread_key: str, now: datetime) -> Filing:
    client = client_create(
        actor=None,
        kind=ClientKind.PERSON,
        name=parsed.from_name or parsed.from_address,
        emails=[parsed.from_address],
        source=ClientSource.EMAIL,
    )
    # The same lead rules as the web forms (docs/mail.md, "Leads' manager").
    manager = lead_manager_for(channel=LeadChannel.EMAIL, client=client)
    if manager is not None:
        client_assign_manager(actor=None, client=client, manager=manager)
    pipeline = (
        Pipeline.objects.filter(code=settings.MAIL_LEAD_PIPELINE, is_active=True).first()
        or Pipeline.objects.filter(is_active=True).order_by("order", "pk").first()
    )
    if manager is None or pipeline is None:
        return Filing(client=client, thread_key=thread_key, new_lead=True)
    subject = parsed.subject or _("(no subject)")
    deal = deal_create(
        actor=None,
        client=client,
        pipeline=pipeline,
        title=(_("E-mail: %(subject)s") % {"subject": subject})[:200],
        manager=manager,
        source="email",
        now=now,
    )
    activity_plan(
        actor=manager,
        client=client,
        kind=ActivityKind.EMAIL,
        subject=(_("Answer the letter: %(subject)s") % {"subject": subject})[:200],
        due_at=now + settings.MAIL_LEAD_ANSWER_WITHIN,
        owner=manager,
        deal=deal,
    )
    return Filing(client=client, deal=deal, thread_key=thread_key, new_lead=True)


def notify_responsible(message: MailMessage, *, actor: User | None = None) -> None:
    """Tell the responsible manager (the deal's, else the client's) that a letter came.

    Not the ``actor`` who filed it by hand: they know.
    """
    client, deal = message.client, message.deal
    recipient = (deal.manager if deal is not None else None) or (client.manager if client else None)
    if recipient is None or recipient == actor:
        return
    try:
        notification_deliver(
            recipient=recipient,
            key=f"mail-in:{message.pk}",
            kind="mail",
            title=(
                _("Letter from %(sender)s: %(subject)s")
                % {"sender": message.from_name or message.from_address, "subject": message.subject}
            )[:200],
            body=message.snippet,
            url=f"/office/mail/{message.pk}/",
        )
    except Exception:  # the letter is filed; a notification's e-mail failing must not undo it
        logger.warning("manager not told of letter %s", message.pk, exc_info=True)


# --- Quarantine ----------------------------------------------------------------------------------


@transaction.atomic
def mail_quarantine(
    *, raw: bytes, reason: str, mailbox: str = "", now: datetime | None = None
) -> ImportOutcome:
    """Keep a letter that cannot be read, raw, for a person to look at; once per content."""
    now = now or timezone.now()
    message_id = synthetic_message_id(raw)
    known = MailMessage.objects.filter(message_id=message_id).first()
    if known is not None:
        return ImportOutcome(known, created=False)
    message = MailMessage(
        direction=MailDirection.IN,
        status=MailStatus.QUARANTINED,
        message_id=message_id,
        thread_key=message_id,
        mailbox=mailbox[:80],
        occurred_at=now,
        received_at=now,
        raw_size=len(raw),
        notes=reason[:2000],
    )
    digest = hashlib.sha256(raw).hexdigest()[:16]
    message.raw_file.save(f"quarantine/{now:%Y/%m}/{digest}.eml", ContentFile(raw), save=False)
    message.save()
    return ImportOutcome(message, created=True)
