"""Import letters from a file: ``manage.py kramar_mail_import <file.eml|mbox> [...]`` (M8).

Each letter goes through the same import as the mailbox fetch: matched to its client (or a new
lead), once per Message-ID, the unreadable ones quarantined. A missing or unreadable file stops
the command with exit code 1 before anything is imported.
"""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kramar.mail.services import mail_import, mail_quarantine


def letters_in(path: Path) -> Iterator[bytes]:
    """Yield the raw letters of an mbox file, or the one letter of an .eml file."""
    with path.open("rb") as file:
        head = file.read(5)
    if head != b"From ":
        yield path.read_bytes()
        return
    box = mailbox.mbox(path, create=False)
    try:
        for key in box.iterkeys():
            yield box.get_bytes(key)
    finally:
        box.close()


class Command(BaseCommand):
    help = "Import e-mail from .eml or mbox files into the CRM (each letter once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help=".eml or mbox files")
        parser.add_argument("--mailbox", default="import", help="Mailbox name recorded on letters")
        parser.add_argument(
            "--notify",
            action="store_true",
            help="Tell the responsible managers of each letter (off: an archive is old news)",
        )

    def handle(
        self, *args: Any, paths: list[str], mailbox: str, notify: bool, **options: Any
    ) -> None:
        files = [Path(path) for path in paths]
        for path in files:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
            try:
                with path.open("rb"):
                    pass
            except OSError as error:
                raise CommandError(f"{path}: cannot be read: {error.strerror}") from error
        counts = {"imported": 0, "already there": 0, "quarantined": 0}
        for path in files:
            for raw in letters_in(path):
                try:
                    outcome = mail_import(raw=raw, mailbox=mailbox, notify=notify)
                except Exception as error:  # one bad letter: keep it aside and go on
                    outcome = mail_quarantine(
                        raw=raw, reason=_("Import failed: %(error)s") % {"error": error}
                    )
                if not outcome.created:
                    counts["already there"] += 1
                elif outcome.quarantined:
                    counts["quarantined"] += 1
                else:
                    counts["imported"] += 1
        self.stdout.write(", ".join(f"{count} {what}" for what, count in counts.items()))
