"""Sending the queued letters (M8): the worker's delivery over SMTP, the sweeper of letters a
dead worker left "sending", and sending a failed letter again by hand.

Every claim of a letter by a worker is one attempt (``attempts``, ``claimed_at``); its outcome is
recorded against that attempt only, and the sender's notification of a failure is keyed by it.
A letter is never sent again by itself: whether an interrupted SMTP call delivered it cannot be
known, so a person decides (docs/mail.md, "A letter left sending").
"""

from __future__ import annotations

import logging
from datetime import datetime
from email.message import MIMEPart
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.core.errors import (
    ApplicationError,
    CoreErrorCode,
    NotFoundError,
    PermissionDeniedError,
)
from kramar.mail.enums import MailDirection, MailErrorCode, MailStatus
from kramar.mail.models import MailAttachment, MailMessage
from kramar.mail.selectors import messages_visible_to
from kramar.notifications.services import notification_deliver

logger = logging.getLogger(__name__)
SEND_MAIL = "mail.add_mailmessage"


def _attachment_part(attachment: MailAttachment) -> MIMEPart:
    """Return a file as a MIME part carrying its bytes exactly (base64, never re-encoded text)."""
    with attachment.file.open("rb") as handle:
        data = handle.read()
    maintype, _slash, subtype = attachment.content_type.partition("/")
    if not subtype or maintype in ("multipart", "message"):
        maintype, subtype = "application", "octet-stream"
    part = MIMEPart()
    part.set_content(
        data, maintype=maintype, subtype=subtype, disposition="attachment",
        filename=attachment.filename,
    )  # fmt: skip
    return part


def _email_of(message: MailMessage) -> EmailMessage:
    sender_name = message.sent_by.get_full_name() if message.sent_by else ""
    headers = {"Message-ID": message.message_id}
    if message.in_reply_to:
        headers["In-Reply-To"] = message.in_reply_to
    if message.references:
        headers["References"] = message.references
    email = EmailMessage(
        subject=message.subject,
        body=message.body_text,
        from_email=formataddr((sender_name, parseaddr(settings.MAIL_FROM)[1])),
        to=list(message.to_addresses),
        headers=headers,
    )
    for attachment in message.attachments.all():
        email.attach(_attachment_part(attachment))
    return email


def mail_deliver_now(*, message_id: int) -> str:
    """Send one queued letter over SMTP and record the outcome; a sent one is never resent."""
    with transaction.atomic():
        message = (
            MailMessage.objects.select_for_update()
            .filter(pk=message_id, direction=MailDirection.OUT)
            .first()
        )
        if message is None or message.status != MailStatus.QUEUED:
            return "nothing to send"
        # Claimed before the network call: a second worker finds it sending, not queued.
        message.status = MailStatus.SENDING
        message.attempts += 1
        message.claimed_at = timezone.now()
        message.save(update_fields=["status", "attempts", "claimed_at"])
    attempt = message.attempts
    message = (
        MailMessage.objects.select_related("sent_by", "client")
        .prefetch_related("attachments")
        .get(pk=message_id)
    )
    try:
        _email_of(message).send()
    except Exception as error:  # SMTP refused, timed out or is down: record it, tell the sender
        logger.warning("letter %s not sent", message.message_id, exc_info=True)
        _mark_failed(message, attempt, str(error) or type(error).__name__)
        return "failed"
    # Recorded even if the sweeper gave this attempt up meanwhile: the letter did leave.
    MailMessage.objects.filter(pk=message.pk, attempts=attempt).update(
        status=MailStatus.SENT, sent_at=timezone.now(), error=""
    )
    return "sent"


def _mark_failed(message: MailMessage, attempt: int, error: str) -> None:
    # Only this attempt's outcome: a letter queued again meanwhile is left to its new attempt.
    failed = MailMessage.objects.filter(
        pk=message.pk, attempts=attempt, status__in=[MailStatus.SENDING, MailStatus.FAILED]
    ).update(status=MailStatus.FAILED, error=error[:2000])
    if failed:
        _tell_sender(
            message,
            attempt,
            _("Letter not sent: %(subject)s") % {"subject": message.subject},
            error,
        )


def _tell_sender(message: MailMessage, attempt: int, title: str, error: str) -> None:
    if message.sent_by is None:
        return
    notification_deliver(
        recipient=message.sent_by,
        key=f"mail-failed:{message.pk}:{attempt}",
        kind="mail",
        title=title[:200],
        body=error[:500],
        url=f"/office/mail/{message.pk}/",
        email=False,
    )


def mail_stuck_sending_fail(*, now: datetime | None = None) -> int:
    """Mark failed the letters left "sending" longer than ``MAIL_SENDING_STUCK_AFTER``.

    Their worker died during the SMTP call (or before it), so nobody knows whether the letter
    left. It is not sent again by itself, which could give the client the same letter twice;
    its sender is told, and resends it from the letter's page if it did not arrive.
    """
    now = now or timezone.now()
    cutoff = now - settings.MAIL_SENDING_STUCK_AFTER
    error = _(
        "The worker stopped while sending this letter: it may or may not have reached the "
        "client. Check with the client, and send it again if it did not arrive."
    )
    with transaction.atomic():
        stuck = list(
            MailMessage.objects.select_for_update(skip_locked=True)
            .filter(direction=MailDirection.OUT, status=MailStatus.SENDING)
            .filter(Q(claimed_at__lt=cutoff) | Q(claimed_at__isnull=True, occurred_at__lt=cutoff))
            .values_list("pk", flat=True)
        )
        MailMessage.objects.filter(pk__in=stuck).update(status=MailStatus.FAILED, error=error)
    for message in MailMessage.objects.filter(pk__in=stuck).select_related("sent_by"):
        logger.warning("letter %s left sending by a worker; marked failed", message.message_id)
        title = _("Letter may not have been sent: %(subject)s") % {"subject": message.subject}
        _tell_sender(message, message.attempts, title, error)
    return len(stuck)


@transaction.atomic
def mail_resend(*, actor: User, message: MailMessage) -> MailMessage:
    """Queue a failed letter again, as it was (same Message-ID, files and thread).

    The same Message-ID lets the client's mail program recognise a copy of a letter that did
    arrive after all, and keeps the reply on the thread. The client's address must still be
    one of theirs. Whoever may write to the client may resend, not only the first sender.
    """
    if not messages_visible_to(viewer=actor).filter(pk=message.pk).exists():
        raise NotFoundError(MailErrorCode.NOT_FOUND, _("No such letter."))
    if not actor.has_perm(SEND_MAIL):
        raise PermissionDeniedError(
            CoreErrorCode.PERMISSION_DENIED,
            _("Your role does not allow this."),
            extra={"permission": SEND_MAIL},
        )
    locked = (
        MailMessage.objects.select_for_update(of=("self",))
        .select_related("client")
        .get(pk=message.pk)
    )
    if locked.direction != MailDirection.OUT or locked.status != MailStatus.FAILED:
        raise ApplicationError(
            MailErrorCode.NOT_FAILED,
            _("Only a letter that was not sent can be sent again."),
            status=409,
        )
    client = locked.client
    addresses = {email.email.lower() for email in client.emails.all()} if client else set()
    if not set(locked.to_addresses) <= addresses:
        raise ApplicationError(
            MailErrorCode.RECIPIENT_NOT_OF_CLIENT,
            _("The address is no longer the client's: write a new letter."),
            extra={"field": "to"},
        )
    locked.status, locked.error = MailStatus.QUEUED, ""
    locked.save(update_fields=["status", "error"])
    from kramar.mail.tasks import mail_deliver

    transaction.on_commit(lambda: mail_deliver.enqueue(locked.pk))
    return locked
