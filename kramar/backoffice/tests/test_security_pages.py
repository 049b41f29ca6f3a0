"""Sign-in codes in the browser's flow: set-up, the code step, refusals, recovery, switching off."""

import re
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kramar.accounts import sign_in, totp
from kramar.accounts.enums import Role
from kramar.accounts.models import RecoveryCode, TotpDevice
from kramar.accounts.services import api_token_create
from kramar.accounts.tests.factories import enable_totp
from kramar.audit.enums import AuditAction
from kramar.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"
STEP = timedelta(seconds=totp.STEP_SECONDS)


def password_step(client: Client, email: str, next_url: str = ""):
    url = "/office/login/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": email, "password": PASSWORD})


def current_code(secret: str) -> str:
    return totp.code_at(secret, timezone.now())


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_set_up_page_shows_the_key_until_the_first_code_then_never_again(
    client_for, sales_manager
):
    client = client_for(sales_manager)
    page = client.get("/office/security/")
    assert page.status_code == 200 and page.context["device"] is None

    assert client.post("/office/security/set-up/").status_code == 302
    page = client.get("/office/security/")
    secret = page.context["secret"]
    html = page.content.decode()
    assert secret and secret in html and "<svg" in html
    assert page["Cache-Control"].startswith("max-age=0")

    wrong = client.post("/office/security/confirm/", {"code": "000000"})
    assert wrong.status_code == 400 and wrong.context["confirm_form"].errors

    done = client.post("/office/security/confirm/", {"code": current_code(secret)})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and all(code in done.content.decode() for code in codes)
    sales_manager.refresh_from_db()
    assert sales_manager.totp_enabled

    after = client.get("/office/security/")  # the enrolling session stays signed in
    assert after.status_code == 200
    assert after.context["secret"] is None and secret not in after.content.decode()
    assert not any(code in after.content.decode() for code in codes)


def test_a_person_with_codes_is_not_signed_in_until_the_code(sales_manager):
    secret, _codes = enable_totp(sales_manager)
    client = Client()
    response = password_step(client, sales_manager.email)
    assert response.status_code == 302 and response["Location"] == "/office/login/code/"
    assert not signed_in(client)
    office = client.get("/office/")
    assert office.status_code == 302 and office["Location"].startswith("/office/login/")
    assert client.get("/api/accounts/me").status_code == 401
    assert not AuditEntry.objects.filter(action=AuditAction.SIGN_IN).exists()

    assert client.get("/office/login/code/").status_code == 200
    done = client.post("/office/login/code/", {"code": current_code(secret)})
    assert done.status_code == 302 and done["Location"] == "/office/"
    assert signed_in(client) and client.get("/office/").status_code == 200
    row = AuditEntry.objects.get(action=AuditAction.SIGN_IN)
    assert row.actor_id == sales_manager.pk
    assert row.changes == {"second_factor": [None, "totp"]}


def test_people_without_codes_sign_in_with_the_password_alone(sales_manager):
    client = Client()
    response = password_step(client, sales_manager.email)
    assert response.status_code == 302 and response["Location"] == "/office/"
    assert signed_in(client)


def test_a_wrong_code_is_refused_audited_and_throttled(sales_manager, settings):
    secret, _codes = enable_totp(sales_manager)
    client = Client()
    password_step(client, sales_manager.email)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/office/login/code/", {"code": "000000"})
        assert response.status_code == 400 and response.context["form"].errors
    locked = client.post("/office/login/code/", {"code": "111111"})
    assert locked.status_code == 429
    again = client.post("/office/login/code/", {"code": current_code(secret)})
    assert again.status_code == 429 and not signed_in(client)

    # A fresh password step does not reset the count: it is kept per person.
    other = Client()
    password_step(other, sales_manager.email)
    assert other.post("/office/login/code/", {"code": current_code(secret)}).status_code == 429
    failed = AuditEntry.objects.filter(action=AuditAction.SIGN_IN_CODE_FAILED)
    assert failed.count() == settings.AXES_FAILURE_LIMIT + 2
    assert set(failed.values_list("actor_id", flat=True)) == {sales_manager.pk}
    assert all(row.ip for row in failed)


def test_a_code_cannot_be_used_twice(sales_manager):
    secret, _codes = enable_totp(sales_manager)
    code = current_code(secret)
    first = Client()
    password_step(first, sales_manager.email)
    assert first.post("/office/login/code/", {"code": code}).status_code == 302

    second = Client()  # someone who watched the code being typed
    password_step(second, sales_manager.email)
    replay = second.post("/office/login/code/", {"code": code})
    assert replay.status_code == 400 and not signed_in(second)


def test_a_recovery_code_signs_in_once(sales_manager):
    _secret, codes = enable_totp(sales_manager)
    client = Client()
    password_step(client, sales_manager.email)
    response = client.post("/office/login/code/", {"code": codes[0]})
    assert response.status_code == 302 and signed_in(client)
    assert RecoveryCode.objects.filter(used_at__isnull=False).count() == 1
    assert AuditEntry.objects.get(action=AuditAction.SIGN_IN).changes == {
        "second_factor": [None, "recovery_code"]
    }

    again = Client()
    password_step(again, sales_manager.email)
    assert again.post("/office/login/code/", {"code": codes[0]}).status_code == 400
    assert not signed_in(again)


def test_the_code_step_forgets_a_stale_password(sales_manager, monkeypatch):
    secret, _codes = enable_totp(sales_manager)
    client = Client()
    password_step(client, sales_manager.email)
    later = time.time() + sign_in.PENDING_SECONDS + 1
    monkeypatch.setattr(sign_in.time, "time", lambda: later)
    response = client.post("/office/login/code/", {"code": current_code(secret)})
    assert response.status_code == 302 and response["Location"] == "/office/login/"
    assert not signed_in(client)


def test_the_code_step_without_a_password_sends_to_sign_in():
    response = Client().get("/office/login/code/")
    assert response.status_code == 302 and response["Location"] == "/office/login/"


def test_switching_off_from_the_page_needs_a_code(sales_manager):
    secret, codes = enable_totp(sales_manager)
    client = Client()
    password_step(client, sales_manager.email)
    client.post("/office/login/code/", {"code": codes[0]})

    refused = client.post("/office/security/switch-off/", {"code": "000000"})
    assert refused.status_code == 400 and refused.context["disable_form"].errors
    assert TotpDevice.objects.filter(user=sales_manager).exists()

    done = client.post("/office/security/switch-off/", {"code": current_code(secret)})
    assert done.status_code == 302
    sales_manager.refresh_from_db()
    assert not sales_manager.totp_enabled
    assert client.get("/office/").status_code == 200


def test_renewing_recovery_codes_from_the_page(sales_manager):
    secret, old = enable_totp(sales_manager)
    client = Client()
    password_step(client, sales_manager.email)
    client.post("/office/login/code/", {"code": old[0]})
    page = client.post("/office/security/recovery-codes/", {"code": current_code(secret)})
    assert page.status_code == 200
    new = page.context["codes"]
    assert len(new) == 10 and not set(new) & set(old)


def test_a_session_that_skipped_the_code_is_signed_out(client_for, sales_manager):
    # A browser signed in before codes were switched on elsewhere, or by any way round the step.
    client = client_for(sales_manager)
    enable_totp(sales_manager)
    response = client.get("/office/")
    assert response.status_code == 302 and response["Location"].startswith("/office/login/")
    assert not signed_in(client)


def test_the_admin_signs_in_through_the_code_step(make_staff):
    admin = make_staff(Role.ADMINISTRATOR)
    secret, _codes = enable_totp(admin)
    client = Client()
    login_page = client.get("/admin/login/?next=/admin/auth/")
    assert login_page.status_code == 302
    assert login_page["Location"] == "/office/login/?next=/admin/auth/"
    assert client.post("/admin/login/", {"username": admin.email, "password": PASSWORD})[
        "Location"
    ].startswith("/office/login/")
    assert not signed_in(client)

    response = password_step(client, admin.email, next_url="/admin/")
    assert response["Location"] == "/office/login/code/" and not signed_in(client)
    done = client.post("/office/login/code/", {"code": current_code(secret)})
    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_shop_sign_in_of_a_staff_member_with_codes_goes_to_the_code_step(sales_manager):
    enable_totp(sales_manager)
    client = Client()
    response = client.post(
        "/account/login/", {"username": sales_manager.email, "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/office/login/code/"
    assert not signed_in(client)


def test_api_tokens_are_not_affected(sales_manager):
    enable_totp(sales_manager)
    _token, raw = api_token_create(user=sales_manager, name="script")
    response = Client().get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200


def test_required_roles_are_sent_to_set_codes_up_first(client_for, make_staff, settings):
    settings.STAFF_TOTP_REQUIRED_ROLES = ["administrator"]
    admin, manager = make_staff(Role.ADMINISTRATOR), make_staff(Role.SALES_MANAGER)
    client = client_for(admin)
    for path in ("/office/", "/office/clients/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/office/security/", path
    page = client.get("/office/security/")
    assert page.status_code == 200 and page.context["required"]
    assert client_for(manager).get("/office/").status_code == 200

    client.post("/office/security/set-up/")
    secret = client.get("/office/security/").context["secret"]
    done = client.post("/office/security/confirm/", {"code": current_code(secret)})
    assert done.status_code == 200
    assert client.get("/office/").status_code == 200


def test_the_navigation_links_to_the_codes_page(client_for, sales_manager):
    page = client_for(sales_manager).get("/office/")
    assert "/office/security/" in {item["url"] for item in page.context["office_navigation"]}
    assert re.search(r'href="/office/security/"', page.content.decode())
