"""Fixtures of the mail tests: English messages and a private file storage; the real mail
servers (aiosmtpd, dovecot) come from ``servers.py``."""

import pytest

from kramar.mail.tests.servers import dovecot, smtp_inbox  # noqa: F401  (fixtures)


@pytest.fixture(autouse=True)
def _english_and_private_files(settings, tmp_path):
    """Read messages in the words of the code, and keep the letters' files in a temp dir."""
    settings.LANGUAGE_CODE = "en"
    settings.MAIL_FILES_ROOT = str(tmp_path / "mail-files")
    settings.MAIL_FROM = "Kramar <crm@kramar.test>"
    settings.MAIL_MESSAGE_ID_DOMAIN = "kramar.test"
