"""Wrong or missing settings stop the start with one clear line naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import Env, SettingsError

ROOT = Path(__file__).resolve().parents[1]
GOOD_SECRET = "k" * 30 + "ramar-production-secret-0123456789"


def manage_check(**env_vars: str) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "REDIS_URL",
            "DJANGO_SETTINGS_MODULE",
            "PAYMENT_PROVIDER",
            "STRIPE_SECRET_KEY",
            "STRIPE_WEBHOOK_SECRET",
        }
    }
    env.update(env_vars)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env_vars", "variable"),
    [
        ({"DEBUG": "false"}, "SECRET_KEY"),
        ({"DEBUG": "false", "SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"DEBUG": "false", "SECRET_KEY": GOOD_SECRET}, "ALLOWED_HOSTS"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"DEBUG": "true", "DATABASE_URL": "mysql://root@localhost/kramar"}, "DATABASE_URL"),
        ({"DEBUG": "true", "REDIS_URL": "localhost:6379"}, "REDIS_URL"),
        (
            {
                "DEBUG": "true",
                "EMAIL_PORT": "twenty-five",
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            },
            "EMAIL_PORT",
        ),
        ({"DEBUG": "true", "LOGIN_FAILURE_LIMIT": "0"}, "LOGIN_FAILURE_LIMIT"),
        ({"DEBUG": "true", "CRM_DIGEST_AT": "25:99"}, "CRM_DIGEST_AT"),
        (
            {"DEBUG": "true", "STAFF_TOTP_REQUIRED_ROLES": "administrator,boss"},
            "STAFF_TOTP_REQUIRED_ROLES",
        ),
        ({"DEBUG": "true", "PAYMENT_PROVIDER": "paypal"}, "PAYMENT_PROVIDER"),
        ({"DEBUG": "true", "PAYMENT_PROVIDER": "stripe"}, "STRIPE_SECRET_KEY"),
        (
            {"DEBUG": "true", "PAYMENT_PROVIDER": "stripe", "STRIPE_SECRET_KEY": "pk_live_x"},
            "STRIPE_SECRET_KEY",
        ),
        (
            {"DEBUG": "true", "PAYMENT_PROVIDER": "stripe", "STRIPE_SECRET_KEY": "sk_test_x"},
            "STRIPE_WEBHOOK_SECRET",
        ),
    ],
)
def test_a_bad_setting_fails_the_start_with_one_line_naming_it(env_vars, variable):
    done = manage_check(**env_vars)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"kramar: configuration error: {variable}: ")
    assert "Traceback" not in done.stderr


def test_production_settings_start_when_the_required_variables_are_given():
    done = manage_check(DEBUG="false", SECRET_KEY=GOOD_SECRET, ALLOWED_HOSTS="shop.example.com")
    assert done.returncode == 0, done.stderr


def test_env_reads_typed_values():
    env = Env({"A": " yes ", "B": "0", "N": "12", "L": "a, b,,c", "E": ""})
    assert env.flag("A", default=False) is True
    assert env.flag("B", default=True) is False
    assert env.flag("MISSING", default=True) is True
    assert env.number("N", default=1) == 12
    assert env.number("E", default=7) == 7
    assert env.items("L") == ["a", "b", "c"]
    assert env.text("MISSING", default="x") == "x"


def test_env_reads_choices_and_provider_secrets():
    env = Env({"P": " Stripe ", "K": "sk_test_1", "W": "nope"})
    assert env.choice("P", ("sandbox", "stripe"), default="sandbox") == "stripe"
    assert env.choice("MISSING", ("sandbox", "stripe"), default="sandbox") == "sandbox"
    assert env.secret("K", prefixes=("sk_", "rk_"), required=True) == "sk_test_1"
    assert env.secret("MISSING", prefixes=("sk_",), required=False) == ""
    with pytest.raises(SettingsError, match="must start with whsec_"):
        env.secret("W", prefixes=("whsec_",), required=False)


def test_env_parses_database_urls():
    env = Env(
        {"PG": "postgres://postgres@127.0.0.1:5432/kramar", "LITE": "sqlite:////srv/kramar/k.db"}
    )
    pg = env.database("PG", default="")
    assert pg["ENGINE"] == "django.db.backends.postgresql" and pg["NAME"] == "kramar"
    assert env.database("LITE", default="")["NAME"] == "/srv/kramar/k.db"
    with pytest.raises(SettingsError, match="names no database"):
        Env({"PG": "postgres://postgres@127.0.0.1:5432/"}).database("PG", default="")


def test_env_errors_name_the_variable():
    with pytest.raises(SettingsError) as error:
        Env({}).text("SITE_URL")
    assert error.value.variable == "SITE_URL"
    assert str(error.value) == "SITE_URL: is required but not set"
