"""The worker fetches the shared mailbox over IMAP (a real dovecot on loopback, M8): each letter
is imported once, a broken one is kept aside without stopping the rest, and a client's reply
to our letter lands on the same timeline as the letter (M11)."""

import email
from email import policy
from email.utils import parseaddr

import pytest

from kramar.accounts.enums import Role
from kramar.clients.enums import TimelineKind
from kramar.clients.models import TimelineEntry
from kramar.clients.selectors import client_timeline
from kramar.clients.tests.factories import ClientFactory
from kramar.mail.enums import MailStatus
from kramar.mail.models import MailboxCursor, MailMessage
from kramar.mail.services import MailboxError, mail_deliver_now, mail_send, mailbox_fetch
from kramar.mail.tests.factories import letter

pytestmark = pytest.mark.django_db

BROKEN = (
    b"From: Broken <broken@client.test>\r\nSubject: =?koi9-unknown?Q?=FF?=\r\n"
    b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
    b"Content-Type: text/plain; charset=koi9-unknown\r\n\r\n\xff\xfe broken\r\n"
)


def test_the_fetch_imports_each_new_letter_once_and_survives_a_broken_one(dovecot, make_staff):
    make_staff(Role.SALES_MANAGER)
    box = dovecot.mailbox()
    dovecot.deliver(
        box,
        letter(sender="a@client.test", message_id="<a@client.test>"),
        BROKEN,
        letter(sender="b@client.test", message_id="<b@client.test>"),
    )
    result = mailbox_fetch(config=box)
    assert (result.seen, result.imported, result.duplicates) == (3, 3, 0)
    assert set(MailMessage.objects.values_list("from_address", flat=True)) == {
        "a@client.test",
        "broken@client.test",
        "b@client.test",
    }
    broken = MailMessage.objects.get(from_address="broken@client.test")
    assert "koi9-unknown" in broken.notes

    cursor = MailboxCursor.objects.get(mailbox=box["name"])
    assert cursor.last_uid == 3 and cursor.uidvalidity > 0
    assert mailbox_fetch(config=box).seen == 0  # nothing new: the cursor remembers

    dovecot.deliver(box, letter(sender="c@client.test"))
    assert mailbox_fetch(config=box).imported == 1


def test_a_new_uidvalidity_reads_again_without_doubles(dovecot, make_staff):
    make_staff(Role.SALES_MANAGER)
    box = dovecot.mailbox()
    dovecot.deliver(box, letter(sender="a@client.test"))
    mailbox_fetch(config=box)
    MailboxCursor.objects.filter(mailbox=box["name"]).update(uidvalidity=1)  # as if rebuilt
    result = mailbox_fetch(config=box)
    assert (result.seen, result.duplicates) == (1, 1)
    assert MailMessage.objects.count() == 1


def test_a_reply_fetched_over_imap_appears_on_the_same_timeline_m11(
    dovecot, make_staff, smtp_inbox
):
    manager = make_staff(Role.SALES_MANAGER)
    client = ClientFactory(manager=manager, emails=["olena@client.test"])
    ours = mail_send(
        actor=manager, client=client, to="olena@client.test", subject="Пропозиція", body="Ціна: 100"
    )
    mail_deliver_now(message_id=ours.pk)
    sent = next(m for m in smtp_inbox.messages if m["To"] == "olena@client.test")
    # Her mail program answers the letter as it arrived.
    reply = email.message.EmailMessage(policy=policy.default)
    reply["From"] = "Olena <olena@client.test>"
    reply["To"] = parseaddr(sent["From"])[1]
    reply["Subject"] = "Re: Пропозиція"
    reply["Message-ID"] = "<reply-1@client.test>"
    reply["In-Reply-To"] = sent["Message-ID"].strip()
    reply["References"] = sent["Message-ID"].strip()
    reply.set_content("Згодна, беру.")
    box = dovecot.mailbox()
    dovecot.deliver(box, reply.as_bytes())

    assert mailbox_fetch(config=box).imported == 1
    answer = MailMessage.objects.get(message_id="<reply-1@client.test>")
    assert answer.client == client and answer.status == MailStatus.RECEIVED
    assert answer.thread_key == ours.thread_key
    kinds = [entry.kind for entry in client_timeline(viewer=manager, client=client)[:2]]
    assert kinds == [TimelineKind.EMAIL_IN, TimelineKind.EMAIL_OUT]


def test_a_wrong_password_is_an_error_recorded_on_the_cursor(dovecot):
    box = {**dovecot.mailbox(), "password": "wrong"}
    with pytest.raises(MailboxError):
        mailbox_fetch(config=box)
    assert MailboxCursor.objects.get(mailbox=box["name"]).last_error


def test_without_a_mailbox_the_fetch_does_nothing(settings):
    assert settings.MAIL_IMAP["host"] == ""
    assert not mailbox_fetch().enabled
    assert not TimelineEntry.objects.filter(kind=TimelineKind.EMAIL_IN).exists()


def test_an_oversize_letter_keeps_its_header_only(dovecot, make_staff, settings):
    make_staff(Role.SALES_MANAGER)
    settings.MAIL_MAX_MESSAGE_BYTES = 2000
    box = dovecot.mailbox()
    dovecot.deliver(box, letter(sender="big@client.test", body="x" * 5000))
    assert mailbox_fetch(config=box).imported == 1
    message = MailMessage.objects.get(from_address="big@client.test")
    assert "only its header" in message.notes
    assert "xxxx" not in message.body_text
