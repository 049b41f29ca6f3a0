"""Real mail servers on loopback for tests (M8): aiosmtpd for SMTP, Debian's dovecot for IMAP.

Import the fixtures into a conftest to use them elsewhere (the browser tests):
``from kramar.mail.tests.servers import dovecot, smtp_inbox``. Dovecot is required: a missing
one fails the tests (``make test-mail-deps`` installs it).
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

IMAP_PASSWORD = "imap-test-secret"
_users = count(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


@pytest.fixture
def smtp_inbox(settings):
    """A real SMTP server (aiosmtpd) on loopback that keeps what it receives."""
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


@dataclass
class Dovecot:
    host: str
    port: int
    root: Path

    def mailbox(self) -> dict:
        """Return the IMAP settings of a fresh, empty mailbox (a new user of this server)."""
        user = f"box{next(_users)}"
        return {
            "name": user,
            "host": self.host,
            "port": self.port,
            "ssl": False,
            "user": user,
            "password": IMAP_PASSWORD,
            "folder": "INBOX",
            "timeout": 10,
        }

    def deliver(self, config: dict, *letters: bytes) -> None:
        """Put letters into the mailbox as a mail server would (IMAP APPEND)."""
        imap = imaplib.IMAP4(self.host, self.port, timeout=10)
        try:
            imap.login(config["user"], config["password"])
            for raw in letters:
                status, data = imap.append("INBOX", None, None, raw)
                assert status == "OK", data
        finally:
            imap.logout()


DOVECOT_CONF = """\
base_dir = {root}/run
state_dir = {root}/state
instance_name = kramar-test-{port}
log_path = {root}/dovecot.log
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = {uid}
last_valid_uid = 0
# Any user name with the one password: each test takes a new user, that is a new mailbox.
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
mail_location = maildir:{root}/mail/%u/Maildir
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


def _accounts() -> dict:
    """Return who dovecot runs as: its own users under root, else the current user for all."""
    if os.geteuid() == 0:
        mail_user = pwd.getpwnam("dovecot")
        return {
            "uid": mail_user.pw_uid,
            "gid": mail_user.pw_gid,
            "internal_user": "dovecot",
            "internal_group": "dovecot",
            "login_user": "dovenull",
        }
    me = pwd.getpwuid(os.getuid())
    return {
        "uid": me.pw_uid,
        "gid": me.pw_gid,
        "internal_user": me.pw_name,
        "internal_group": me.pw_name,
        "login_user": me.pw_name,
    }


@pytest.fixture(scope="session")
def dovecot():
    """A private dovecot (Debian's dovecot-imapd, 2.3) on a free loopback port, for the session."""
    binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
    if not os.path.exists(binary):
        pytest.fail("the mail tests need Debian's dovecot-imapd: run `make test-mail-deps`")
    root = Path(tempfile.mkdtemp(prefix="kramar-dovecot-"))
    root.chmod(0o755)  # dovecot's own users read their mail under it
    port = free_port()
    accounts = _accounts()
    (root / "mail").mkdir()
    if os.geteuid() == 0:
        os.chown(root / "mail", accounts["uid"], accounts["gid"])
    conf = root / "dovecot.conf"
    conf.write_text(DOVECOT_CONF.format(root=root, port=port, password=IMAP_PASSWORD, **accounts))
    log = (root / "stderr.log").open("w")
    process = subprocess.Popen([binary, "-F", "-c", str(conf)], stdout=log, stderr=log)
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                errors = (root / "stderr.log").read_text()
                pytest.fail(f"dovecot did not start on 127.0.0.1:{port}: {errors}")
            time.sleep(0.1)
    yield Dovecot(host="127.0.0.1", port=port, root=root)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
    shutil.rmtree(root, ignore_errors=True)
