"""Reads of the mail app. Who may read a letter follows who may see its client (M3, M14).

A letter is seen by whoever sees its client (clients.selectors.clients_visible_to); letters
without a client (quarantine) are seen by those who sort the quarantine
(``mail.manage_quarantine``), on its own pages.
"""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.clients.models import Client
from kramar.clients.selectors import clients_visible_to
from kramar.core.errors import NotFoundError
from kramar.crm.models import Deal
from kramar.mail.enums import MailErrorCode, MailStatus
from kramar.mail.models import MailAttachment, MailMessage, MailTemplate

_ADDRESS = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+")
TEXT_SEARCHED = 100_000
ADDRESSES_SEARCHED = 100
SUGGESTED = 10


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


def may_sort_quarantine(viewer: User) -> bool:
    return bool(viewer.is_active and viewer.is_staff and viewer.has_perm("mail.manage_quarantine"))


def quarantine_visible_to(*, viewer: User) -> QuerySet[MailMessage]:
    """Return the quarantined letters, newest first, for those who sort them; none for others."""
    quarantined = MailMessage.objects.filter(status=MailStatus.QUARANTINED)
    if not may_sort_quarantine(viewer):
        return quarantined.none()
    return quarantined.prefetch_related("attachments").order_by("-occurred_at", "-id")


def quarantined_get(*, viewer: User, pk: int) -> MailMessage:
    """Return one quarantined letter; another (or one already sorted) is "not found"."""
    message = quarantine_visible_to(viewer=viewer).filter(pk=pk).first()
    if message is None:
        raise NotFoundError(MailErrorCode.NOT_FOUND, _("No such letter in the quarantine."))
    return message


def quarantine_suggestions(*, viewer: User, message: MailMessage) -> QuerySet[Client]:
    """Return the visible clients whose e-mail address the letter names: its sender, its
    recipients, or an address in its text (a bounce quotes the letter it returns)."""
    named = [message.from_address, *message.to_addresses, *message.cc_addresses]
    named += _ADDRESS.findall(message.body_text[:TEXT_SEARCHED])[:ADDRESSES_SEARCHED]
    addresses = {address.casefold() for address in named if address}
    if not addresses:
        return Client.objects.none()
    return (
        clients_visible_to(viewer=viewer)
        .filter(emails__email__in=addresses)
        .select_related("manager")
        .distinct()
        .order_by("name", "pk")[:SUGGESTED]
    )


def attachment_get(*, viewer: User, pk: int) -> MailAttachment:
    """Return a file of a letter the viewer may read, or of a quarantined one they may sort."""
    rule = Q(message__in=messages_visible_to(viewer=viewer).values("pk"))
    if may_sort_quarantine(viewer):
        rule |= Q(message__status=MailStatus.QUARANTINED)
    attachment = MailAttachment.objects.filter(rule, pk=pk).first()
    if attachment is None:
        raise NotFoundError(MailErrorCode.NOT_FOUND, _("No such attachment."))
    return attachment


def templates_active() -> QuerySet[MailTemplate]:
    return MailTemplate.objects.filter(is_active=True).order_by("name")
