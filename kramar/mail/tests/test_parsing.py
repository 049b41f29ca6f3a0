"""Bad input (issue 6): broken MIME, unknown charsets, huge attachments and garbage are read
as far as they can be, never raise past the parser, and lose nothing else (M8)."""

import pytest

from kramar.mail.parsing import UnreadableMessage, html_to_text, parse_message
from kramar.mail.tests.factories import letter

LIMIT = 1000


def test_a_well_formed_letter_gives_its_headers_text_and_attachments():
    raw = letter(
        message_id="<a1@client.test>",
        in_reply_to="<ours@kramar.test>",
        references="<root@kramar.test> <ours@kramar.test>",
        attachments=[("рахунок.pdf", "application/pdf", b"%PDF-1.4 tiny")],
    )
    parsed = parse_message(raw, max_attachment_bytes=LIMIT)
    assert parsed.message_id == "<a1@client.test>"
    assert parsed.in_reply_to == "<ours@kramar.test>"
    assert parsed.references == ["<root@kramar.test>", "<ours@kramar.test>"]
    assert (parsed.from_name, parsed.from_address) == ("Олена Коваль", "olena@client.test")
    assert parsed.subject == "Питання щодо замовлення"
    assert "Коли буде доставка?" in parsed.body_text
    assert [(a.filename, a.size) for a in parsed.attachments] == [("рахунок.pdf", 13)]
    assert parsed.notes == []


def test_an_unknown_charset_is_read_with_replacement_and_noted():
    raw = (
        b"From: x@client.test\r\nSubject: =?x-unknown-8?Q?hi?=\r\nMessage-ID: <cs@client.test>\r\n"
        b"Content-Type: text/plain; charset=x-unknown-8\r\n\r\nhello \xff\xfe world\r\n"
    )
    parsed = parse_message(raw, max_attachment_bytes=LIMIT)
    assert "hello" in parsed.body_text and "world" in parsed.body_text
    assert any("x-unknown-8" in note for note in parsed.notes)


def test_an_oversize_attachment_is_dropped_with_a_note_and_the_rest_kept():
    raw = letter(
        attachments=[
            ("big.bin", "application/octet-stream", b"x" * (LIMIT + 1)),
            ("small.txt", "application/octet-stream", b"ok"),
        ]
    )
    parsed = parse_message(raw, max_attachment_bytes=LIMIT)
    big, small = parsed.attachments
    assert big.data is None and big.size == LIMIT + 1
    assert small.data == b"ok"
    assert any("big.bin" in note for note in parsed.notes)
    assert "доставка" in parsed.body_text


def test_broken_mime_is_read_as_far_as_it_goes():
    raw = (
        b"From: Broken <broken@client.test>\r\nSubject: broken\r\n"
        b'Content-Type: multipart/mixed; boundary="never-closed"\r\n\r\n'
        b"--never-closed\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"not base64 at all !!!\r\n"
    )
    parsed = parse_message(raw, max_attachment_bytes=LIMIT)
    assert parsed.from_address == "broken@client.test"
    assert parsed.message_id.endswith("@no-message-id.invalid>")  # none given: a stable one
    assert parse_message(raw, max_attachment_bytes=LIMIT).message_id == parsed.message_id
    assert parsed.notes  # the broken structure is noted


def test_bad_headers_do_not_stop_the_letter():
    raw = (
        b'From: "unterminated <@@>\r\nTo: ,,,@,\r\nDate: yesterday-ish\r\n'
        b"Subject: =?utf-8?B?!!!not-base64?=\r\nMessage-ID: no angle brackets\r\n\r\ntext\r\n"
    )
    parsed = parse_message(raw, max_attachment_bytes=LIMIT)
    assert parsed.date is None
    assert parsed.body_text == "text"


def test_an_html_only_letter_is_kept_as_text_without_scripts():
    raw = (
        b"From: h@client.test\r\nMessage-ID: <h@client.test>\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n\r\n"
        b"<html><head><style>p{}</style><script>alert(1)</script></head>"
        b"<body><p>Hello</p><p>World &amp; more</p></body></html>\r\n"
    )
    parsed = parse_message(raw, max_attachment_bytes=LIMIT)
    assert parsed.body_text == "Hello\n\nWorld & more"
    assert "alert" not in parsed.body_text


def test_an_automatic_reply_is_marked():
    raw = letter(headers={"Auto-Submitted": "auto-replied"})
    assert parse_message(raw, max_attachment_bytes=LIMIT).automatic
    bounce = letter(sender="MAILER-DAEMON@mx.client.test")
    assert parse_message(bounce, max_attachment_bytes=LIMIT).automatic


@pytest.mark.parametrize("raw", [b"", b"   \r\n", b"\x00\x01\x02 binary garbage"])
def test_bytes_that_are_no_letter_are_refused_as_unreadable(raw):
    with pytest.raises(UnreadableMessage):
        parse_message(raw, max_attachment_bytes=LIMIT)


def test_html_to_text_survives_broken_markup():
    assert "a" in html_to_text("<p>a<div><<<")
