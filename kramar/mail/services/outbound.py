"""Letters from staff to a client (M8): recorded and put on the timeline at once, with their
files in the private mail storage, and sent by the worker after the commit (``delivery.py``)."""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.mail import make_msgid
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.clients.enums import TimelineKind
from kramar.clients.models import Client
from kramar.clients.services import timeline_record
from kramar.core.errors import ApplicationError
from kramar.crm.models import Deal
from kramar.mail.enums import (
    BODY_MAX_LENGTH,
    SUBJECT_MAX_LENGTH,
    MailDirection,
    MailErrorCode,
    MailStatus,
)
from kramar.mail.models import MailAttachment, MailMessage
from kramar.mail.parsing import clean_filename

REFERENCES_KEPT = 20
DEFAULT_CONTENT_TYPE = "application/octet-stream"
_CONTENT_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,49}/[a-z0-9][a-z0-9!#$&^_.+-]{0,49}$")


@dataclass(frozen=True)
class LetterFile:
    """A file staff send with a letter: the name they gave it, its content and its type.

    ``content`` is a Django ``File`` (an upload, or ``ContentFile`` of bytes); the type the
    browser or the API caller gave is only a hint (see ``_content_type``).
    """

    name: str
    content: File
    content_type: str = ""

    @classmethod
    def of_bytes(cls, name: str, data: bytes, content_type: str = "") -> LetterFile:
        return cls(name=name, content=ContentFile(data), content_type=content_type)

    @property
    def size(self) -> int:
        return int(self.content.size or 0)


@dataclass(frozen=True)
class _CheckedFile:
    filename: str
    content_type: str
    source: LetterFile


def _check_letter(*, client: Client, to: str, subject: str, body: str) -> str:
    address = to.strip().lower()
    if address not in {email.email.lower() for email in client.emails.all()}:
        raise ApplicationError(
            MailErrorCode.RECIPIENT_NOT_OF_CLIENT,
            _("Write to one of the client's own e-mail addresses."),
            extra={"field": "to"},
        )
    if not subject.strip():
        raise ApplicationError(
            MailErrorCode.SUBJECT_REQUIRED,
            _("Give the letter a subject."),
            extra={"field": "subject"},
        )
    if not body.strip():
        raise ApplicationError(
            MailErrorCode.BODY_REQUIRED, _("The letter has no text."), extra={"field": "body"}
        )
    if len(subject) > SUBJECT_MAX_LENGTH or len(body) > BODY_MAX_LENGTH:
        raise ApplicationError(
            MailErrorCode.TOO_LONG,
            _("The subject or the text is too long."),
            extra={"field": "subject" if len(subject) > SUBJECT_MAX_LENGTH else "body"},
        )
    return address


def _content_type(given: str, filename: str) -> str:
    """Return a plain ``type/subtype`` for a file: the given one if it is one, else a guess.

    Multipart and message types are never taken from a caller: their parts would have to be
    real MIME structures, and a file is sent as the bytes it is.
    """
    kind = (given or "").split(";", 1)[0].strip().lower()
    if not _CONTENT_TYPE.match(kind):
        kind = (mimetypes.guess_type(filename)[0] or DEFAULT_CONTENT_TYPE).lower()
    if kind.startswith(("multipart/", "message/")):
        return DEFAULT_CONTENT_TYPE
    return kind[:100]


def _check_files(files: Sequence[LetterFile]) -> list[_CheckedFile]:
    """Refuse files over the limits (count, each, all together) before anything is written."""
    if len(files) > settings.MAIL_MAX_ATTACHMENTS:
        raise ApplicationError(
            MailErrorCode.TOO_MANY_ATTACHMENTS,
            _("A letter can carry at most %(count)d files.")
            % {"count": settings.MAIL_MAX_ATTACHMENTS},
            extra={"field": "attachments", "limit": settings.MAIL_MAX_ATTACHMENTS},
        )
    checked = []
    for number, file in enumerate(files, start=1):
        name = clean_filename(file.name) or f"attachment-{number}"
        if file.size <= 0:
            raise ApplicationError(
                MailErrorCode.ATTACHMENT_EMPTY,
                _("The file “%(name)s” is empty.") % {"name": name},
                extra={"field": "attachments", "name": name},
            )
        limit = settings.MAIL_MAX_ATTACHMENT_BYTES
        if file.size > limit:
            raise ApplicationError(
                MailErrorCode.ATTACHMENT_TOO_LARGE,
                _("The file “%(name)s” is larger than %(limit)s.")
                % {"name": name, "limit": filesizeformat(limit)},
                extra={"field": "attachments", "name": name, "limit": limit},
                status=413,
            )
        checked.append(_CheckedFile(name, _content_type(file.content_type, name), file))
    total = sum(file.size for file in files)
    if total > settings.MAIL_MAX_LETTER_ATTACHMENTS_BYTES:
        limit = settings.MAIL_MAX_LETTER_ATTACHMENTS_BYTES
        raise ApplicationError(
            MailErrorCode.ATTACHMENTS_TOO_LARGE,
            _("The files together are larger than %(limit)s.") % {"limit": filesizeformat(limit)},
            extra={"field": "attachments", "limit": limit},
            status=413,
        )
    return checked


def _store_files(message: MailMessage, files: list[_CheckedFile]) -> None:
    """Keep the letter's files in the private storage under names of ours, all or none."""
    rows: list[MailAttachment] = []
    try:
        for number, file in enumerate(files):
            row = MailAttachment(
                message=message,
                filename=file.filename,
                content_type=file.content_type,
                size=file.source.size,
            )
            file.source.content.seek(0)
            row.file.save(
                f"{timezone.now():%Y/%m}/{message.pk}-{number}.bin", file.source.content, save=False
            )
            rows.append(row)
        MailAttachment.objects.bulk_create(rows)
    except BaseException:
        # The transaction takes the rows back; the files written so far must go with them.
        for row in rows:
            row.file.delete(save=False)
        raise


def _threading(reply_to: MailMessage | None, message_id: str) -> tuple[str, str, str]:
    """Return In-Reply-To, References and the thread key of a new letter."""
    if reply_to is None:
        return "", "", message_id
    references = [*reply_to.references_list, reply_to.message_id][-REFERENCES_KEPT:]
    return reply_to.message_id, " ".join(references), reply_to.thread_key


@transaction.atomic
def mail_send(
    *,
    actor: User,
    client: Client,
    to: str,
    subject: str,
    body: str,
    deal: Deal | None = None,
    reply_to: MailMessage | None = None,
    attachments: Sequence[LetterFile] = (),
) -> MailMessage:
    """Queue a letter to the client, with its files; the worker sends it after the commit (M8).

    The letter is on the client's timeline from this moment: the contact was made, and a
    failure to deliver is shown on the letter and told to its sender. A refused letter (a bad
    address, subject or text, a file over the limits) leaves nothing behind, files included.
    """
    address = _check_letter(client=client, to=to, subject=subject, body=body)
    files = _check_files(attachments)
    if reply_to is not None and reply_to.client_id != client.pk:
        raise ApplicationError(
            MailErrorCode.REPLY_OF_OTHER_CLIENT,
            _("That letter belongs to another client."),
            extra={"field": "reply_to"},
        )
    if deal is None and reply_to is not None:
        deal = reply_to.deal
    if deal is not None and deal.client_id != client.pk:
        raise ApplicationError(
            MailErrorCode.DEAL_OF_OTHER_CLIENT,
            _("That deal belongs to another client."),
            extra={"field": "deal"},
        )
    message_id = make_msgid(domain=settings.MAIL_MESSAGE_ID_DOMAIN)
    in_reply_to, references, thread_key = _threading(reply_to, message_id)
    now = timezone.now()
    message = MailMessage.objects.create(
        direction=MailDirection.OUT,
        status=MailStatus.QUEUED,
        message_id=message_id,
        in_reply_to=in_reply_to,
        references=references,
        thread_key=thread_key,
        from_name=actor.get_full_name(),
        from_address=parseaddr(settings.MAIL_FROM)[1].lower(),
        to_addresses=[address],
        subject=" ".join(subject.split()),
        body_text=body.strip(),
        client=client,
        deal=deal,
        sent_by=actor,
        occurred_at=now,
        raw_size=len(body.encode()) + sum(file.source.size for file in files),
    )
    timeline_record(
        client=client,
        kind=TimelineKind.EMAIL_OUT,
        summary=_("To %(to)s: %(subject)s") % {"to": address, "subject": message.subject},
        actor=actor,
        occurred_at=now,
        source=message,
        details={
            "mail_id": message.pk,
            "deal_id": deal.pk if deal else None,
            **({"attachments": [file.filename for file in files]} if files else {}),
        },
    )
    # Last: the files are the only writes a rollback would not take back.
    _store_files(message, files)
    from kramar.mail.tasks import mail_deliver

    transaction.on_commit(lambda: mail_deliver.enqueue(message.pk))
    return message
