"""The mail API (M8, M14): the role matrix for writing to a client, row visibility (404 for a
client one may not see), bad input as a JSON problem, reading a client's letters, letters with
files (multipart) and sending a failed letter again."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient

from kramar.accounts.enums import Role
from kramar.clients.enums import TimelineKind
from kramar.clients.models import TimelineEntry
from kramar.clients.tests.factories import ClientFactory
from kramar.mail.models import MailMessage
from kramar.mail.services import mail_import
from kramar.mail.tests.factories import letter, template

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def own_client(sales_manager):
    return ClientFactory(manager=sales_manager, emails=["olena@client.test"])


def payload(client, **fields):
    return {
        "client_id": client.pk,
        "to": "olena@client.test",
        "subject": "Ваше замовлення",
        "body": "Доставимо завтра.",
        **fields,
    }


def test_writing_is_refused_to_anyone_without_the_right_and_writes_nothing_m8(
    client_for, customer, make_staff, own_client
):
    body = payload(own_client)
    assert HttpClient().post("/api/mail", body, content_type=JSON).status_code == 401
    assert client_for(customer).post("/api/mail", body, content_type=JSON).status_code == 403
    # Marketing reads the correspondence but writes no personal letters (docs/mail.md).
    denied = client_for(make_staff(Role.MARKETING)).post("/api/mail", body, content_type=JSON)
    assert denied.status_code == 403
    assert denied.json()["extra"] == {"permission": "mail.add_mailmessage"}
    assert not MailMessage.objects.exists()
    assert not TimelineEntry.objects.filter(kind=TimelineKind.EMAIL_OUT).exists()


def test_a_manager_writes_to_their_client(client_for, sales_manager, own_client):
    response = client_for(sales_manager).post("/api/mail", payload(own_client), content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["direction"], body["status"], body["to_addresses"]) == (
        "out",
        "queued",
        ["olena@client.test"],
    )
    assert body["message_id"].endswith("@kramar.test>")
    assert body["sent_by_id"] == sales_manager.pk


def test_a_client_one_may_not_see_is_not_found(client_for, make_staff, own_client):
    stranger = make_staff(Role.SALES_MANAGER)
    api = client_for(stranger)
    assert api.post("/api/mail", payload(own_client), content_type=JSON).status_code == 404
    assert api.get(f"/api/clients/{own_client.pk}/mail").status_code == 404
    message = mail_import(raw=letter(sender="olena@client.test")).message
    assert api.get(f"/api/mail/{message.pk}").status_code == 404
    assert not MailMessage.objects.filter(direction="out").exists()


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"to": "someone@else.test"}, 400, "mail.recipient_not_of_client"),
        ({"subject": ""}, 400, "mail.subject_required"),
        ({"body": "a\x00b"}, 422, "validation_error"),
        ({"template_id": 999999}, 400, "validation_error"),
    ],
)
def test_bad_input_is_a_json_problem(client_for, sales_manager, own_client, fields, status, code):
    response = client_for(sales_manager).post(
        "/api/mail", payload(own_client, **fields), content_type=JSON
    )
    assert response.status_code == status
    assert response.json()["code"] == code
    assert set(response.json()) == {"code", "message", "extra"}
    assert not MailMessage.objects.exists()


def test_a_template_fills_an_empty_subject_and_text(client_for, sales_manager, own_client):
    chosen = template()
    response = client_for(sales_manager).post(
        "/api/mail",
        payload(own_client, subject="", body="", template_id=chosen.pk),
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    assert response.json()["subject"] == f"Пропозиція для {own_client.name}"
    assert own_client.first_name in response.json()["body_text"]


def test_a_clients_letters_in_and_out_newest_first(client_for, sales_manager, own_client):
    api = client_for(sales_manager)
    received = mail_import(
        raw=letter(
            sender="olena@client.test",
            attachments=[("фото.jpg", "image/jpeg", b"\xff\xd8 jpeg")],
        )
    ).message
    api.post("/api/mail", payload(own_client), content_type=JSON)
    listed = api.get(f"/api/clients/{own_client.pk}/mail").json()
    assert [item["direction"] for item in listed["items"]] == ["out", "in"]
    detail = api.get(f"/api/mail/{received.pk}").json()
    (attachment,) = detail["attachments"]
    assert attachment["filename"] == "фото.jpg"
    assert attachment["url"] == f"/office/mail/attachments/{attachment['id']}/"


# --- Files and sending again -----------------------------------------------------------------


def test_a_letter_with_files_is_sent_as_multipart_form_data_m8(
    client_for, sales_manager, own_client
):
    response = client_for(sales_manager).post(
        f"/api/clients/{own_client.pk}/mail",
        {
            "to": "olena@client.test",
            "subject": "Креслення",
            "body": "У вкладенні.",
            "attachments": [
                SimpleUploadedFile("шафа.pdf", b"%PDF-1.7", content_type="application/pdf"),
                SimpleUploadedFile("../notes.txt", b"\x00\x01", content_type="text/plain"),
            ],
        },
    )
    assert response.status_code == 201, response.content
    files = response.json()["attachments"]
    assert [(f["filename"], f["content_type"], f["size"]) for f in files] == [
        ("шафа.pdf", "application/pdf", 8),
        ("notes.txt", "text/plain", 2),
    ]
    assert MailMessage.objects.get().attachments.count() == 2


def test_a_letter_without_files_may_use_the_multipart_form_too(
    client_for, sales_manager, own_client
):
    response = client_for(sales_manager).post(
        f"/api/clients/{own_client.pk}/mail",
        {"to": "olena@client.test", "subject": "S", "body": "B"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["attachments"] == []


@pytest.mark.parametrize(
    ("count", "size", "status", "code"),
    [
        (1, 101, 413, "mail.attachment_too_large"),
        (3, 90, 413, "mail.attachments_too_large"),
        (4, 1, 400, "mail.too_many_attachments"),
    ],
)
def test_files_over_the_limits_are_a_json_problem_and_nothing_is_written(
    client_for, sales_manager, own_client, settings, count, size, status, code
):
    settings.MAIL_MAX_ATTACHMENTS = 3
    settings.MAIL_MAX_ATTACHMENT_BYTES = 100
    settings.MAIL_MAX_LETTER_ATTACHMENTS_BYTES = 250
    response = client_for(sales_manager).post(
        f"/api/clients/{own_client.pk}/mail",
        {
            "to": "olena@client.test",
            "subject": "S",
            "body": "B",
            "attachments": [SimpleUploadedFile(f"{n}.bin", b"x" * size) for n in range(count)],
        },
    )
    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["extra"]["field"] == "attachments"
    assert not MailMessage.objects.exists()


def test_a_client_one_may_not_see_takes_no_files(client_for, make_staff, own_client):
    response = client_for(make_staff(Role.SALES_MANAGER)).post(
        f"/api/clients/{own_client.pk}/mail",
        {"to": "olena@client.test", "subject": "S", "body": "B",
         "attachments": [SimpleUploadedFile("a.txt", b"a")]},
    )  # fmt: skip
    assert response.status_code == 404
    assert not MailMessage.objects.exists()


def test_a_failed_letter_is_sent_again_through_the_api(client_for, sales_manager, own_client):
    api = client_for(sales_manager)
    sent = api.post("/api/mail", payload(own_client), content_type=JSON).json()
    refused = api.post(f"/api/mail/{sent['id']}/resend")
    assert refused.status_code == 409
    assert refused.json()["code"] == "mail.not_failed"
    MailMessage.objects.filter(pk=sent["id"]).update(status="failed", error="timed out")
    again = api.post(f"/api/mail/{sent['id']}/resend")
    assert again.status_code == 200, again.content
    assert (again.json()["status"], again.json()["error"]) == ("queued", "")


def test_more_files_than_django_reads_is_a_413_problem_not_a_500(
    client_for, sales_manager, own_client, settings
):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    response = client_for(sales_manager).post(
        f"/api/clients/{own_client.pk}/mail",
        {"to": "olena@client.test", "subject": "S", "body": "B",
         "attachments": [SimpleUploadedFile(f"{n}.txt", b"x") for n in range(4)]},
    )  # fmt: skip
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert not MailMessage.objects.exists()
