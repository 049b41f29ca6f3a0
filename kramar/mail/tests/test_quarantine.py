"""Sorting the quarantine by hand (M8, M3): a letter the import could not file is filed on a
client as the import would have filed it (received, on the timeline, the manager told), or
discarded with its files; each is an audit row, and only administrators and heads of sales,
onto clients they see, may do it."""

from pathlib import Path

import pytest

from kramar.accounts.enums import DepartmentKind, Role
from kramar.accounts.tests.factories import DepartmentFactory
from kramar.audit.models import AuditEntry
from kramar.clients.enums import TimelineKind
from kramar.clients.models import TimelineEntry
from kramar.clients.tests.factories import ClientFactory
from kramar.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from kramar.crm.models import Pipeline
from kramar.crm.services import deal_create
from kramar.mail.enums import MailStatus
from kramar.mail.models import MailAttachment, MailMessage
from kramar.mail.selectors import attachment_get, message_get, quarantine_suggestions
from kramar.mail.services import mail_import, mail_quarantine_discard, mail_quarantine_file
from kramar.mail.tests.factories import letter
from kramar.notifications.models import Notification

pytestmark = pytest.mark.django_db

BOUNCE = letter(
    sender="MAILER-DAEMON@mx.client.test",
    subject="Undelivered Mail Returned to Sender",
    body="This is the mail system. Your message to <olena@client.test> could not be delivered.",
    attachments=[("details.txt", "text/plain", b"550 mailbox full")],
)


@pytest.fixture
def manager(make_staff):
    return make_staff(Role.SALES_MANAGER)


@pytest.fixture
def head(make_staff):
    return make_staff(Role.HEAD_OF_SALES)


@pytest.fixture
def client_of(manager):
    return ClientFactory(manager=manager, emails=["olena@client.test"])


@pytest.fixture
def bounce():
    message = mail_import(raw=BOUNCE).message
    assert message.status == MailStatus.QUARANTINED
    return message


def open_deal(client, manager):
    return deal_create(
        actor=manager,
        client=client,
        pipeline=Pipeline.objects.get(code="retail"),
        title="Шафа",
        manager=manager,
    )


def test_a_quarantined_letter_filed_by_a_head_is_received_on_the_timeline_and_told_m8(
    head, manager, client_of, bounce
):
    deal = open_deal(client_of, manager)
    filed = mail_quarantine_file(actor=head, message=bounce, client=client_of, deal=deal)

    filed.refresh_from_db()
    assert (filed.status, filed.client, filed.deal) == (MailStatus.RECEIVED, client_of, deal)
    assert "Filed on the client from the quarantine" in filed.notes
    entry = TimelineEntry.objects.get(client=client_of, kind=TimelineKind.EMAIL_IN)
    assert entry.source_id == str(filed.pk) and entry.actor == head
    note = Notification.objects.get(recipient=manager, key=f"mail-in:{filed.pk}")
    assert note.url == f"/office/mail/{filed.pk}/"
    # Now it is the client's letter: its manager reads it and its file.
    assert message_get(viewer=manager, pk=filed.pk) == filed
    attachment_get(viewer=manager, pk=filed.attachments.get().pk)
    trail = AuditEntry.objects.get(model="mail.mailmessage", object_id=str(filed.pk))
    assert (trail.action, trail.actor) == ("update", head)
    assert trail.changes["client"] == [None, client_of.pk]


def test_an_unreadable_letter_filed_keeps_its_bytes_as_its_file(administrator, manager, client_of):
    garbage = mail_import(raw=b"\x00\x01 not a letter").message
    mail_quarantine_file(actor=administrator, message=garbage, client=client_of)
    garbage.refresh_from_db()
    assert not garbage.raw_file
    (kept,) = garbage.attachments.all()
    assert (kept.filename, kept.content_type) == ("letter.eml", "message/rfc822")
    assert attachment_get(viewer=manager, pk=kept.pk).file.read() == b"\x00\x01 not a letter"


def test_the_manager_who_files_a_letter_on_their_own_client_is_not_told(make_staff, bounce):
    head = make_staff(Role.HEAD_OF_SALES)
    own = ClientFactory(manager=head, emails=["own@client.test"])
    mail_quarantine_file(actor=head, message=bounce, client=own)
    assert not Notification.objects.filter(key=f"mail-in:{bounce.pk}").exists()


def test_filing_is_refused_to_a_sales_manager_and_nothing_changes(manager, client_of, bounce):
    with pytest.raises(PermissionDeniedError):
        mail_quarantine_file(actor=manager, message=bounce, client=client_of)
    bounce.refresh_from_db()
    assert bounce.status == MailStatus.QUARANTINED and bounce.client is None
    assert not TimelineEntry.objects.filter(kind=TimelineKind.EMAIL_IN).exists()


def test_a_head_files_only_on_a_client_they_see(make_staff, head, bounce):
    elsewhere = DepartmentFactory(code="sales-lviv", kind=DepartmentKind.SALES)
    stranger = ClientFactory(manager=make_staff(Role.SALES_MANAGER, department=elsewhere))
    with pytest.raises(NotFoundError):
        mail_quarantine_file(actor=head, message=bounce, client=stranger)
    bounce.refresh_from_db()
    assert bounce.status == MailStatus.QUARANTINED


def test_a_deal_of_another_client_is_refused(head, manager, client_of, bounce):
    other = open_deal(ClientFactory(manager=manager), manager)
    with pytest.raises(ApplicationError) as refused:
        mail_quarantine_file(actor=head, message=bounce, client=client_of, deal=other)
    assert refused.value.code == "mail.deal_of_other_client"


def test_a_letter_sorted_already_is_not_sorted_again(head, client_of, bounce):
    mail_quarantine_file(actor=head, message=bounce, client=client_of)
    with pytest.raises(ApplicationError) as refused:
        mail_quarantine_discard(actor=head, message=bounce)
    assert (refused.value.code, refused.value.status) == ("mail.not_quarantined", 409)
    assert MailMessage.objects.filter(pk=bounce.pk, status=MailStatus.RECEIVED).exists()


def test_a_discarded_letter_goes_with_its_files_and_the_trail_keeps_who_m3(
    administrator, bounce, django_capture_on_commit_callbacks
):
    garbage = mail_import(raw=b"\x00\x01 not a letter").message
    files = [Path(bounce.attachments.get().file.path), Path(garbage.raw_file.path)]
    with django_capture_on_commit_callbacks(execute=True):
        mail_quarantine_discard(actor=administrator, message=bounce)
        mail_quarantine_discard(actor=administrator, message=garbage)
    assert not MailMessage.objects.exists() and not MailAttachment.objects.exists()
    assert not any(path.exists() for path in files)
    trail = AuditEntry.objects.get(model="mail.mailmessage", object_id=str(bounce.pk))
    assert (trail.action, trail.actor) == ("delete", administrator)
    assert trail.changes["from_address"] == ["mailer-daemon@mx.client.test", None]


def test_discarding_is_refused_to_a_sales_manager(manager, bounce):
    with pytest.raises(PermissionDeniedError):
        mail_quarantine_discard(actor=manager, message=bounce)
    assert MailMessage.objects.filter(pk=bounce.pk).exists()
    assert Path(bounce.attachments.get().file.path).exists()


def test_a_bounce_suggests_the_client_it_names(head, client_of, bounce):
    assert list(quarantine_suggestions(viewer=head, message=bounce)) == [client_of]
