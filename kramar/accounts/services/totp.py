"""Writes of the staff second factor (issue 5): enrolment, codes at sign-in, recovery codes.

Every check of a code goes through :func:`_verify`, which counts a wrong code, locks the person
out for ``AXES_COOLOFF_TIME`` after ``AXES_FAILURE_LIMIT`` wrong codes in a row (the numbers of
wrong passwords), refuses a code whose time step was already used (replay) and audits each
refusal. A refusal must outlive the refused operation, so the services that check a code do not
raise inside their transaction: they let it commit the count and raise after it.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kramar.accounts import totp
from kramar.accounts.enums import AccountsErrorCode, SecondFactor
from kramar.accounts.models import RecoveryCode, TotpDevice, User
from kramar.audit import signins
from kramar.core.errors import ApplicationError


def _require_staff(user: User) -> None:
    if not (user.is_active and user.is_staff):
        raise ApplicationError(
            AccountsErrorCode.NOT_STAFF,
            _("Only staff members sign in with a code."),
            status=403,
        )


def _confirmed_device(user: User) -> TotpDevice:
    device = (
        TotpDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    )
    if device is None:
        raise ApplicationError(
            AccountsErrorCode.TOTP_NOT_ENABLED,
            _("Sign-in codes are not switched on for this account."),
            status=409,
        )
    return device


def _recovery_codes_replace(device: TotpDevice, now: datetime) -> list[str]:
    device.recovery_codes.all().delete()
    codes = [totp.new_recovery_code() for _ in range(totp.RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        [
            RecoveryCode(device=device, code_hash=totp.recovery_code_hash(code), created_at=now)
            for code in codes
        ]
    )
    return codes


@transaction.atomic
def totp_enrol_begin(*, user: User) -> TotpDevice:
    """Start enrolment with a new secret; starting again replaces an unconfirmed secret."""
    _require_staff(user)
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is not None and device.confirmed_at is not None:
        raise ApplicationError(
            AccountsErrorCode.TOTP_ALREADY_ENABLED,
            _("Sign-in codes are already switched on."),
            status=409,
        )
    secret = totp.encrypt_secret(totp.new_secret())
    if device is None:
        return TotpDevice.objects.create(user=user, secret=secret)
    device.secret = secret
    device.created_at = timezone.now()
    device.save(update_fields=["secret", "created_at"])
    return device


@transaction.atomic
def totp_enrol_confirm(*, user: User, code: str, now: datetime | None = None) -> list[str]:
    """Switch sign-in codes on with the first code the app shows; return the recovery codes.

    The recovery codes are returned once and only their hashes are kept.
    """
    _require_staff(user)
    now = now or timezone.now()
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is None or device.confirmed_at is not None:
        raise ApplicationError(
            AccountsErrorCode.TOTP_NOT_STARTED,
            _("Start the set-up again: there is no new secret waiting for its first code."),
            status=409,
        )
    step = totp.matching_step(totp.decrypt_secret(device.secret), code, now)
    if step is None:
        raise ApplicationError(
            AccountsErrorCode.CODE_WRONG,
            _("The code is wrong. Check the phone's clock and type the code the app shows now."),
            extra={"field": "code"},
        )
    device.confirmed_at = now
    device.last_used_step = step
    device.save(update_fields=["confirmed_at", "last_used_step"])
    user.totp_enabled = True
    user.save(update_fields=["totp_enabled"])
    return _recovery_codes_replace(device, now)


def _failure(device: TotpDevice, user: User, reason: str, now: datetime) -> ApplicationError:
    """Count a refused code, lock after too many, audit it; return the error to raise."""
    if reason != "locked":
        device.failed_attempts += 1
        fields = ["failed_attempts"]
        if device.failed_attempts >= settings.AXES_FAILURE_LIMIT:
            device.failed_attempts = 0
            device.locked_until = now + settings.AXES_COOLOFF_TIME
            fields.append("locked_until")
        device.save(update_fields=fields)
    signins.second_factor_failed(user=user, reason=reason)
    if device.locked_until is not None and device.locked_until > now:
        until = formats.date_format(timezone.localtime(device.locked_until), "TIME_FORMAT")
        return ApplicationError(
            AccountsErrorCode.CODE_LOCKED,
            _("Too many wrong codes. Try again after %(time)s.") % {"time": until},
            extra={"field": "code", "locked_until": device.locked_until.isoformat()},
            status=429,
        )
    if reason == "reused":
        return ApplicationError(
            AccountsErrorCode.CODE_REUSED,
            _("This code was already used. Wait for the app to show the next one."),
            extra={"field": "code"},
        )
    return ApplicationError(
        AccountsErrorCode.CODE_WRONG, _("The code is wrong."), extra={"field": "code"}
    )


def _accept(device: TotpDevice, code: str, now: datetime) -> SecondFactor | str:
    """Consume ``code`` if it is good: return the factor used, else the reason for refusing."""
    if totp.is_totp_code(code):
        step = totp.matching_step(totp.decrypt_secret(device.secret), code, now)
        if step is None:
            return "wrong"
        if device.last_used_step is not None and step <= device.last_used_step:
            return "reused"
        device.last_used_step = step
        return SecondFactor.TOTP
    recovery = device.recovery_codes.filter(code_hash=totp.recovery_code_hash(code)).first()
    if recovery is None:
        return "wrong"
    if recovery.used_at is not None:
        return "reused"
    recovery.used_at = now
    recovery.save(update_fields=["used_at"])
    return SecondFactor.RECOVERY_CODE


def _verify(
    device: TotpDevice, user: User, code: str, now: datetime
) -> SecondFactor | ApplicationError:
    """Check a code against a locked device row: the factor used, or the error to raise."""
    if device.locked_until is not None and device.locked_until > now:
        return _failure(device, user, "locked", now)
    result = _accept(device, code, now)
    if not isinstance(result, SecondFactor):
        return _failure(device, user, result, now)
    device.failed_attempts = 0
    device.locked_until = None
    device.save(update_fields=["last_used_step", "failed_attempts", "locked_until"])
    return result


def second_factor_check(*, user: User, code: str, now: datetime | None = None) -> SecondFactor:
    """Accept a code from the app or a recovery code at sign-in, once; return which it was.

    Raises ``accounts.code_wrong``, ``accounts.code_reused`` or ``accounts.code_locked`` (429)
    after recording the refusal.
    """
    now = now or timezone.now()
    with transaction.atomic():
        result = _verify(_confirmed_device(user), user, code, now)
    if isinstance(result, ApplicationError):
        raise result
    return result


def totp_disable(*, user: User, code: str, now: datetime | None = None) -> SecondFactor:
    """Switch sign-in codes off, proven with a current code or a recovery code."""
    now = now or timezone.now()
    with transaction.atomic():
        device = _confirmed_device(user)
        result = _verify(device, user, code, now)
        if not isinstance(result, ApplicationError):
            device.delete()
            user.totp_enabled = False
            user.save(update_fields=["totp_enabled"])
    if isinstance(result, ApplicationError):
        raise result
    return result


def recovery_codes_renew(*, user: User, code: str, now: datetime | None = None) -> list[str]:
    """Replace every recovery code with ten new ones, proven with a code; return them once."""
    now = now or timezone.now()
    with transaction.atomic():
        device = _confirmed_device(user)
        result = _verify(device, user, code, now)
        if not isinstance(result, ApplicationError):
            codes = _recovery_codes_replace(device, now)
    if isinstance(result, ApplicationError):
        raise result
    return codes


@transaction.atomic
def totp_reset(*, user: User) -> bool:
    """Remove a person's authenticator app without a code (they lost it and its recovery codes).

    For administrators acting on a verified request (``manage.py kramar_totp_reset``); the
    person sets codes up again at the next visit if their role requires them. Returns whether
    there was anything to remove.
    """
    device = TotpDevice.objects.select_for_update().filter(user=user).first()
    if device is not None:
        device.delete()
    if user.totp_enabled:
        user.totp_enabled = False
        user.save(update_fields=["totp_enabled"])
    return device is not None
