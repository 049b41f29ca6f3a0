"""A letter a dead worker left "sending" is not lost and not sent twice by itself (M8): the
periodic sweeper marks it not sent and tells its sender, who sends it again from the letter;
sending again keeps its Message-ID, thread and files, through a real SMTP server."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from kramar.accounts.enums import Role
from kramar.clients.models import ClientEmail
from kramar.clients.tests.factories import ClientFactory
from kramar.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from kramar.mail.enums import MailStatus
from kramar.mail.models import MailMessage
from kramar.mail.services import (
    LetterFile,
    mail_deliver_now,
    mail_resend,
    mail_send,
    mail_stuck_sending_fail,
)
from kramar.mail.tasks import mail_stuck_sending_task
from kramar.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_staff):
    return make_staff(Role.SALES_MANAGER)


@pytest.fixture
def client_of(manager):
    return ClientFactory(manager=manager, emails=["olena@client.test"])


@pytest.fixture
def no_smtp(settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},  # nothing listens
        }
    }


def queued(manager, client, **fields):
    return mail_send(
        actor=manager,
        client=client,
        to="olena@client.test",
        subject=fields.pop("subject", "Пропозиція"),
        body="Текст.",
        **fields,
    )


def left_sending(message, *, minutes_ago):
    """Put a letter where a worker that died in the SMTP call leaves it."""
    MailMessage.objects.filter(pk=message.pk).update(
        status=MailStatus.SENDING,
        attempts=1,
        claimed_at=timezone.now() - timedelta(minutes=minutes_ago),
    )


def test_a_letter_left_sending_is_marked_not_sent_and_its_sender_told_m8(
    manager, client_of, settings
):
    settings.MAIL_SENDING_STUCK_AFTER = timedelta(minutes=15)
    stuck, busy, waiting = (queued(manager, client_of, subject=s) for s in ("A", "B", "C"))
    left_sending(stuck, minutes_ago=16)
    left_sending(busy, minutes_ago=2)  # a live worker may still be talking to the server

    assert mail_stuck_sending_fail() == 1

    stuck.refresh_from_db(), busy.refresh_from_db(), waiting.refresh_from_db()
    assert stuck.status == MailStatus.FAILED
    assert "may or may not have reached the client" in stuck.error
    assert (busy.status, waiting.status) == (MailStatus.SENDING, MailStatus.QUEUED)
    note = Notification.objects.get(recipient=manager, key=f"mail-failed:{stuck.pk}:1")
    assert note.url == f"/office/mail/{stuck.pk}/"
    assert mail_stuck_sending_fail() == 0  # once


def test_the_sweeper_is_a_periodic_job_of_every_installation():
    path, every = django_settings.KRAMAR_PERIODIC_JOBS["mail-stuck-sending"]
    assert path == "kramar.mail.tasks.mail_stuck_sending_task"
    assert every <= django_settings.MAIL_SENDING_STUCK_AFTER
    assert mail_stuck_sending_task.call() == "0 letter(s) marked not sent"


def test_a_failed_letter_is_sent_again_with_its_message_id_and_files(
    manager, client_of, settings, smtp_inbox
):
    message = queued(
        manager, client_of, attachments=[LetterFile.of_bytes("план.pdf", b"%PDF-1.7 \x00\xff")]
    )
    smtp_port = settings.MAILERS["default"]["OPTIONS"]["port"]
    settings.MAILERS["default"]["OPTIONS"]["port"] = 9  # the server is down at first
    assert mail_deliver_now(message_id=message.pk) == "failed"
    settings.MAILERS["default"]["OPTIONS"]["port"] = smtp_port

    again = mail_resend(actor=manager, message=message)
    assert (again.status, again.error) == (MailStatus.QUEUED, "")
    assert mail_deliver_now(message_id=message.pk) == "sent"

    message.refresh_from_db()
    assert (message.status, message.attempts) == (MailStatus.SENT, 2)
    (arrived,) = smtp_inbox.messages
    assert arrived["Message-ID"] == message.message_id
    (part,) = [p for p in arrived.walk() if p.get_content_disposition() == "attachment"]
    assert (part.get_filename(), part.get_payload(decode=True)) == (
        "план.pdf",
        b"%PDF-1.7 \x00\xff",
    )


def test_only_a_failed_letter_is_sent_again(manager, client_of):
    message = queued(manager, client_of)
    with pytest.raises(ApplicationError) as refused:
        mail_resend(actor=manager, message=message)  # still queued
    assert (refused.value.code, refused.value.status) == ("mail.not_failed", 409)


def test_sending_again_is_refused_when_the_address_left_the_client(manager, client_of, no_smtp):
    message = queued(manager, client_of)
    mail_deliver_now(message_id=message.pk)
    ClientEmail.objects.filter(client=client_of).delete()
    with pytest.raises(ApplicationError) as refused:
        mail_resend(actor=manager, message=message)
    assert refused.value.code == "mail.recipient_not_of_client"
    message.refresh_from_db()
    assert message.status == MailStatus.FAILED


def test_sending_again_follows_who_may_write_to_the_client(manager, client_of, make_staff, no_smtp):
    message = queued(manager, client_of)
    mail_deliver_now(message_id=message.pk)
    with pytest.raises(NotFoundError):
        mail_resend(actor=make_staff(Role.SALES_MANAGER), message=message)  # not their client
    with pytest.raises(PermissionDeniedError):
        mail_resend(actor=make_staff(Role.MARKETING), message=message)  # reads, never writes
    # Not only its first sender: the head of the department may send it again.
    head = make_staff(Role.HEAD_OF_SALES)
    assert mail_resend(actor=head, message=message).status == MailStatus.QUEUED
