"""Writes of the mail app: letters out and in, their delivery, the quarantine sorted by hand,
templates, the mailbox fetch (M8).

Every letter is written to the client's one timeline through ``clients.services`` in the same
transaction as the letter itself (M11, M14).
"""

from kramar.mail.services.delivery import mail_deliver_now, mail_resend, mail_stuck_sending_fail
from kramar.mail.services.inbound import (
    ImportOutcome,
    mail_import,
    mail_quarantine,
)
from kramar.mail.services.mailbox import FetchResult, MailboxError, mailbox_fetch
from kramar.mail.services.outbound import LetterFile, mail_send
from kramar.mail.services.quarantine import mail_quarantine_discard, mail_quarantine_file
from kramar.mail.services.templates import (
    PLACEHOLDERS,
    RenderedLetter,
    fill_placeholders,
    mail_template_render,
    mail_template_save,
    placeholders_check,
)

__all__ = [
    "PLACEHOLDERS",
    "FetchResult",
    "ImportOutcome",
    "LetterFile",
    "MailboxError",
    "RenderedLetter",
    "fill_placeholders",
    "mail_deliver_now",
    "mail_import",
    "mail_quarantine",
    "mail_quarantine_discard",
    "mail_quarantine_file",
    "mail_resend",
    "mail_send",
    "mail_stuck_sending_fail",
    "mail_template_render",
    "mail_template_save",
    "mailbox_fetch",
    "placeholders_check",
]
