"""The arithmetic of the staff second factor: RFC 6238 codes, the secret kept encrypted, the QR
code an authenticator app scans, and the one-time recovery codes. No database here: the services
(``kramar.accounts.services.totp``) decide and write.

Codes are what every authenticator app expects: HMAC-SHA-1, 6 digits, a 30-second step
(pyotp computes them). The shared secret has 160 random bits from ``secrets`` (RFC 4226 asks for
at least 128) and is stored encrypted with Fernet under a key derived from ``SECRET_KEY``
(older keys in ``SECRET_KEY_FALLBACKS`` still decrypt), so a copy of the database alone does
not give the second factor away. Recovery codes carry ~59 random bits and are stored as plain
SHA-256: a slow hash protects guessable secrets, and these are not guessable; they also stay
valid when ``SECRET_KEY`` changes, which is when someone may need them most.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

import pyotp
import segno
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.utils.crypto import salted_hmac

DIGITS = 6
STEP_SECONDS = 30
# Accept the code of the step before and after the current one: a phone's clock may be off by
# up to ~30 s, and a code typed at the end of its window arrives in the next.
DRIFT_STEPS = 1
SECRET_BYTES = 20
RECOVERY_CODE_COUNT = 10
# Lower-case letters and digits without the ones read alike (0/o, 1/l/i).
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
RECOVERY_CODE_LENGTH = 12
_KEY_SALT = "kramar.accounts.totp.secret"


def new_secret() -> str:
    """Return a new shared secret in base32, as authenticator apps take it."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def _key(secret_key: str) -> bytes:
    return salted_hmac(_KEY_SALT, "fernet", secret=secret_key, algorithm="sha256").digest()


def _fernet() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([Fernet(base64.urlsafe_b64encode(_key(key))) for key in keys])


def encrypt_secret(secret: str) -> str:
    return _fernet().encrypt(secret.encode("ascii")).decode("ascii")


def decrypt_secret(stored: str) -> str:
    """Return the secret; ``cryptography.fernet.InvalidToken`` when no known key opens it."""
    return _fernet().decrypt(stored.encode("ascii")).decode("ascii")


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)


def clean_code(code: str) -> str:
    """Return what the person typed without spaces and dashes, lower-case."""
    return "".join(ch for ch in (code or "").lower() if ch not in " -\t")


def is_totp_code(code: str) -> bool:
    cleaned = clean_code(code)
    return len(cleaned) == DIGITS and cleaned.isascii() and cleaned.isdigit()


def step_at(at: datetime) -> int:
    return int(at.timestamp()) // STEP_SECONDS


def matching_step(secret: str, code: str, at: datetime) -> int | None:
    """Return the time step whose code ``code`` is, within the allowed drift, or None."""
    if not is_totp_code(code):
        return None
    cleaned = clean_code(code)
    totp = _totp(secret)
    now = step_at(at)
    for step in (now, now - DRIFT_STEPS, now + DRIFT_STEPS):
        if hmac.compare_digest(totp.generate_otp(step), cleaned):
            return step
    return None


def code_at(secret: str, at: datetime) -> str:
    """Return the code of the step at ``at`` (for tests and the demo)."""
    return _totp(secret).generate_otp(step_at(at))


def provisioning_uri(secret: str, account: str) -> str:
    """Return the ``otpauth://`` URI an authenticator app reads from the QR code."""
    return _totp(secret).provisioning_uri(name=account, issuer_name=settings.TOTP_ISSUER)


def qr_svg(uri: str) -> str:
    """Return the QR code of ``uri`` as an inline SVG element, drawn here (no external service)."""
    svg: str = segno.make(uri, error="m").svg_inline(scale=5, light="#fff", dark="#000")
    return svg


def new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, RECOVERY_CODE_LENGTH, 4))


def recovery_code_hash(code: str) -> str:
    return hashlib.sha256(clean_code(code).encode("utf-8")).hexdigest()
