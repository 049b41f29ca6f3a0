"""Every letter with a client is recorded on its one history (M8, M11, M14): staff letters go out
over a real SMTP server with our Message-ID and threading headers; letters that come in find
their client by reply or address, or become a new lead with a manager and a first step."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kramar.accounts.enums import DepartmentKind, Role
from kramar.accounts.tests.factories import DepartmentFactory
from kramar.clients.enums import ClientSource, TimelineKind
from kramar.clients.models import Client, TimelineEntry
from kramar.clients.tests.factories import ClientFactory
from kramar.core.errors import ApplicationError
from kramar.crm.enums import ActivityKind, LeadChannel
from kramar.crm.models import Deal, Pipeline
from kramar.crm.services import deal_create, lead_rule_create
from kramar.mail.enums import MailDirection, MailStatus
from kramar.mail.models import MailAttachment, MailMessage
from kramar.mail.services import (
    mail_deliver_now,
    mail_import,
    mail_send,
    mail_template_render,
    mail_template_save,
)
from kramar.mail.tests.factories import letter, template
from kramar.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_staff):
    return make_staff(Role.SALES_MANAGER)


@pytest.fixture
def client_of(manager):
    return ClientFactory(manager=manager, emails=["Olena@Client.test"])


def open_deal(client, manager, title="Шафа-купе"):
    return deal_create(
        actor=manager,
        client=client,
        pipeline=Pipeline.objects.get(code="retail"),
        title=title,
        manager=manager,
    )


# --- Outbound -------------------------------------------------------------------------------------


def test_a_letter_is_queued_on_the_timeline_and_sent_after_the_commit_m8(
    manager, client_of, smtp_inbox, django_capture_on_commit_callbacks
):
    deal = open_deal(client_of, manager)
    with django_capture_on_commit_callbacks() as after_commit:
        message = mail_send(
            actor=manager,
            client=client_of,
            to="olena@client.test",
            subject="Ваше замовлення",
            body="Доставимо завтра.",
            deal=deal,
        )
    assert message.status == MailStatus.QUEUED
    assert message.message_id.endswith("@kramar.test>")
    assert smtp_inbox.messages == []  # nothing leaves before the commit
    assert len(after_commit) == 1  # the delivery task is enqueued then
    entry = TimelineEntry.objects.get(client=client_of, kind=TimelineKind.EMAIL_OUT)
    assert entry.source_id == str(message.pk) and entry.actor == manager

    assert mail_deliver_now(message_id=message.pk) == "sent"
    (arrived,) = smtp_inbox.messages
    assert arrived["Message-ID"] == message.message_id
    assert arrived["To"] == "olena@client.test"
    assert "crm@kramar.test" in arrived["From"]
    message.refresh_from_db()
    assert message.status == MailStatus.SENT and message.sent_at is not None
    assert mail_deliver_now(message_id=message.pk) == "nothing to send"  # never twice
    assert len(smtp_inbox.messages) == 1


def test_a_reply_carries_in_reply_to_and_references_and_stays_on_the_thread(
    manager, client_of, smtp_inbox
):
    deal = open_deal(client_of, manager)
    first = mail_import(
        raw=letter(
            sender="olena@client.test",
            message_id="<q1@client.test>",
            references="<start@kramar.test>",
        )
    ).message
    MailMessage.objects.filter(pk=first.pk).update(deal=deal)
    first.refresh_from_db()
    reply = mail_send(
        actor=manager, client=client_of, to="olena@client.test", subject="Re: x", body="Так.",
        reply_to=first,
    )  # fmt: skip
    assert reply.deal == deal  # the reply stays on the letter's deal
    assert reply.in_reply_to == "<q1@client.test>"
    assert reply.references == "<start@kramar.test> <q1@client.test>"
    assert reply.thread_key == first.thread_key == "<start@kramar.test>"
    mail_deliver_now(message_id=reply.pk)
    (arrived,) = [m for m in smtp_inbox.messages if m["To"] == "olena@client.test"]
    assert arrived["In-Reply-To"] == "<q1@client.test>"
    assert arrived["References"] == "<start@kramar.test> <q1@client.test>"


def test_an_smtp_failure_is_recorded_and_told_to_the_sender(manager, client_of, settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},  # nothing listens
        }
    }
    message = mail_send(
        actor=manager, client=client_of, to="olena@client.test", subject="S", body="B"
    )
    assert mail_deliver_now(message_id=message.pk) == "failed"
    message.refresh_from_db()
    assert message.status == MailStatus.FAILED and message.error
    assert Notification.objects.filter(
        recipient=manager, key=f"mail-failed:{message.pk}:1"
    ).exists()


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"to": "stranger@else.test"}, "mail.recipient_not_of_client"),
        ({"subject": "  "}, "mail.subject_required"),
        ({"body": ""}, "mail.body_required"),
        ({"subject": "x" * 301}, "mail.too_long"),
    ],
)
def test_a_bad_letter_is_refused_and_nothing_is_written(manager, client_of, changes, code):
    fields = {"to": "olena@client.test", "subject": "S", "body": "B", **changes}
    with pytest.raises(ApplicationError) as refused:
        mail_send(actor=manager, client=client_of, **fields)
    assert refused.value.code == code
    assert not MailMessage.objects.exists()
    assert not TimelineEntry.objects.filter(kind=TimelineKind.EMAIL_OUT).exists()


def test_a_deal_of_another_client_is_refused(manager, client_of):
    other = open_deal(ClientFactory(manager=manager), manager)
    with pytest.raises(ApplicationError) as refused:
        mail_send(
            actor=manager, client=client_of, to="olena@client.test", subject="S", body="B",
            deal=other,
        )  # fmt: skip
    assert refused.value.code == "mail.deal_of_other_client"


def test_templates_fill_known_placeholders_only(manager, client_of):
    deal = open_deal(client_of, manager, title="Кухня")
    letter_ = mail_template_render(
        template=template(body="{first_name}: {deal_title} {unknown} {sender_name}"),
        client=client_of,
        sender=manager,
        deal=deal,
    )
    assert letter_.subject == f"Пропозиція для {client_of.name}"
    assert letter_.body == f"{client_of.first_name}: Кухня {{unknown}} {manager.get_full_name()}"
    with pytest.raises(ApplicationError) as refused:
        mail_template_save(name="x", subject="{client_name.__class__}", body="{secret_key}")
    assert refused.value.code == "mail.unknown_placeholder"


# --- Inbound --------------------------------------------------------------------------------------


def test_a_reply_to_our_letter_goes_to_its_client_and_deal_and_tells_the_manager(
    manager, client_of
):
    deal = open_deal(client_of, manager)
    ours = mail_send(
        actor=manager, client=client_of, to="olena@client.test", subject="Пропозиція", body="B",
        deal=deal,
    )  # fmt: skip
    # Written from another address of hers: the thread, not the address, finds the client.
    outcome = mail_import(
        raw=letter(sender="o.koval@elsewhere.test", in_reply_to=ours.message_id, subject="Re")
    )
    message = outcome.message
    assert outcome.created and message.status == MailStatus.RECEIVED
    assert (message.client, message.deal) == (client_of, deal)
    assert message.thread_key == ours.thread_key
    assert TimelineEntry.objects.filter(
        client=client_of, kind=TimelineKind.EMAIL_IN, source_id=str(message.pk)
    ).exists()
    note = Notification.objects.get(recipient=manager, key=f"mail-in:{message.pk}")
    assert note.url == f"/office/mail/{message.pk}/"


def test_the_sender_address_finds_the_client_whatever_its_case(manager, client_of):
    deal = open_deal(client_of, manager)
    message = mail_import(raw=letter(sender="Olena <OLENA@client.TEST>")).message
    assert message.client == client_of
    assert message.deal == deal  # her only open deal
    open_deal(client_of, manager, title="Друга угода")
    again = mail_import(raw=letter(sender="olena@client.test")).message
    assert again.client == client_of and again.deal is None  # with two open deals, no guess


def test_a_letter_is_imported_once(client_of):
    raw = letter(sender="olena@client.test", message_id="<once@client.test>")
    first = mail_import(raw=raw)
    second = mail_import(raw=raw)
    assert first.created and not second.created
    assert second.message == first.message
    assert MailMessage.objects.count() == 1
    assert TimelineEntry.objects.filter(kind=TimelineKind.EMAIL_IN).count() == 1


def test_an_unknown_sender_becomes_a_lead_with_a_manager_and_a_first_step(manager):
    outcome = mail_import(
        raw=letter(sender="Петро Шевчук <petro@new.test>", subject="Потрібні 20 стільців")
    )
    message = outcome.message
    client = message.client
    assert client.source == ClientSource.EMAIL
    assert client.name == "Петро Шевчук"
    assert list(client.emails.values_list("email", flat=True)) == ["petro@new.test"]
    assert client.manager == manager
    deal = message.deal
    assert deal.client == client and deal.manager == manager
    assert deal.pipeline.code == "retail" and deal.stage.order == min(
        deal.pipeline.stages.values_list("order", flat=True)
    )
    (activity,) = deal.activities.all()
    assert activity.kind == ActivityKind.EMAIL and activity.owner == manager
    assert activity.due_at > timezone.now() + timedelta(hours=3)
    assert Notification.objects.filter(recipient=manager, key=f"mail-in:{message.pk}").exists()


def test_leads_go_round_the_sales_managers_in_turn(make_staff):
    first, second = make_staff(Role.SALES_MANAGER), make_staff(Role.SALES_MANAGER)
    make_staff(Role.MARKETING)  # not a sales manager: never given leads
    owners = [
        mail_import(raw=letter(sender=f"lead{n}@new.test")).message.client.manager for n in range(3)
    ]
    assert owners == [first, second, first]  # equal load: in turn


def test_e_mail_leads_follow_the_crm_lead_rules_for_the_e_mail_channel_m8(make_staff):
    make_staff(Role.SALES_MANAGER)
    retail = DepartmentFactory(code="retail", kind=DepartmentKind.SALES)
    desk = make_staff(Role.SALES_MANAGER, department=retail)
    named = make_staff(Role.HEAD_OF_SALES)
    lead_rule_create(actor=None, channel=LeadChannel.QUOTE, manager=named)  # not for letters
    lead_rule_create(actor=None, channel=LeadChannel.EMAIL, department=retail)
    message = mail_import(raw=letter(sender="stranger@new.test")).message
    assert message.client.manager == desk and message.deal.manager == desk
    assert message.client.department == retail


@pytest.mark.parametrize(
    "raw",
    [
        letter(sender="robot@new.test", headers={"Auto-Submitted": "auto-replied"}),
        letter(sender="crm@kramar.test"),
        letter(sender="undisclosed-recipients:;"),
    ],
    ids=["auto-reply", "our-own-address", "no-sender"],
)
def test_letters_that_are_no_lead_are_quarantined_not_lost(manager, raw):
    message = mail_import(raw=raw).message
    assert message.status == MailStatus.QUARANTINED and message.client is None
    assert message.notes
    assert not Client.objects.filter(source=ClientSource.EMAIL).exists()
    assert not Deal.objects.exists()


def test_attachments_are_stored_privately_and_oversize_ones_dropped(client_of, settings):
    settings.MAIL_MAX_ATTACHMENT_BYTES = 100
    message = mail_import(
        raw=letter(
            sender="olena@client.test",
            attachments=[
                ("../../etc/passwd", "text/plain", b"root:x:0:0"),
                ("big.pdf", "application/pdf", b"x" * 101),
            ],
        )
    ).message
    (kept,) = MailAttachment.objects.filter(message=message)
    assert kept.filename == "passwd"  # no path from the sender reaches the disk
    assert kept.file.read() == b"root:x:0:0"
    assert kept.file.path.startswith(settings.MAIL_FILES_ROOT)
    assert "big.pdf" in message.notes


def test_garbage_is_quarantined_with_its_raw_bytes(settings):
    outcome = mail_import(raw=b"\x00\x01 not a letter")
    message = outcome.message
    assert message.status == MailStatus.QUARANTINED and message.direction == MailDirection.IN
    assert message.raw_file.read() == b"\x00\x01 not a letter"
    assert not mail_import(raw=b"\x00\x01 not a letter").created  # once
