"""The mail quarantine in the office (M8, M3): administrators and heads of sales list the letters
the import could not file, with why; they find the client (the letters' addresses suggest one),
file the letter on the client and a deal of theirs, or discard it. Others are refused."""

import pytest

from kramar.accounts.enums import DepartmentKind, Role
from kramar.accounts.tests.factories import DepartmentFactory
from kramar.audit.models import AuditEntry
from kramar.clients.tests.factories import ClientFactory
from kramar.crm.models import Pipeline
from kramar.crm.services import deal_create
from kramar.mail.models import MailMessage
from kramar.mail.services import mail_import
from kramar.mail.tests.factories import letter

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(make_staff):
    return make_staff(Role.HEAD_OF_SALES)


@pytest.fixture
def own_client(sales_manager):
    return ClientFactory(manager=sales_manager, emails=["olena@client.test"])


@pytest.fixture
def bounce():
    return mail_import(
        raw=letter(
            sender="MAILER-DAEMON@mx.client.test",
            subject="Undelivered Mail Returned to Sender",
            body="Your message to <olena@client.test> could not be delivered: <b>mailbox full</b>",
        )
    ).message


def test_the_quarantine_lists_sender_subject_date_and_why_m8(client_for, head, bounce):
    office = client_for(head)
    page = office.get("/office/mail/quarantine/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'data-testid="quarantined-{bounce.pk}"' in html
    assert "mailer-daemon@mx.client.test" in html
    assert "Undelivered Mail Returned to Sender" in html
    assert "automatic message" in html  # the note says why it waits
    assert 'href="/office/mail/quarantine/"' in office.get("/office/").content.decode()  # menu


def test_a_head_files_a_bounce_on_the_client_it_names_and_a_deal(
    client_for, head, sales_manager, own_client, bounce
):
    deal = deal_create(
        actor=sales_manager,
        client=own_client,
        pipeline=Pipeline.objects.get(code="retail"),
        title="Шафа",
        manager=sales_manager,
    )
    office = client_for(head)
    page = office.get(f"/office/mail/quarantine/{bounce.pk}/").content.decode()
    assert "&lt;b&gt;mailbox full&lt;/b&gt;" in page  # the text shown escaped
    assert f'href="?client={own_client.pk}"' in page  # suggested from the address in the text
    chosen = office.get(f"/office/mail/quarantine/{bounce.pk}/?client={own_client.pk}")
    assert chosen.context["form"].fields["deal"].queryset.filter(pk=deal.pk).exists()
    filed = office.post(
        f"/office/mail/quarantine/{bounce.pk}/file/", {"client": own_client.pk, "deal": deal.pk}
    )
    assert filed.status_code == 302 and filed["Location"] == f"/office/mail/{bounce.pk}/"
    bounce.refresh_from_db()
    assert (bounce.status, bounce.client, bounce.deal) == ("received", own_client, deal)
    # Its manager now reads it with the client's other letters.
    assert client_for(sales_manager).get(f"/office/mail/{bounce.pk}/").status_code == 200
    assert office.get(f"/office/mail/quarantine/{bounce.pk}/").status_code == 404


def test_the_client_search_finds_only_clients_one_sees(
    client_for, make_staff, head, own_client, bounce
):
    elsewhere = DepartmentFactory(code="sales-lviv", kind=DepartmentKind.SALES)
    stranger = ClientFactory(
        manager=make_staff(Role.SALES_MANAGER, department=elsewhere),
        emails=["olena.other@client.test"],
    )
    office = client_for(head)
    found = office.get(f"/office/mail/quarantine/{bounce.pk}/?q=olena").context["found"]
    assert own_client in found and stranger not in found
    refused = office.post(f"/office/mail/quarantine/{bounce.pk}/file/", {"client": stranger.pk})
    assert refused.status_code == 200 and refused.context["form"].errors["client"]
    bounce.refresh_from_db()
    assert bounce.status == "quarantined"


def test_a_letter_is_discarded_from_the_list_and_the_trail_keeps_it(
    client_for, administrator, bounce
):
    office = client_for(administrator)
    gone = office.post(f"/office/mail/quarantine/{bounce.pk}/discard/")
    assert gone.status_code == 302 and gone["Location"] == "/office/mail/quarantine/"
    assert not MailMessage.objects.filter(pk=bounce.pk).exists()
    assert AuditEntry.objects.filter(
        model="mail.mailmessage", object_id=str(bounce.pk), action="delete", actor=administrator
    ).exists()


def test_an_unreadable_letters_bytes_download_as_they_came(client_for, administrator):
    garbage = mail_import(raw=b"\x00\x01 not a letter").message
    office = client_for(administrator)
    assert (
        f"/office/mail/quarantine/{garbage.pk}/raw/"
        in office.get(f"/office/mail/quarantine/{garbage.pk}/").content.decode()
    )
    raw = office.get(f"/office/mail/quarantine/{garbage.pk}/raw/")
    assert raw["Content-Type"] == "application/octet-stream"
    assert raw["Content-Disposition"].startswith("attachment")
    assert b"".join(raw.streaming_content) == b"\x00\x01 not a letter"


@pytest.mark.parametrize("role", [Role.SALES_MANAGER, Role.COMPANY_HEAD, Role.MARKETING])
def test_other_roles_are_refused_and_nothing_changes(client_for, make_staff, bounce, role):
    office = client_for(make_staff(role))
    assert office.get("/office/mail/quarantine/").status_code == 403
    assert office.get(f"/office/mail/quarantine/{bounce.pk}/").status_code == 403
    assert office.post(f"/office/mail/quarantine/{bounce.pk}/discard/").status_code == 403
    assert MailMessage.objects.filter(pk=bounce.pk, status="quarantined").exists()
    assert 'href="/office/mail/quarantine/"' not in office.get("/office/").content.decode()
