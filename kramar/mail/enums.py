from django.db import models
from django.utils.translation import gettext_lazy as _


class MailDirection(models.TextChoices):
    IN = "in", _("Received")
    OUT = "out", _("Sent")


class MailStatus(models.TextChoices):
    """Where a message stands: an outbound one is queued, then sent or failed (M8)."""

    RECEIVED = "received", _("Received")
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Not sent")
    # Kept but not filed on a client: unreadable, without a sender, or an automatic reply.
    QUARANTINED = "quarantined", _("Quarantined")


class MailErrorCode(models.TextChoices):
    RECIPIENT_NOT_OF_CLIENT = "mail.recipient_not_of_client"
    SUBJECT_REQUIRED = "mail.subject_required"
    BODY_REQUIRED = "mail.body_required"
    TOO_LONG = "mail.too_long"
    DEAL_OF_OTHER_CLIENT = "mail.deal_of_other_client"
    REPLY_OF_OTHER_CLIENT = "mail.reply_of_other_client"
    UNKNOWN_PLACEHOLDER = "mail.unknown_placeholder"
    TEMPLATE_NAME_TAKEN = "mail.template_name_taken"
    NOT_FOUND = "mail.not_found"
    MAILBOX_NOT_CONFIGURED = "mail.mailbox_not_configured"
    TOO_MANY_ATTACHMENTS = "mail.too_many_attachments"
    ATTACHMENT_TOO_LARGE = "mail.attachment_too_large"
    ATTACHMENTS_TOO_LARGE = "mail.attachments_too_large"
    ATTACHMENT_EMPTY = "mail.attachment_empty"
    NOT_QUARANTINED = "mail.not_quarantined"
    NOT_FAILED = "mail.not_failed"


SUBJECT_MAX_LENGTH = 300
BODY_MAX_LENGTH = 100_000
