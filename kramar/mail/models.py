"""E-mail with clients, in and out (M8): each letter on the client's one history (M11, M14)."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from kramar.audit.capture import AuditedManager
from kramar.mail.enums import SUBJECT_MAX_LENGTH, MailDirection, MailStatus

SNIPPET_LENGTH = 160


@deconstructible(path="kramar.mail.models.MailFileStorage")
class MailFileStorage(FileSystemStorage):
    """Private files of the mail (settings.MAIL_FILES_ROOT): never published under MEDIA_URL.

    The location is read from the settings when first used, so tests can point it elsewhere.
    """

    def __init__(self) -> None:
        super().__init__()

    @property
    def base_location(self) -> str:
        return str(settings.MAIL_FILES_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> None:  # type: ignore[override]
        return None  # served only through the office's checked download page


mail_files = MailFileStorage()


class MailTemplate(models.Model):
    """A letter staff start from: ``{placeholder}`` names are filled from the client and deal."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX_LENGTH)
    body = models.TextField(_("text"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AuditedManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("e-mail template")
        verbose_name_plural = _("e-mail templates")

    def __str__(self) -> str:
        return self.name


class MailMessage(models.Model):
    """One letter to or from a client, with its threading headers (RFC 5322)."""

    direction = models.CharField(_("direction"), max_length=3, choices=MailDirection.choices)
    status = models.CharField(_("status"), max_length=12, choices=MailStatus.choices)
    # Unique: a letter is imported once however often the mailbox or a file is read again.
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=255, blank=True, db_index=True)
    references = models.TextField(_("References"), blank=True)
    # The Message-ID that started the conversation: letters with one key are one thread.
    thread_key = models.CharField(_("thread"), max_length=255, db_index=True)
    from_name = models.CharField(_("sender's name"), max_length=200, blank=True)
    from_address = models.CharField(_("sender"), max_length=254, blank=True, db_index=True)
    to_addresses = models.JSONField(_("to"), default=list, blank=True)
    cc_addresses = models.JSONField(_("copy"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=SUBJECT_MAX_LENGTH, blank=True)
    body_text = models.TextField(_("text"), blank=True)
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        related_name="mail",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    deal = models.ForeignKey(
        "crm.Deal",
        verbose_name=_("deal"),
        related_name="mail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    mailbox = models.CharField(_("mailbox"), max_length=80, blank=True)
    # When the letter was written (its Date, or when we queued it) and when it reached us.
    occurred_at = models.DateTimeField(_("date"), default=timezone.now)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    raw_size = models.PositiveIntegerField(_("size in bytes"), default=0)
    # What the parser had to do: attachments dropped, unknown charsets read with replacement.
    notes = models.TextField(_("notes"), blank=True)
    error = models.TextField(_("error"), blank=True)
    # Delivery attempts of a letter out: each claim by a worker counts one and is the key of its
    # outcome, so a late answer of an attempt the sweeper gave up on is still recorded.
    attempts = models.PositiveSmallIntegerField(_("attempts to send"), default=0)
    claimed_at = models.DateTimeField(_("taken by a worker at"), null=True, blank=True)
    # The message as it came, kept only when it could not be filed (quarantine).
    raw_file = models.FileField(_("raw message"), storage=mail_files, blank=True, max_length=255)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        indexes = [
            models.Index(fields=["client", "-occurred_at", "-id"], name="mail_client_idx"),
            models.Index(fields=["deal", "-occurred_at", "-id"], name="mail_deal_idx"),
            # Small by nature: the quarantine page and the sweeper of letters left "sending".
            models.Index(
                fields=["status", "-occurred_at"],
                name="mail_waiting_idx",
                condition=models.Q(status__in=["quarantined", "sending"]),
            ),
        ]
        permissions = [
            ("manage_quarantine", _("May file or discard quarantined letters")),
        ]

    def __str__(self) -> str:
        return self.subject or self.message_id

    @property
    def snippet(self) -> str:
        text = " ".join(self.body_text.split())
        return text if len(text) <= SNIPPET_LENGTH else text[: SNIPPET_LENGTH - 1] + "…"

    @property
    def references_list(self) -> list[str]:
        return self.references.split()

    @property
    def correspondent(self) -> str:
        """Return the other party's address: the sender of a received letter, else the first To."""
        if self.direction == MailDirection.IN:
            return self.from_address
        return self.to_addresses[0] if self.to_addresses else ""


class MailAttachment(models.Model):
    """A file that came with (or was sent with) a letter, kept in the private mail storage."""

    message = models.ForeignKey(
        MailMessage,
        verbose_name=_("e-mail"),
        related_name="attachments",
        on_delete=models.CASCADE,
    )
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    file = models.FileField(_("file"), storage=mail_files, max_length=255)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename


class MailboxCursor(models.Model):
    """How far a mailbox has been read: IMAP's UIDVALIDITY and the last UID imported.

    A new UIDVALIDITY (the folder was rebuilt) starts again from the first message; the unique
    Message-ID keeps the letters already imported from coming in twice.
    """

    mailbox = models.CharField(_("mailbox"), max_length=80, unique=True)
    uidvalidity = models.BigIntegerField(_("UIDVALIDITY"), default=0)
    last_uid = models.BigIntegerField(_("last UID"), default=0)
    last_fetch_at = models.DateTimeField(_("last fetch"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("mailbox cursor")
        verbose_name_plural = _("mailbox cursors")

    def __str__(self) -> str:
        return f"{self.mailbox}: {self.uidvalidity}/{self.last_uid}"
