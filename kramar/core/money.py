"""Money: always Decimal, always with a currency; UAH by default."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models

CENTS = Decimal("0.01")


def quantize(amount: Decimal | int | str) -> Decimal:
    """Return the amount rounded half-up to kopiykas (cents); floats are refused."""
    if isinstance(amount, float):
        raise TypeError("money is never a float; pass Decimal, int or str")
    return Decimal(amount).quantize(CENTS, rounding=ROUND_HALF_UP)


def default_currency() -> str:
    currency: str = settings.DEFAULT_CURRENCY
    return currency


class MoneyField(models.DecimalField):  # type: ignore[type-arg]
    """A Decimal amount with 14 digits, 2 of them after the point."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


class CurrencyField(models.CharField):  # type: ignore[type-arg]
    """An ISO 4217 code, UAH unless said otherwise."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max_length", 3)
        kwargs.setdefault("default", "UAH")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
