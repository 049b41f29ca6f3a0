"""Background work of the mail: sending a queued letter, fetching the mailbox, giving up on
letters a dead worker left sending (M8)."""

from __future__ import annotations

from django.tasks import task


@task
def mail_deliver(message_id: int) -> str:
    """Send one queued letter over SMTP (enqueued after the commit that queued it)."""
    from kramar.mail.services import mail_deliver_now

    return mail_deliver_now(message_id=message_id)


@task
def mailbox_fetch_task() -> str:
    """Import the new letters of the configured mailbox (settings.KRAMAR_PERIODIC_JOBS)."""
    from kramar.mail.services import mailbox_fetch

    return str(mailbox_fetch())


@task
def mail_stuck_sending_task() -> str:
    """Mark failed the letters a dead worker left "sending" (settings.KRAMAR_PERIODIC_JOBS)."""
    from kramar.mail.services import mail_stuck_sending_fail

    return f"{mail_stuck_sending_fail()} letter(s) marked not sent"
