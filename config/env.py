"""Read Kramar's settings from the environment, failing with one clear line per bad variable.

Every reader raises :class:`SettingsError` naming the variable, so that ``manage.py``, the WSGI
entry point and the worker can print a single line and exit instead of a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import dj_database_url

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


class SettingsError(Exception):
    """A setting in the environment is missing or malformed."""

    def __init__(self, variable: str, problem: str) -> None:
        self.variable = variable
        self.problem = problem
        super().__init__(f"{variable}: {problem}")


class Env:
    """Typed access to a mapping of environment variables (``os.environ`` by default)."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = os.environ if environ is None else environ

    def _raw(self, name: str) -> str | None:
        value = self.environ.get(name)
        return None if value is None else value.strip()

    def text(self, name: str, default: str | None = None) -> str:
        """Return the variable, the default, or fail when neither is there."""
        value = self._raw(name)
        if value:
            return value
        if default is None:
            raise SettingsError(name, "is required but not set")
        return default

    def flag(self, name: str, default: bool) -> bool:
        value = self._raw(name)
        if value is None:
            return default
        word = value.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise SettingsError(name, f"must be true or false (1/0, yes/no, on/off), got {value!r}")

    def number(self, name: str, default: int, *, minimum: int | None = None) -> int:
        value = self._raw(name)
        if not value:
            return default
        try:
            number = int(value)
        except ValueError:
            raise SettingsError(name, f"must be a whole number, got {value!r}") from None
        if minimum is not None and number < minimum:
            raise SettingsError(name, f"must be at least {minimum}, got {number}")
        return number

    def items(self, name: str, default: list[str] | None = None) -> list[str]:
        value = self._raw(name)
        if not value:
            if default is None:
                raise SettingsError(name, "is required but not set (a comma-separated list)")
            return list(default)
        return [item.strip() for item in value.split(",") if item.strip()]

    def integers(self, name: str, default: list[int]) -> list[int]:
        """Return a comma-separated list of whole numbers (e.g. "-3,1,7"), sorted, no repeats."""
        value = self._raw(name)
        if not value:
            return sorted(set(default))
        try:
            return sorted({int(item) for item in value.split(",") if item.strip()})
        except ValueError:
            raise SettingsError(name, f"must be whole numbers with commas, got {value!r}") from None

    def choice(self, name: str, choices: tuple[str, ...], default: str) -> str:
        """Return one of the allowed words (case-insensitive), the default when unset."""
        value = (self._raw(name) or default).lower()
        if value not in choices:
            raise SettingsError(name, f"must be one of {', '.join(choices)}, got {value!r}")
        return value

    def secret(self, name: str, *, prefixes: tuple[str, ...], required: bool) -> str:
        """Return a provider's secret that starts with one of its documented prefixes; empty
        when not required and not set."""
        value = self._raw(name) or ""
        if not value:
            if required:
                raise SettingsError(name, "is required but not set")
            return ""
        if not value.startswith(prefixes):
            raise SettingsError(name, f"must start with {' or '.join(prefixes)}")
        return value

    def secret_key(self, name: str, *, debug: bool) -> str:
        """Return the secret key; outside DEBUG it must be set, long and varied."""
        value = self._raw(name)
        if not value:
            if debug:
                return "django-insecure-kramar-development-only-never-use-in-production"
            raise SettingsError(name, "is required when DEBUG is off")
        if not debug and (len(value) < 50 or len(set(value)) < 5):
            raise SettingsError(name, "must be at least 50 characters with 5 different ones")
        return value

    def database(self, name: str, default: str) -> dict[str, Any]:
        """Parse a database URL: ``sqlite:///path`` or ``postgres://user@host:port/name``."""
        url = self._raw(name) or default
        scheme = url.split(":", 1)[0].lower()
        if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
            raise SettingsError(
                name, f"scheme {scheme!r} is not supported; use sqlite:///path or postgres://..."
            )
        try:
            config = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
        except (ValueError, KeyError) as exc:
            raise SettingsError(name, f"cannot be parsed: {exc}") from None
        if not config.get("NAME"):
            raise SettingsError(name, "names no database")
        return config

    def redis_url(self, name: str) -> str | None:
        value = self._raw(name)
        if not value:
            return None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise SettingsError(
                name, f"must start with redis://, rediss:// or unix://, got {value!r}"
            )
        return value

    def clock(self, name: str, default: str) -> str:
        """Return a local time of day as "HH:MM"."""
        from datetime import time

        value = self._raw(name) or default
        try:
            parsed = time.fromisoformat(value)
        except ValueError:
            raise SettingsError(
                name, f"must be a time of day such as 07:30, got {value!r}"
            ) from None
        return parsed.strftime("%H:%M")
