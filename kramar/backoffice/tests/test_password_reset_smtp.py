"""Password reset through a real SMTP server on loopback (aiosmtpd), not the in-memory outbox."""

import re
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from django.test import Client

pytestmark = pytest.mark.django_db


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_inbox(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }
    yield inbox
    controller.stop()


def test_the_reset_letter_travels_over_smtp_and_its_link_works(smtp_inbox, sales_manager):
    client = Client()
    assert client.post("/office/password-reset/", {"email": sales_manager.email}).status_code == 302
    assert len(smtp_inbox.messages) == 1
    letter = smtp_inbox.messages[0]
    assert letter["To"] == sales_manager.email
    body = letter.get_payload(decode=True).decode()
    link = re.search(r"https?://[^/]+(/office/password-reset/\S+/)", body).group(1)
    assert client.get(link, follow=True).context["validlink"] is True
