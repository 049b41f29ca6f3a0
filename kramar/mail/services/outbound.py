"""Letters from staff to a client (M8): recorded and put on the timeline at once, and sent by
the worker after the commit (``delivery.py``)."""

from __future__ import annotations

from email.utils import parseaddr

from django.conf import settings
from django.core.mail import make_msgid
from django.db import transaction
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
from kramar.mail.models import MailMessage

REFERENCES_KEPT = 20


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
) -> MailMessage:
    """Queue a letter to the client; the worker sends it after the commit (M8, M11).

    The letter is on the client's timeline from this moment: the contact was made, and a
    failure to deliver is shown on the letter and told to its sender.
    """
    address = _check_letter(client=client, to=to, subject=subject, body=body)
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
        raw_size=len(body.encode()),
    )
    timeline_record(
        client=client,
        kind=TimelineKind.EMAIL_OUT,
        summary=_("To %(to)s: %(subject)s") % {"to": address, "subject": message.subject},
        actor=actor,
        occurred_at=now,
        source=message,
        details={"mail_id": message.pk, "deal_id": deal.pk if deal else None},
    )
    from kramar.mail.tasks import mail_deliver

    transaction.on_commit(lambda: mail_deliver.enqueue(message.pk))
    return message
