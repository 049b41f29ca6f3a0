"""Fetch the shared mailbox over IMAP (M8): each new letter is imported once.

The mailbox is opened read-only (flags untouched, so people may keep using it in their mail
programs); :class:`MailboxCursor` remembers UIDVALIDITY and the last UID imported, and the
unique Message-ID makes a second reading harmless. One bad letter never stops the fetch.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.mail.models import MailboxCursor
from kramar.mail.services.inbound import mail_import, mail_quarantine

logger = logging.getLogger(__name__)
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")
BATCH_LIMIT = 500  # letters per fetch; the next run goes on from the cursor


class MailboxError(Exception):
    """The IMAP server could not be reached or refused us."""


@dataclass
class FetchResult:
    enabled: bool = True
    seen: int = 0
    imported: int = 0
    duplicates: int = 0
    quarantined: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        if not self.enabled:
            return "mailbox not configured"
        return (
            f"{self.seen} seen, {self.imported} imported, {self.duplicates} already there, "
            f"{self.quarantined} quarantined"
        )


def _connect(config: dict[str, Any]) -> imaplib.IMAP4:
    host, port, timeout = config["host"], int(config["port"]), float(config["timeout"])
    if config.get("ssl"):
        return imaplib.IMAP4_SSL(host, port, timeout=timeout)
    return imaplib.IMAP4(host, port, timeout=timeout)


def _check(answer: tuple[str, Any], what: str) -> list[Any]:
    status, data = answer
    if status != "OK":
        raise MailboxError(f"{what}: {status} {data!r}")
    return list(data or [])


def _literal(data: list[Any]) -> bytes:
    """Return the message bytes of a FETCH answer (the first literal in it)."""
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bytes):
            return item[1]
    return b""


def _size(imap: imaplib.IMAP4, uid: int) -> int:
    data = _check(imap.uid("FETCH", str(uid), "(RFC822.SIZE)"), "FETCH size")
    for item in data:
        line = item[0] if isinstance(item, tuple) else item
        found = _SIZE.search(line or b"")
        if found:
            return int(found.group(1))
    return 0


def _letter(imap: imaplib.IMAP4, uid: int, size_limit: int) -> tuple[bytes, str]:
    """Return a letter's bytes, or only its header for one over the size limit, with a note."""
    size = _size(imap, uid)
    if size > size_limit:
        data = _check(imap.uid("FETCH", str(uid), "(BODY.PEEK[HEADER])"), "FETCH header")
        note = _("The letter (%(size)d bytes) is larger than %(limit)d bytes: only its header.") % {
            "size": size,
            "limit": size_limit,
        }
        return _literal(data) + b"\r\n" + note.encode() + b"\r\n", note
    return _literal(_check(imap.uid("FETCH", str(uid), "(BODY.PEEK[])"), "FETCH")), ""


def mailbox_fetch(*, config: dict[str, Any] | None = None) -> FetchResult:
    """Import the letters that came since the last fetch (``settings.MAIL_IMAP`` by default).

    Does nothing when no IMAP host is configured (``make run`` works without a mailbox).
    """
    config = dict(config or settings.MAIL_IMAP)
    if not config.get("host"):
        return FetchResult(enabled=False)
    name = config.get("name") or "default"
    cursor, _created = MailboxCursor.objects.get_or_create(mailbox=name)
    result = FetchResult()
    try:
        imap = _connect(config)
    except (OSError, imaplib.IMAP4.error) as error:
        _record_error(cursor, f"connect: {error}")
        raise MailboxError(f"cannot reach {config['host']}:{config['port']}: {error}") from error
    try:
        _check(imap.login(str(config["user"]), str(config["password"])), "LOGIN")
        _check(imap.select(_quoted(str(config.get("folder") or "INBOX")), readonly=True), "SELECT")
        _read_new(imap, cursor, str(name), result)
    except (OSError, imaplib.IMAP4.error, MailboxError) as error:
        _record_error(cursor, str(error))
        raise MailboxError(str(error)) from error
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            imap.logout()  # the connection is gone either way
    MailboxCursor.objects.filter(pk=cursor.pk).update(last_fetch_at=timezone.now(), last_error="")
    return result


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _read_new(imap: imaplib.IMAP4, cursor: MailboxCursor, name: str, result: FetchResult) -> None:
    uidvalidity = int((imap.response("UIDVALIDITY")[1] or [b"0"])[0] or 0)
    if uidvalidity != cursor.uidvalidity:
        # A rebuilt folder renumbers its letters: read it all again (Message-IDs dedupe).
        cursor.uidvalidity, cursor.last_uid = uidvalidity, 0
        cursor.save(update_fields=["uidvalidity", "last_uid"])
    found = _check(imap.uid("SEARCH", f"UID {cursor.last_uid + 1}:*"), "SEARCH")
    uids = sorted(int(uid) for uid in b" ".join(found).split() if int(uid) > cursor.last_uid)
    for uid in uids[:BATCH_LIMIT]:
        result.seen += 1
        _import_one(imap, uid, name, result)
        # Forward after every letter: a crash later does not make us read this one again.
        MailboxCursor.objects.filter(pk=cursor.pk).update(last_uid=uid)
        cursor.last_uid = uid


def _import_one(imap: imaplib.IMAP4, uid: int, name: str, result: FetchResult) -> None:
    raw, note = _letter(imap, uid, settings.MAIL_MAX_MESSAGE_BYTES)
    try:
        outcome = mail_import(raw=raw, mailbox=name)
    except Exception as error:  # a bug or a database refusal on one letter: keep it, go on
        logger.exception("letter UID %s of %s not imported", uid, name)
        outcome = mail_quarantine(
            raw=raw, reason=_("Import failed: %(error)s") % {"error": error}, mailbox=name
        )
        result.errors.append(f"UID {uid}: {error}")
    if note and outcome.created:
        type(outcome.message).objects.filter(pk=outcome.message.pk).update(
            notes="\n".join(filter(None, [note, outcome.message.notes]))
        )
    if not outcome.created:
        result.duplicates += 1
    elif outcome.quarantined:
        result.quarantined += 1
    else:
        result.imported += 1


def _record_error(cursor: MailboxCursor, error: str) -> None:
    MailboxCursor.objects.filter(pk=cursor.pk).update(
        last_fetch_at=timezone.now(), last_error=error[:2000]
    )
