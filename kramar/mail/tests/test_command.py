"""`manage.py kramar_mail_import` reads .eml and mbox files through the same import (M8)."""

import mailbox

import pytest
from django.core.management import CommandError, call_command

from kramar.accounts.enums import Role
from kramar.mail.models import MailMessage
from kramar.mail.tests.factories import letter

pytestmark = pytest.mark.django_db


def test_an_eml_file_is_imported_once(tmp_path, make_staff, capsys):
    make_staff(Role.SALES_MANAGER)
    path = tmp_path / "one.eml"
    path.write_bytes(letter(sender="a@client.test"))
    call_command("kramar_mail_import", str(path))
    call_command("kramar_mail_import", str(path))
    assert MailMessage.objects.count() == 1
    assert "1 already there" in capsys.readouterr().out


def test_an_mbox_is_imported_letter_by_letter_with_the_broken_one_kept_aside(tmp_path, make_staff):
    make_staff(Role.SALES_MANAGER)
    path = tmp_path / "export.mbox"
    box = mailbox.mbox(path)
    box.add(letter(sender="a@client.test"))
    box.add(b"From: nobody\n\n\x00 garbage")
    box.add(letter(sender="b@client.test"))
    box.close()
    call_command("kramar_mail_import", str(path))
    assert MailMessage.objects.count() == 3
    assert MailMessage.objects.filter(status="quarantined").count() == 1


def test_a_missing_file_stops_with_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("kramar_mail_import", str(tmp_path / "missing.eml"))
    assert not MailMessage.objects.exists()
