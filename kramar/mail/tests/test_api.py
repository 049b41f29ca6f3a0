"""The mail API (M8, M14): the role matrix for writing to a client, row visibility (404 for a
client one may not see), bad input as a JSON problem, and reading a client's letters."""

import pytest
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
