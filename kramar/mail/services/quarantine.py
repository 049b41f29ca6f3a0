"""Sorting the quarantine by hand (M8): a letter the import could not file is filed on a client
as the import would have filed it, or discarded with its files; both are audit rows (M3).

Who may: ``mail.manage_quarantine`` (administrators and heads of sales, ``mail/roles.py``), and
only onto a client (and a deal) they may see.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.audit import context
from kramar.audit.enums import AuditAction
from kramar.audit.models import AuditEntry
from kramar.clients.models import Client
from kramar.clients.selectors import clients_visible_to
from kramar.core.errors import (
    ApplicationError,
    CoreErrorCode,
    NotFoundError,
    PermissionDeniedError,
)
from kramar.crm.models import Deal
from kramar.crm.selectors import deals_visible_to
from kramar.mail.enums import MailErrorCode, MailStatus
from kramar.mail.models import MailAttachment, MailMessage, mail_files
from kramar.mail.services.inbound import notify_responsible, record_on_timeline

logger = logging.getLogger(__name__)
MANAGE_QUARANTINE = "mail.manage_quarantine"
RAW_LETTER_NAME = "letter.eml"


def _require_role(actor: User) -> None:
    if not (actor.is_active and actor.is_staff and actor.has_perm(MANAGE_QUARANTINE)):
        raise PermissionDeniedError(
            CoreErrorCode.PERMISSION_DENIED,
            _("Your role does not allow this."),
            extra={"permission": MANAGE_QUARANTINE},
        )


def _locked(message: MailMessage) -> MailMessage:
    locked = (
        MailMessage.objects.select_for_update()
        .filter(pk=message.pk, status=MailStatus.QUARANTINED)
        .first()
    )
    if locked is None:
        raise ApplicationError(
            MailErrorCode.NOT_QUARANTINED,
            _("The letter is no longer in quarantine: someone has sorted it."),
            status=409,
        )
    return locked


def _audit(actor: User, message: MailMessage, action: str, changes: dict[str, Any]) -> None:
    """Write the trail's row of a sorted letter (letters are not audited by the capture)."""
    where = context.describe(context.current())
    where.update(actor_id=actor.pk, actor_label=(actor.email or str(actor))[:254])
    AuditEntry.objects.create(
        **where,
        action=action,
        model="mail.mailmessage",
        object_id=str(message.pk),
        object_repr=(message.subject or message.from_address or message.message_id)[:200],
        changes=changes,
    )


def _check_target(actor: User, client: Client, deal: Deal | None) -> None:
    if not clients_visible_to(viewer=actor).filter(pk=client.pk).exists():
        raise NotFoundError("clients.not_found", _("No such client."), extra={"field": "client"})
    if deal is None:
        return
    if deal.client_id != client.pk:
        raise ApplicationError(
            MailErrorCode.DEAL_OF_OTHER_CLIENT,
            _("That deal belongs to another client."),
            extra={"field": "deal"},
        )
    if not deals_visible_to(viewer=actor).filter(pk=deal.pk).exists():
        raise NotFoundError("crm.deal_not_found", _("No such deal."), extra={"field": "deal"})


def _raw_as_attachment(message: MailMessage) -> None:
    """Keep the raw bytes of an unreadable letter as its attachment: the client's people read
    letters' files, and the raw file is only for the quarantine."""
    if not message.raw_file:
        return
    MailAttachment.objects.create(
        message=message,
        filename=RAW_LETTER_NAME,
        content_type="message/rfc822",
        size=message.raw_size,
        file=message.raw_file.name,
    )
    message.raw_file = ""


@transaction.atomic
def _file(*, actor: User, message: MailMessage, client: Client, deal: Deal | None) -> MailMessage:
    _require_role(actor)
    _check_target(actor, client, deal)
    locked = _locked(message)
    locked.status, locked.client, locked.deal = MailStatus.RECEIVED, client, deal
    filed = _("Filed on the client from the quarantine by %(name)s.") % {
        "name": actor.get_full_name() or actor.email
    }
    locked.notes = "\n".join(note for note in (locked.notes, filed) if note)[:4000]
    _raw_as_attachment(locked)
    locked.save(update_fields=["status", "client", "deal", "notes", "raw_file"])
    record_on_timeline(locked, actor=actor)
    _audit(
        actor,
        locked,
        AuditAction.UPDATE,
        {
            "status": [MailStatus.QUARANTINED.value, MailStatus.RECEIVED.value],
            "client": [None, client.pk],
            "deal": [None, deal.pk if deal else None],
        },
    )
    return locked


def mail_quarantine_file(
    *, actor: User, message: MailMessage, client: Client, deal: Deal | None = None
) -> MailMessage:
    """File a quarantined letter on a client (and a deal of theirs), as the import would.

    The letter becomes ``received`` with an ``email_in`` entry on the client's timeline (in
    one transaction), and then the responsible manager is told, unless that is the actor.
    """
    filed = _file(actor=actor, message=message, client=client, deal=deal)
    notify_responsible(filed, actor=actor)
    return filed


@transaction.atomic
def mail_quarantine_discard(*, actor: User, message: MailMessage) -> None:
    """Delete a quarantined letter with its raw file and attachments; an audit row says so.

    The files are removed after the commit, so a rolled back discard keeps them.
    """
    _require_role(actor)
    locked = _locked(message)
    files = [row.file for row in locked.attachments.all()]
    if locked.raw_file:
        files.append(locked.raw_file)
    names = [file.name for file in files if file.name]
    _audit(
        actor,
        locked,
        AuditAction.DELETE,
        {
            "message_id": [locked.message_id, None],
            "from_address": [locked.from_address, None],
            "subject": [locked.subject, None],
            "received_at": [
                timezone.localtime(locked.received_at).isoformat() if locked.received_at else None,
                None,
            ],
            "raw_size": [locked.raw_size, None],
            "notes": [locked.notes, None],
        },
    )
    locked.delete()
    transaction.on_commit(lambda: _delete_files(names))


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            mail_files.delete(name)
        except OSError:  # already gone or not removable: the letter is gone either way
            logger.warning("mail file %s not deleted", name, exc_info=True)
