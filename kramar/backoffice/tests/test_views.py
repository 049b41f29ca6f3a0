"""The back-office shell: sign-in, throttling, sign-out, password reset, navigation per role."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from kramar.accounts.enums import Role
from kramar.accounts.models import ApiToken
from kramar.accounts.services import api_token_authenticate

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"


def sign_in(client: Client, email: str, password: str):
    return client.post(reverse("backoffice:login"), {"username": email, "password": password})


def test_anonymous_visitors_are_sent_to_the_sign_in_page():
    response = Client().get("/office/")
    assert response.status_code == 302
    assert response["Location"].startswith("/office/login/?next=/office/")


def test_staff_sign_in_and_reach_the_dashboard(sales_manager):
    client = Client()
    response = sign_in(client, sales_manager.email.upper(), PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/office/"
    page = client.get("/office/")
    assert page.status_code == 200
    assert "Sales manager" in page.content.decode() or "Менеджер" in page.content.decode()


def test_a_wrong_password_gets_a_form_error_and_no_session(sales_manager):
    client = Client()
    response = sign_in(client, sales_manager.email, "wrong-password")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_customers_cannot_sign_in_to_the_back_office(customer):
    client = Client()
    response = sign_in(client, customer.email, PASSWORD)
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].non_field_errors().as_data()] == ["not_staff"]
    assert "_auth_user_id" not in client.session


def test_a_signed_in_customer_gets_403_in_the_office(client_for, customer):
    assert client_for(customer).get("/office/").status_code == 403


def test_repeated_failures_lock_the_sign_in_even_with_the_right_password(sales_manager, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, sales_manager.email, "wrong-password")
    response = sign_in(client, sales_manager.email, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked out.


def test_the_lockout_is_per_account(sales_manager, make_staff, settings):
    other = make_staff(Role.MARKETING)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, sales_manager.email, "wrong-password")
    assert sign_in(client, other.email, PASSWORD).status_code == 302


def test_sign_out_needs_a_post_and_ends_the_session(sales_manager):
    client = Client()
    sign_in(client, sales_manager.email, PASSWORD)
    assert client.get("/office/logout/").status_code == 405
    response = client.post("/office/logout/")
    assert response.status_code == 302
    assert client.get("/office/").status_code == 302


def test_password_reset_by_e_mail_sets_a_new_password(sales_manager):
    client = Client()
    response = client.post(reverse("backoffice:password_reset"), {"email": sales_manager.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [sales_manager.email]
    link = re.search(r"https?://[^/]+(/office/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    new_password = "a-brand-new-passphrase-42"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    sales_manager.refresh_from_db()
    assert sales_manager.check_password(new_password)
    assert client.get(link, follow=True).context["validlink"] is False  # the link works once


def test_password_reset_for_an_unknown_address_reveals_nothing():
    response = Client().post(reverse("backoffice:password_reset"), {"email": "nobody@x.test"})
    assert response.status_code == 302
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("role", "sees", "does_not_see"),
    [
        (Role.ADMINISTRATOR, {"/office/staff/", "/admin/"}, set()),
        (Role.COMPANY_HEAD, {"/office/staff/", "/office/tokens/"}, {"/admin/"}),
        (Role.HEAD_OF_SALES, {"/office/staff/"}, {"/admin/"}),
        (Role.SALES_MANAGER, {"/office/tokens/"}, {"/office/staff/", "/admin/"}),
        (Role.ACCOUNTANT, {"/office/"}, {"/office/staff/", "/admin/"}),
    ],
)
def test_navigation_shows_each_role_its_own_items(client_for, make_staff, role, sees, does_not_see):
    page = client_for(make_staff(role)).get("/office/")
    links = {item["url"] for item in page.context["office_navigation"]}
    assert sees <= links
    assert not (does_not_see & links)


def test_pages_refuse_roles_without_their_permission(client_for, make_staff):
    assert client_for(make_staff(Role.SALES_MANAGER)).get("/office/staff/").status_code == 403
    assert client_for(make_staff(Role.HEAD_OF_SALES)).get("/office/staff/").status_code == 200


def test_django_admin_is_for_administrators_only(client_for, make_staff, customer):
    assert client_for(make_staff(Role.ADMINISTRATOR)).get("/admin/").status_code == 200
    for user in (make_staff(Role.COMPANY_HEAD), make_staff(Role.SALES_MANAGER), customer):
        response = client_for(user).get("/admin/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_tokens_page_issues_shows_once_and_revokes(client_for, sales_manager):
    client = client_for(sales_manager)
    page = client.post("/office/tokens/", {"name": "laptop"})
    assert page.status_code == 200
    raw = page.context["new_token"]
    assert raw and raw in page.content.decode()
    assert api_token_authenticate(raw=raw) == sales_manager
    assert raw not in client.get("/office/tokens/").content.decode()
    token = ApiToken.objects.get(user=sales_manager)
    assert client.post(f"/office/tokens/{token.pk}/revoke/").status_code == 302
    assert api_token_authenticate(raw=raw) is None


def test_tokens_page_shows_service_errors_on_the_form(client_for, sales_manager):
    client = client_for(sales_manager)
    client.post("/office/tokens/", {"name": "laptop"})
    page = client.post("/office/tokens/", {"name": "laptop"})
    assert page.status_code == 400
    assert page.context["form"].errors["name"]
    assert ApiToken.objects.filter(user=sales_manager).count() == 1


def test_the_language_switch_turns_the_office_english_and_back(sales_manager):
    client = Client()
    page = client.get("/office/login/")
    assert page.status_code == 200
    assert 'lang="uk"' in page.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/office/login/"})
    english = client.get("/office/login/").content.decode()
    assert 'lang="en"' in english and "Sign in to the back office" in english
    client.post("/i18n/setlang/", {"language": "uk", "next": "/office/login/"})
    assert 'lang="uk"' in client.get("/office/login/").content.decode()


def test_error_pages_are_the_sites_own_and_speak_the_visitors_language(client_for, make_staff):
    missing = Client().get("/office/no-such-page/")
    assert missing.status_code == 404
    assert "Сторінку не знайдено" in missing.content.decode()
    refused = client_for(make_staff(Role.SALES_MANAGER)).get("/office/staff/")
    assert refused.status_code == 403
    assert "Немає доступу" in refused.content.decode()


def test_the_chosen_language_is_remembered_for_the_next_sign_in(sales_manager):
    client = Client()
    sign_in(client, sales_manager.email, PASSWORD)
    client.post("/i18n/setlang/", {"language": "en", "next": "/office/"})
    sales_manager.refresh_from_db()
    assert sales_manager.language == "en"

    elsewhere = Client()  # another browser, no language cookie yet
    response = sign_in(elsewhere, sales_manager.email, PASSWORD)
    assert response.cookies["django_language"].value == "en"
    assert 'lang="en"' in elsewhere.get("/office/").content.decode()


def test_an_unknown_language_changes_nothing(sales_manager):
    client = Client()
    sign_in(client, sales_manager.email, PASSWORD)
    client.post("/i18n/setlang/", {"language": "xx", "next": "/office/"})
    sales_manager.refresh_from_db()
    assert sales_manager.language == "uk"
