"""The mail's part of a person's privacy request: the letters exported, and erased with files.

Letters are correspondence, not sales documents: an erasure deletes them and their stored
attachments (docs/privacy.md). The files go after the transaction commits, so a refused or
failed erasure keeps them.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from kramar.clients.models import Client
from kramar.clients.services import Erasure
from kramar.mail.models import MailAttachment, MailMessage


def export(client: Client) -> list[dict[str, Any]]:
    return [
        {
            "direction": letter.direction,
            "date": letter.occurred_at.isoformat(),
            "from": letter.from_address,
            "to": letter.to_addresses,
            "subject": letter.subject,
            "text": letter.body_text,
            "attachments": [a.filename for a in letter.attachments.all()],
        }
        for letter in MailMessage.objects.filter(client=client)
        .prefetch_related("attachments")
        .order_by("occurred_at", "pk")
    ]


def erase(erasure: Erasure) -> int:
    letters = MailMessage.objects.filter(client=erasure.client)
    files = [
        (a.file.storage, a.file.name)
        for a in MailAttachment.objects.filter(message__in=letters)
        if a.file and a.file.name
    ]
    files += [(m.raw_file.storage, m.raw_file.name) for m in letters if m.raw_file.name]
    erased = letters.count()
    letters.delete()

    def remove_files() -> None:
        for storage, name in files:
            storage.delete(str(name))

    transaction.on_commit(remove_files)
    return erased
