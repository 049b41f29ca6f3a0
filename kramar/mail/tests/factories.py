from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from django.utils import timezone

from kramar.mail.models import MailTemplate


def letter(
    *,
    sender: str = "Олена Коваль <olena@client.test>",
    to: str = "crm@kramar.test",
    subject: str = "Питання щодо замовлення",
    body: str = "Добрий день! Коли буде доставка?",
    message_id: str | None = None,
    in_reply_to: str = "",
    references: str = "",
    attachments: list[tuple[str, str, bytes]] = (),
    headers: dict[str, str] | None = None,
) -> bytes:
    """Return a well-formed letter as the mailbox would hold it."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = message_id or make_msgid(domain="client.test")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for filename, content_type, data in attachments:
        main, sub = content_type.split("/")
        message.add_attachment(data, maintype=main, subtype=sub, filename=filename)
    return message.as_bytes()


def template(**fields) -> MailTemplate:
    defaults = {
        "name": "Пропозиція",
        "subject": "Пропозиція для {client_name}",
        "body": "Шановний {first_name}!\n\nЩодо «{deal_title}».\n\n{sender_name}",
    }
    return MailTemplate.objects.create(**{**defaults, **fields})
