"""Reads of the mail app. Who may read a letter follows who may see its client (M3, M14).

A letter is seen by whoever sees its client (clients.selectors.clients_visible_to); letters
without a client (quarantine) are seen by no one here: administrators look at them in the admin.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.clients.models import Client
from kramar.clients.selectors import clients_visible_to
from kramar.core.errors import NotFoundError
from kramar.crm.models import Deal
from kramar.mail.enums import MailErrorCode
from kramar.mail.models import MailAttachment, MailMessage, MailTemplate


def messages_visible_to(*, viewer: User) -> QuerySet[MailMessage]:
    """Return every letter the viewer may read."""
    return MailMessage.objects.filter(client__in=clients_visible_to(viewer=viewer).values("pk"))


def message_get(*, viewer: User, pk: int) -> MailMessage:
    """Return one letter with its attachments; an invisible one is "not found"."""
    message = (
        messages_visible_to(viewer=viewer)
        .select_related("client", "deal", "sent_by")
        .prefetch_related("attachments")
        .filter(pk=pk)
        .first()
    )
    if message is None:
        raise NotFoundError(MailErrorCode.NOT_FOUND, _("No such letter."))
    return message


def client_messages(*, viewer: User, client: Client) -> QuerySet[MailMessage]:
    """Return the client's letters, newest first (the client must be visible)."""
    return (
        messages_visible_to(viewer=viewer)
        .filter(client=client)
        .select_related("sent_by", "deal")
        .order_by("-occurred_at", "-id")
    )


def deal_messages(*, viewer: User, deal: Deal) -> QuerySet[MailMessage]:
    """Return the letters filed on a deal, newest first."""
    return (
        messages_visible_to(viewer=viewer)
        .filter(deal=deal)
        .select_related("sent_by")
        .order_by("-occurred_at", "-id")
    )


def thread_of(*, viewer: User, message: MailMessage) -> QuerySet[MailMessage]:
    """Return the visible letters of the message's conversation, oldest first."""
    if message.client_id is None:
        return MailMessage.objects.none()
    return (
        messages_visible_to(viewer=viewer)
        .filter(client_id=message.client_id, thread_key=message.thread_key)
        .order_by("occurred_at", "id")
    )


def attachment_get(*, viewer: User, pk: int) -> MailAttachment:
    attachment = (
        MailAttachment.objects.filter(message__in=messages_visible_to(viewer=viewer).values("pk"))
        .filter(pk=pk)
        .first()
    )
    if attachment is None:
        raise NotFoundError(MailErrorCode.NOT_FOUND, _("No such attachment."))
    return attachment


def templates_active() -> QuerySet[MailTemplate]:
    return MailTemplate.objects.filter(is_active=True).order_by("name")
