"""Prices: kept with VAT included; the VAT inside a gross amount is computed, never stored twice."""

from __future__ import annotations

from decimal import Decimal

from kramar.catalog.enums import VatRate
from kramar.core.money import quantize


def vat_in(gross: Decimal, rate: VatRate | str) -> Decimal:
    """Return the VAT contained in a VAT-inclusive amount (20% of net = gross × 20 / 120)."""
    percent = VatRate(rate).percent
    if not percent:
        return Decimal("0.00")
    return quantize(gross * percent / (100 + percent))
