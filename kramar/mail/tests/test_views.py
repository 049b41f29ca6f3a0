"""The office's mail pages (M8, M11): the client and deal cards list the letters, the timeline
links to them, a letter's page shows its text and attachments to those who may see the client,
staff write from the cards with a template and files, and send a failed letter again."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kramar.accounts.enums import Role
from kramar.clients.tests.factories import ClientFactory
from kramar.crm.models import Pipeline
from kramar.crm.services import deal_create
from kramar.mail.models import MailAttachment, MailMessage
from kramar.mail.services import mail_import
from kramar.mail.tests.factories import letter, template

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_client(sales_manager):
    return ClientFactory(manager=sales_manager, emails=["olena@client.test"])


@pytest.fixture
def received(own_client):
    return mail_import(
        raw=letter(
            sender="olena@client.test",
            subject="Коли доставка?",
            body="<script>alert(1)</script> Чекаю.",
            attachments=[("рахунок.html", "text/html", b"<script>alert(1)</script>")],
        )
    ).message


def test_the_client_card_lists_the_letters_and_the_timeline_links_them(
    client_for, sales_manager, own_client, received
):
    page = client_for(sales_manager).get(f"/office/clients/{own_client.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Коли доставка?" in html
    assert html.count(f'href="/office/mail/{received.pk}/"') == 2  # the list and the timeline
    assert f"/office/clients/{own_client.pk}/mail/new/" in html


def test_a_letters_page_shows_text_escaped_and_attachments_as_downloads(
    client_for, sales_manager, received
):
    api = client_for(sales_manager)
    page = api.get(f"/office/mail/{received.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    attachment = MailAttachment.objects.get(message=received)
    download = api.get(f"/office/mail/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == b"<script>alert(1)</script>"


def test_letters_of_a_client_one_may_not_see_are_not_found(client_for, make_staff, received):
    stranger = client_for(make_staff(Role.SALES_MANAGER))
    attachment = MailAttachment.objects.get(message=received)
    assert stranger.get(f"/office/mail/{received.pk}/").status_code == 404
    assert stranger.get(f"/office/mail/attachments/{attachment.pk}/").status_code == 404


def test_a_role_without_mail_rights_is_refused(client_for, make_staff, received, own_client):
    shop = client_for(make_staff(Role.SHOP_MANAGER))
    assert shop.get(f"/office/mail/{received.pk}/").status_code == 403
    marketing = client_for(make_staff(Role.MARKETING))
    assert marketing.get(f"/office/mail/{received.pk}/").status_code == 200  # reads
    assert marketing.get(f"/office/clients/{own_client.pk}/mail/new/").status_code == 403


def test_writing_from_the_deal_card_with_a_template(client_for, sales_manager, own_client):
    deal = deal_create(
        actor=sales_manager,
        client=own_client,
        pipeline=Pipeline.objects.get(code="retail"),
        title="Кухня",
        manager=sales_manager,
    )
    chosen = template()
    api = client_for(sales_manager)
    card = api.get(f"/office/deals/{deal.pk}/").content.decode()
    assert f"/office/clients/{own_client.pk}/mail/new/?deal={deal.pk}" in card
    form = api.get(f"/office/clients/{own_client.pk}/mail/new/?deal={deal.pk}&template={chosen.pk}")
    assert form.status_code == 200
    assert form.context["form"].initial["subject"] == f"Пропозиція для {own_client.name}"
    assert "Кухня" in form.context["form"].initial["body"]
    sent = api.post(
        f"/office/clients/{own_client.pk}/mail/new/",
        {
            "to": "olena@client.test",
            "subject": "Лист 7",
            "body": "Ось пропозиція.",
            "deal": deal.pk,
        },
    )
    message = MailMessage.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/office/mail/{message.pk}/"
    assert message.deal == deal and message.sent_by == sales_manager
    assert "Лист 7" in api.get(f"/office/deals/{deal.pk}/").content.decode()


def test_a_reply_from_the_letters_page_keeps_the_thread(client_for, sales_manager, received):
    api = client_for(sales_manager)
    form = api.get(f"/office/clients/{received.client_id}/mail/new/?reply_to={received.pk}")
    assert form.context["form"].initial["subject"] == "Re: Коли доставка?"
    api.post(
        f"/office/clients/{received.client_id}/mail/new/",
        {"to": "olena@client.test", "subject": "Re: Коли доставка?", "body": "Завтра.",
         "reply_to": received.pk},
    )  # fmt: skip
    reply = MailMessage.objects.get(direction="out")
    assert reply.in_reply_to == received.message_id
    page = api.get(f"/office/mail/{reply.pk}/").content.decode()
    assert f'href="/office/mail/{received.pk}/"' in page  # the conversation


def test_a_refused_letter_shows_the_form_again(client_for, sales_manager, own_client):
    response = client_for(sales_manager).post(
        f"/office/clients/{own_client.pk}/mail/new/",
        {"to": "someone@else.test", "subject": "S", "body": "B"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not MailMessage.objects.exists()


@pytest.mark.parametrize("query", ["deal=abc", "reply_to=99999999999999999999999", "template=x"])
def test_nonsense_in_the_query_string_is_ignored_or_not_found(
    client_for, sales_manager, own_client, query
):
    response = client_for(sales_manager).get(f"/office/clients/{own_client.pk}/mail/new/?{query}")
    assert response.status_code in (200, 404)


# --- Files, and sending a failed letter again ---------------------------------------------------


def test_staff_attach_files_when_writing_from_the_office_m8(client_for, sales_manager, own_client):
    api = client_for(sales_manager)
    form = api.get(f"/office/clients/{own_client.pk}/mail/new/").content.decode()
    assert 'enctype="multipart/form-data"' in form and 'name="attachments"' in form
    sent = api.post(
        f"/office/clients/{own_client.pk}/mail/new/",
        {
            "to": "olena@client.test",
            "subject": "Креслення",
            "body": "У вкладенні.",
            "attachments": [
                SimpleUploadedFile("шафа.pdf", b"%PDF-1.7", content_type="application/pdf"),
                SimpleUploadedFile("кухня.png", b"\x89PNG", content_type="image/png"),
            ],
        },
    )
    message = MailMessage.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/office/mail/{message.pk}/"
    page = api.get(f"/office/mail/{message.pk}/").content.decode()
    for attachment in message.attachments.all():
        assert f'href="/office/mail/attachments/{attachment.pk}/"' in page
        download = api.get(f"/office/mail/attachments/{attachment.pk}/")
        assert b"".join(download.streaming_content) == attachment.file.open("rb").read()
    assert {a.filename for a in message.attachments.all()} == {"шафа.pdf", "кухня.png"}


def test_a_file_over_the_limit_is_a_form_error_and_nothing_is_written(
    client_for, sales_manager, own_client, settings
):
    settings.MAIL_MAX_ATTACHMENT_BYTES = 10
    response = client_for(sales_manager).post(
        f"/office/clients/{own_client.pk}/mail/new/",
        {"to": "olena@client.test", "subject": "S", "body": "B",
         "attachments": [SimpleUploadedFile("big.pdf", b"x" * 11)]},
    )  # fmt: skip
    assert response.status_code == 200
    assert "big.pdf" in str(response.context["form"].errors["attachments"])
    assert not MailMessage.objects.exists() and not MailAttachment.objects.exists()


def test_a_failed_letter_is_sent_again_from_its_page(client_for, sales_manager, own_client):
    api = client_for(sales_manager)
    api.post(
        f"/office/clients/{own_client.pk}/mail/new/",
        {"to": "olena@client.test", "subject": "S", "body": "B"},
    )
    message = MailMessage.objects.get()
    assert 'data-testid="resend"' not in api.get(f"/office/mail/{message.pk}/").content.decode()
    MailMessage.objects.filter(pk=message.pk).update(
        status="failed", error="Connection refused", attempts=1
    )
    page = api.get(f"/office/mail/{message.pk}/").content.decode()
    assert "Connection refused" in page and 'data-testid="resend"' in page
    again = api.post(f"/office/mail/{message.pk}/resend/")
    assert again.status_code == 302 and again["Location"] == f"/office/mail/{message.pk}/"
    message.refresh_from_db()
    assert (message.status, message.error) == ("queued", "")
    # Once more is refused with a message, not an error page: it is no longer failed.
    assert api.post(f"/office/mail/{message.pk}/resend/").status_code == 302
