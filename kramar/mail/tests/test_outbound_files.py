"""Files staff send with a letter to a client (M8): kept in the private mail storage like the
files that come in, sent by the worker through a real SMTP server (aiosmtpd) byte for byte, and
refused whole, with nothing written, when over the limits."""

from pathlib import Path

import pytest

from kramar.accounts.enums import Role
from kramar.clients.enums import TimelineKind
from kramar.clients.models import TimelineEntry
from kramar.clients.tests.factories import ClientFactory
from kramar.core.errors import ApplicationError
from kramar.mail.models import MailAttachment, MailMessage
from kramar.mail.services import LetterFile, mail_deliver_now, mail_send

pytestmark = pytest.mark.django_db

EVERY_BYTE = bytes(range(256)) * 40  # every byte value, NUL and CR/LF included
TEXT_WITH_BARE_LF = "рядок один\nрядок два\r\nкінець без переведення".encode()


@pytest.fixture
def manager(make_staff):
    return make_staff(Role.SALES_MANAGER)


@pytest.fixture
def client_of(manager):
    return ClientFactory(manager=manager, emails=["olena@client.test"])


def write(manager, client, files):
    return mail_send(
        actor=manager,
        client=client,
        to="olena@client.test",
        subject="Рахунок і креслення",
        body="У вкладенні.",
        attachments=files,
    )


def stored_files(settings) -> list[Path]:
    root = Path(settings.MAIL_FILES_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def test_a_letters_files_reach_the_client_byte_for_byte_over_smtp_m8(
    manager, client_of, smtp_inbox, settings
):
    message = write(
        manager,
        client_of,
        [
            LetterFile.of_bytes("креслення шафи.bin", EVERY_BYTE, "application/octet-stream"),
            LetterFile.of_bytes("нотатки.txt", TEXT_WITH_BARE_LF, "text/plain"),
        ],
    )
    rows = list(message.attachments.order_by("id"))
    assert [(row.filename, row.size) for row in rows] == [
        ("креслення шафи.bin", len(EVERY_BYTE)),
        ("нотатки.txt", len(TEXT_WITH_BARE_LF)),
    ]
    # In the private storage under names of ours, never the sender's.
    for number, row in enumerate(rows):
        assert Path(row.file.path).is_relative_to(Path(settings.MAIL_FILES_ROOT).resolve())
        assert row.file.name.endswith(f"/{message.pk}-{number}.bin")

    assert mail_deliver_now(message_id=message.pk) == "sent"
    (arrived,) = smtp_inbox.messages
    files = {
        part.get_filename(): part.get_payload(decode=True)
        for part in arrived.walk()
        if part.get_content_disposition() == "attachment"
    }
    assert files == {"креслення шафи.bin": EVERY_BYTE, "нотатки.txt": TEXT_WITH_BARE_LF}
    assert arrived["Message-ID"] == message.message_id
    body = next(part for part in arrived.walk() if part.get_content_type() == "text/plain")
    assert "У вкладенні." in body.get_payload(decode=True).decode()


def test_file_names_are_cleaned_like_those_that_come_in(manager, client_of):
    message = write(
        manager,
        client_of,
        [
            LetterFile.of_bytes("../../etc/passwd", b"root", "text/plain; charset=utf-8"),
            LetterFile.of_bytes("C:\\Users\\me\\зві\x07т.pdf", b"%PDF", ""),
            LetterFile.of_bytes(" .. ", b"x", "not a type"),
            LetterFile.of_bytes("part.eml", b"x", "multipart/mixed"),
        ],
    )
    rows = list(message.attachments.order_by("id"))
    assert [(row.filename, row.content_type) for row in rows] == [
        ("passwd", "text/plain"),
        ("звіт.pdf", "application/pdf"),  # the type guessed from the name
        ("attachment-3", "application/octet-stream"),
        ("part.eml", "application/octet-stream"),  # never a MIME structure from a caller
    ]


@pytest.mark.parametrize(
    ("files", "code"),
    [
        ([LetterFile.of_bytes(f"{n}.txt", b"x") for n in range(4)], "mail.too_many_attachments"),
        ([LetterFile.of_bytes("big.bin", b"x" * 101)], "mail.attachment_too_large"),
        (
            [LetterFile.of_bytes(f"{n}.bin", b"x" * 90) for n in range(3)],
            "mail.attachments_too_large",
        ),
        ([LetterFile.of_bytes("empty.txt", b"")], "mail.attachment_empty"),
    ],
    ids=["too-many", "one-too-large", "together-too-large", "empty"],
)
def test_files_over_the_limits_refuse_the_letter_and_write_nothing_m8(
    manager, client_of, settings, files, code
):
    settings.MAIL_MAX_ATTACHMENTS = 3
    settings.MAIL_MAX_ATTACHMENT_BYTES = 100
    settings.MAIL_MAX_LETTER_ATTACHMENTS_BYTES = 250
    with pytest.raises(ApplicationError) as refused:
        write(manager, client_of, files)
    assert refused.value.code == code
    assert refused.value.extra["field"] == "attachments"
    assert not MailMessage.objects.exists()
    assert not MailAttachment.objects.exists()
    assert not TimelineEntry.objects.filter(kind=TimelineKind.EMAIL_OUT).exists()
    assert stored_files(settings) == []


def test_a_letter_refused_after_its_files_were_checked_leaves_no_file(manager, client_of, settings):
    with pytest.raises(ApplicationError):
        mail_send(
            actor=manager,
            client=client_of,
            to="stranger@else.test",
            subject="S",
            body="B",
            attachments=[LetterFile.of_bytes("a.txt", b"a")],
        )
    assert stored_files(settings) == []
