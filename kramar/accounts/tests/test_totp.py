"""The staff second factor's services: enrolment, codes, replay, throttling, recovery codes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kramar.accounts import selectors, totp
from kramar.accounts.enums import AccountsErrorCode, Role, SecondFactor
from kramar.accounts.models import RecoveryCode, TotpDevice
from kramar.accounts.services import (
    recovery_codes_renew,
    second_factor_check,
    totp_disable,
    totp_enrol_begin,
    totp_enrol_confirm,
    totp_reset,
)
from kramar.accounts.tests.factories import enable_totp
from kramar.audit.enums import AuditAction
from kramar.audit.models import AuditEntry
from kramar.core.errors import ApplicationError

pytestmark = pytest.mark.django_db
STEP = timedelta(seconds=totp.STEP_SECONDS)


class refused:  # used like pytest.raises, hence the lower-case name
    """Expect an ApplicationError with this code."""

    def __init__(self, code: AccountsErrorCode):
        self.code = code

    def __enter__(self):
        self.ctx = pytest.raises(ApplicationError)
        self.info = self.ctx.__enter__()
        return self.info

    def __exit__(self, *exc):
        result = self.ctx.__exit__(*exc)
        assert self.info.value.code == self.code, self.info.value.code
        return result


def test_codes_are_rfc_6238_as_authenticator_apps_compute_them():
    # RFC 6238 appendix B, SHA-1: the secret "12345678901234567890" at T=59 s gives 94287082
    # (8 digits); the last 6 digits are what a 6-digit app shows.
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    at = timezone.datetime(1970, 1, 1, 0, 0, 59, tzinfo=timezone.UTC)
    assert totp.code_at(secret, at) == "287082"
    uri = totp.provisioning_uri(secret, "olena@kramar.test")
    assert uri.startswith("otpauth://totp/") and f"secret={secret}" in uri
    assert "<svg" in totp.qr_svg(uri)


def test_enrolment_keeps_the_secret_encrypted_and_confirms_with_a_first_code(sales_manager):
    device = totp_enrol_begin(user=sales_manager)
    secret = selectors.totp_enrolment_secret(user=sales_manager)
    assert len(secret) == 32 and secret not in device.secret
    assert not sales_manager.totp_enabled

    with refused(AccountsErrorCode.CODE_WRONG):
        totp_enrol_confirm(user=sales_manager, code="000000")
    codes = totp_enrol_confirm(user=sales_manager, code=totp.code_at(secret, timezone.now()))

    sales_manager.refresh_from_db()
    assert sales_manager.totp_enabled
    assert len(codes) == 10 and len(set(codes)) == 10
    assert selectors.totp_enrolment_secret(user=sales_manager) is None  # never shown again
    stored = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert not stored & set(codes) and len(stored) == 10
    with refused(AccountsErrorCode.TOTP_ALREADY_ENABLED):
        totp_enrol_begin(user=sales_manager)


def test_the_audit_trail_records_switching_on_and_off_without_secrets(sales_manager):
    secret, codes = enable_totp(sales_manager)
    totp_disable(user=sales_manager, code=codes[0])

    rows = AuditEntry.objects.filter(model="accounts.totpdevice").order_by("id")
    actions = [row.action for row in rows]
    assert actions[0] == AuditAction.CREATE and actions[-1] == AuditAction.DELETE
    assert any("confirmed_at" in row.changes for row in rows)
    user_rows = AuditEntry.objects.filter(
        model="accounts.user", action=AuditAction.UPDATE, changes__has_key="totp_enabled"
    )
    assert [row.changes["totp_enabled"] for row in user_rows.order_by("id")] == [
        [False, True],
        [True, False],
    ]
    code_rows = AuditEntry.objects.filter(model="accounts.recoverycode")
    assert code_rows.filter(action=AuditAction.CREATE).count() == 10
    assert code_rows.filter(action=AuditAction.UPDATE, changes__has_key="used_at").count() == 1
    text = str(list(AuditEntry.objects.values_list("changes", flat=True)))
    assert secret not in text and "***" in text
    assert TotpDevice.objects.count() == 0
    for code in codes:
        assert code not in text and totp.recovery_code_hash(code) not in text


def test_a_code_signs_in_once_within_one_step_of_drift(sales_manager):
    now = timezone.now()
    secret, _codes = enable_totp(sales_manager, at=now)
    assert second_factor_check(user=sales_manager, code=totp.code_at(secret, now), now=now) == (
        SecondFactor.TOTP
    )
    with refused(AccountsErrorCode.CODE_REUSED):  # the same code again: a replay
        second_factor_check(user=sales_manager, code=totp.code_at(secret, now), now=now)
    # The phone runs a step ahead: accepted; two steps ahead: refused.
    later = now + 2 * STEP
    ahead = totp.code_at(secret, later + STEP)
    assert second_factor_check(user=sales_manager, code=ahead, now=later)
    with refused(AccountsErrorCode.CODE_WRONG):
        far = now + 10 * STEP
        second_factor_check(user=sales_manager, code=totp.code_at(secret, far + 2 * STEP), now=far)
    # An older code than the last one used is a replay too, even inside the drift window.
    with refused(AccountsErrorCode.CODE_REUSED):
        second_factor_check(user=sales_manager, code=totp.code_at(secret, later), now=later)


def test_wrong_codes_lock_the_person_out_even_with_the_right_code(sales_manager, settings):
    now = timezone.now()
    secret, _codes = enable_totp(sales_manager, at=now)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        with refused(AccountsErrorCode.CODE_WRONG):
            second_factor_check(user=sales_manager, code="123456x", now=now)
    with refused(AccountsErrorCode.CODE_LOCKED) as info:
        second_factor_check(user=sales_manager, code="12345a", now=now)
    assert info.value.status == 429
    with refused(AccountsErrorCode.CODE_LOCKED):
        second_factor_check(user=sales_manager, code=totp.code_at(secret, now), now=now)

    failed = AuditEntry.objects.filter(
        action=AuditAction.SIGN_IN_CODE_FAILED, object_id=str(sales_manager.pk)
    )
    assert failed.count() == settings.AXES_FAILURE_LIMIT + 1
    assert failed.filter(changes__reason=[None, "locked"]).count() == 1

    after = now + settings.AXES_COOLOFF_TIME + STEP
    assert second_factor_check(user=sales_manager, code=totp.code_at(secret, after), now=after)
    assert TotpDevice.objects.get(user=sales_manager).failed_attempts == 0


def test_a_recovery_code_works_once_however_it_is_typed(sales_manager):
    _secret, codes = enable_totp(sales_manager)
    typed = codes[3].upper().replace("-", " ")
    assert second_factor_check(user=sales_manager, code=typed) == SecondFactor.RECOVERY_CODE
    assert selectors.recovery_codes_left(user=sales_manager) == 9
    with refused(AccountsErrorCode.CODE_REUSED):
        second_factor_check(user=sales_manager, code=codes[3])
    with refused(AccountsErrorCode.CODE_WRONG):
        second_factor_check(user=sales_manager, code="aaaa-bbbb-cccc")


def test_renewing_recovery_codes_needs_a_code_and_voids_the_old_ones(sales_manager):
    now = timezone.now()
    secret, old = enable_totp(sales_manager, at=now)
    with refused(AccountsErrorCode.CODE_WRONG):
        recovery_codes_renew(user=sales_manager, code="000000", now=now)
    new = recovery_codes_renew(user=sales_manager, code=totp.code_at(secret, now), now=now)
    assert len(new) == 10 and not set(new) & set(old)
    with refused(AccountsErrorCode.CODE_WRONG):
        second_factor_check(user=sales_manager, code=old[0])
    assert second_factor_check(user=sales_manager, code=new[0]) == SecondFactor.RECOVERY_CODE


def test_switching_off_needs_a_good_code(sales_manager):
    now = timezone.now()
    secret, _codes = enable_totp(sales_manager, at=now)
    with refused(AccountsErrorCode.CODE_WRONG):
        totp_disable(user=sales_manager, code="000000", now=now)
    sales_manager.refresh_from_db()
    assert sales_manager.totp_enabled and TotpDevice.objects.filter(user=sales_manager).exists()

    totp_disable(user=sales_manager, code=totp.code_at(secret, now), now=now)
    sales_manager.refresh_from_db()
    assert not sales_manager.totp_enabled
    assert not TotpDevice.objects.filter(user=sales_manager).exists()
    assert not RecoveryCode.objects.exists()
    with refused(AccountsErrorCode.TOTP_NOT_ENABLED):
        second_factor_check(user=sales_manager, code="000000")


def test_an_administrator_reset_removes_the_codes(sales_manager):
    enable_totp(sales_manager)
    assert totp_reset(user=sales_manager) is True
    sales_manager.refresh_from_db()
    assert not sales_manager.totp_enabled and not TotpDevice.objects.exists()
    assert totp_reset(user=sales_manager) is False


def test_the_secret_still_opens_after_the_secret_key_is_rotated(sales_manager, settings):
    now = timezone.now()
    secret, _codes = enable_totp(sales_manager, at=now)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "rotated-" + "x" * 60
    assert second_factor_check(user=sales_manager, code=totp.code_at(secret, now), now=now)


def test_customers_cannot_enrol(customer):
    with refused(AccountsErrorCode.NOT_STAFF):
        totp_enrol_begin(user=customer)


def test_required_roles_oblige_only_those_roles_until_they_enrol(make_staff, settings):
    admin, manager = make_staff(Role.ADMINISTRATOR), make_staff(Role.SALES_MANAGER)
    assert not selectors.totp_required_for(admin)
    settings.STAFF_TOTP_REQUIRED_ROLES = ["administrator", "company_head"]
    assert selectors.totp_required_for(admin)
    assert not selectors.totp_required_for(manager)
    enable_totp(admin)
    assert not selectors.totp_required_for(admin)
