"""Read a letter as it came from the mailbox, defensively (M8, issue 6's bad input).

Broken MIME, unknown charsets, bad headers and huge attachments never stop a letter from being
read: what cannot be read is replaced or dropped, and a note says so. Only a letter whose bytes
make no message at all raises :class:`UnreadableMessage`, and the caller quarantines it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import PurePosixPath

from django.utils import timezone
from django.utils.translation import gettext as _

MESSAGE_ID_MAX = 255
_MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class UnreadableMessage(Exception):
    """The bytes are not a mail message at all."""


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    size: int
    data: bytes | None  # None when dropped for its size


@dataclass
class ParsedMessage:
    message_id: str
    in_reply_to: str
    references: list[str]
    from_name: str
    from_address: str
    to: list[str]
    cc: list[str]
    subject: str
    date: datetime | None
    body_text: str
    attachments: list[ParsedAttachment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    automatic: bool = False
    raw_size: int = 0


def synthetic_message_id(raw: bytes) -> str:
    """Return a Message-ID for a letter that has none: the same bytes give the same id."""
    return f"<{hashlib.sha256(raw).hexdigest()[:40]}@no-message-id.invalid>"


def parse_message(raw: bytes, *, max_attachment_bytes: int) -> ParsedMessage:
    """Return what Kramar keeps of a letter; raise UnreadableMessage for bytes that are none."""
    if not raw or not raw.strip():
        raise UnreadableMessage("empty message")
    try:
        message = message_from_bytes(raw, policy=policy.default)
    except Exception as error:  # the parser is lenient; anything it raises means "not a letter"
        raise UnreadableMessage(f"not a message: {error}") from error
    if not message.keys():
        raise UnreadableMessage("no headers")
    notes: list[str] = []
    from_name, from_address = _first_address(_header(message, "From"))
    parsed = ParsedMessage(
        message_id=_message_id(_header(message, "Message-ID")) or synthetic_message_id(raw),
        in_reply_to=_message_id(_header(message, "In-Reply-To")),
        references=_message_ids(_header(message, "References")),
        from_name=from_name,
        from_address=from_address,
        to=_addresses(_header(message, "To")),
        cc=_addresses(_header(message, "Cc")),
        subject=_one_line(_header(message, "Subject"))[:300],
        date=_date(_header(message, "Date")),
        body_text="",
        notes=notes,
        automatic=_is_automatic(message, from_address),
        raw_size=len(raw),
    )
    parsed.body_text, parsed.attachments = _body_and_attachments(
        message, max_attachment_bytes=max_attachment_bytes, notes=notes
    )
    if message.defects:
        notes.append(_("The message's structure is broken; it was read as far as possible."))
    return parsed


# --- Headers -------------------------------------------------------------------------------------


def _header(message: Message, name: str) -> str:
    """Return a header decoded, or as it came when it cannot be decoded."""
    try:
        value = message.get(name)
        return "" if value is None else str(value)
    except Exception:  # malformed header: the policy's parser gave up on it
        for key, raw in message.raw_items():
            if key.lower() == name.lower():
                return str(raw).encode("utf-8", "replace").decode("utf-8")
        return ""


def _one_line(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", text).split())


def _message_id(text: str) -> str:
    found = _MESSAGE_ID.search(text or "")
    return found.group(0)[:MESSAGE_ID_MAX] if found else ""


def _message_ids(text: str) -> list[str]:
    return [found[:MESSAGE_ID_MAX] for found in _MESSAGE_ID.findall(text or "")][-20:]


def _addresses(text: str) -> list[str]:
    try:
        pairs = getaddresses([text]) if text else []
    except Exception:
        return []
    return [address.strip().lower()[:254] for _name, address in pairs if "@" in address][:50]


def _first_address(text: str) -> tuple[str, str]:
    try:
        pairs = getaddresses([text]) if text else []
    except Exception:
        pairs = []
    for name, address in pairs:
        if "@" in address:
            return _one_line(name)[:200], address.strip().lower()[:254]
    return "", ""


def _date(text: str) -> datetime | None:
    try:
        moment = parsedate_to_datetime(text) if text else None
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def _is_automatic(message: Message, from_address: str) -> bool:
    """Return whether a machine sent it (RFC 3834 or a bounce): such letters make no lead."""
    auto = _header(message, "Auto-Submitted").strip().lower()
    local = from_address.split("@", 1)[0]
    return (auto not in ("", "no")) or local in ("mailer-daemon", "postmaster")


# --- Body and attachments ------------------------------------------------------------------------


def _body_and_attachments(
    message: Message, *, max_attachment_bytes: int, notes: list[str]
) -> tuple[str, list[ParsedAttachment]]:
    plain: list[str] = []
    html: list[str] = []
    attachments: list[ParsedAttachment] = []
    try:
        parts = list(message.walk())
    except Exception:
        parts = [message]
        notes.append(
            _("The message's parts could not be told apart; only its first part was read.")
        )
    for index, part in enumerate(parts):
        if part.is_multipart():
            continue
        content_type = _content_type(part)
        if _is_attachment(part, content_type):
            attachment = _attachment(part, index, content_type, max_attachment_bytes, notes)
            if attachment is not None:
                attachments.append(attachment)
        elif content_type == "text/plain":
            plain.append(_text(part, notes))
        elif content_type == "text/html":
            html.append(html_to_text(_text(part, notes)))
    body = "\n\n".join(text for text in plain if text.strip()) or "\n\n".join(html)
    return body.strip(), attachments


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:
        return "application/octet-stream"


def _is_attachment(part: Message, content_type: str) -> bool:
    try:
        disposition = part.get_content_disposition()
    except Exception:
        disposition = None
    if disposition == "attachment":
        return True
    return not content_type.startswith("text/") or (
        disposition == "inline" and _filename(part, 0) != ""
    )


def _payload(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    return raw.encode("utf-8", "replace") if isinstance(raw, str) else b""


def _text(part: Message, notes: list[str]) -> str:
    data = _payload(part)
    try:
        charset = part.get_content_charset() or "utf-8"
    except Exception:
        charset = "utf-8"
    try:
        return data.decode(charset, errors="replace")
    except LookupError:
        notes.append(
            _("Unknown character set “%(charset)s”: the text was read as UTF-8.")
            % {"charset": charset[:40]}
        )
        return data.decode("utf-8", errors="replace")


def clean_filename(name: str) -> str:
    """Return a file name fit to show and to offer for download: its last path part, without
    control characters or leading and trailing dots and spaces, at most 200 characters; "" when
    nothing is left. The same rule for files that come with letters and files staff send."""
    name = _CONTROL.sub("", PurePosixPath(name.replace("\\", "/")).name).strip(" .")
    return name[:200]


def _filename(part: Message, index: int) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    return clean_filename(name)


def _attachment(
    part: Message, index: int, content_type: str, limit: int, notes: list[str]
) -> ParsedAttachment | None:
    data = _payload(part)
    name = _filename(part, index) or f"attachment-{index}"
    if not data:
        return None
    if len(data) > limit:
        notes.append(
            _("Attachment “%(name)s” (%(size)d bytes) was dropped: larger than %(limit)d bytes.")
            % {"name": name, "size": len(data), "limit": limit}
        )
        return ParsedAttachment(name, content_type[:100], len(data), None)
    return ParsedAttachment(name, content_type[:100], len(data), data)


# --- HTML to text --------------------------------------------------------------------------------

_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "hr"}


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head", "title"):
            self.skip += 1
        elif tag in _BLOCKS:
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head", "title"):
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCKS:
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.chunks.append(data)


def html_to_text(html: str) -> str:
    """Return the readable text of an HTML letter (Kramar shows letters as text only)."""
    reader = _TextOfHtml()
    try:
        reader.feed(html)
        reader.close()
    except Exception:
        return re.sub(r"<[^>]*>", " ", html)
    lines = (" ".join(line.split()) for line in "".join(reader.chunks).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
