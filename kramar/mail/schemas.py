from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from kramar.core.schemas import Id
from kramar.mail.enums import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH

# PostgreSQL refuses a NUL character in text; refuse it at the door (422), not as a 500.
NO_NUL = r"^[^\x00]*$"


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    url: str = Field(..., description="The office page that downloads it (same visibility).")

    @staticmethod
    def resolve_url(obj: object) -> str:
        return f"/office/mail/attachments/{obj.pk}/"  # type: ignore[attr-defined]


class MailListOut(Schema):
    id: int
    direction: str = Field(..., description="`in` (received) or `out` (sent).")
    status: str = Field(
        ..., description="received, queued, sending, sent, failed (then see `error`)."
    )
    message_id: str
    thread_key: str = Field(..., description="The Message-ID that started the conversation.")
    from_name: str
    from_address: str
    to_addresses: list[str]
    subject: str
    snippet: str
    client_id: int | None
    deal_id: int | None
    sent_by_id: int | None
    occurred_at: datetime


class MailOut(MailListOut):
    in_reply_to: str
    references: str
    cc_addresses: list[str]
    body_text: str
    notes: str = Field(..., description="What the reader had to drop or replace.")
    error: str = Field(..., description="Why a letter was not sent.")
    attempts: int = Field(..., description="How often a worker has tried to send it.")
    sent_at: datetime | None
    received_at: datetime | None
    raw_size: int
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(obj: object) -> list[object]:
        return list(obj.attachments.all())  # type: ignore[attr-defined]


class MailLetterIn(Schema):
    """A letter to a client: its fields as JSON, or as the form fields of a multipart request."""

    to: str = Field(..., min_length=3, max_length=254, pattern=NO_NUL)
    subject: str = Field("", max_length=SUBJECT_MAX_LENGTH, pattern=NO_NUL)
    body: str = Field("", max_length=BODY_MAX_LENGTH, pattern=NO_NUL)
    deal_id: Id | None = Field(None, description="A deal of this client to file the letter on.")
    reply_to_id: Id | None = Field(
        None, description="The letter this one answers: threading headers and its deal follow."
    )
    template_id: Id | None = Field(
        None, description="Fill an empty subject or text from this template (/mail-templates)."
    )


class MailSendIn(MailLetterIn):
    client_id: Id


class MailTemplateOut(Schema):
    id: int
    name: str
    subject: str
    body: str
