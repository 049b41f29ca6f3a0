"""Invoice and credit-note lines: checked and priced in Decimal (prices include VAT)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from kramar.billing.enums import BillingErrorCode
from kramar.core.errors import ApplicationError
from kramar.core.money import quantize

VAT_RATES = (Decimal("20"), Decimal("14"), Decimal("7"), Decimal("0"))
MAX_LINES = 200
MAX_AMOUNT = Decimal("999999999999.99")


@dataclass(frozen=True)
class LineIn:
    """One line as given: a price per unit with VAT included, and the VAT rate in percent."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal = Decimal("20")
    unit: str = "шт."


@dataclass(frozen=True)
class PricedLine:
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    vat_rate: Decimal
    total: Decimal
    vat_amount: Decimal


def vat_of(gross: Decimal, rate: Decimal) -> Decimal:
    """Return the VAT inside a VAT-inclusive amount (20%: gross × 20 / 120)."""
    if not rate:
        return Decimal("0.00")
    return quantize(gross * rate / (100 + rate))


def _bad(index: int, field: str, message: str) -> ApplicationError:
    return ApplicationError(
        BillingErrorCode.BAD_LINE, message, extra={"field": f"lines.{index}.{field}"}
    )


def lines_priced(lines: Sequence[LineIn]) -> list[PricedLine]:
    """Check every line and compute its total and VAT; refuse the first wrong one."""
    if not lines:
        raise ApplicationError(
            BillingErrorCode.NO_LINES, _("An invoice needs at least one line."),
            extra={"field": "lines"},
        )  # fmt: skip
    if len(lines) > MAX_LINES:
        raise ApplicationError(
            BillingErrorCode.NO_LINES, _("Too many lines."), extra={"field": "lines"}
        )
    priced = []
    for index, line in enumerate(lines):
        description = " ".join(str(line.description).split())[:255]
        if not description:
            raise _bad(index, "description", _("Say what the line is for."))
        try:
            quantity = Decimal(line.quantity).quantize(Decimal("0.001"))
            price = quantize(line.unit_price)
            rate = Decimal(line.vat_rate)
        except (InvalidOperation, TypeError, ValueError):
            raise _bad(index, "quantity", _("Give numbers for quantity and price.")) from None
        if not quantity.is_finite() or quantity <= 0 or quantity > Decimal("999999999"):
            raise _bad(index, "quantity", _("The quantity must be above zero."))
        if not price.is_finite() or price < 0 or price > MAX_AMOUNT:
            raise _bad(index, "unit_price", _("The price cannot be negative."))
        if rate not in VAT_RATES:
            raise _bad(index, "vat_rate", _("VAT is 20, 14, 7 or 0 percent."))
        total = quantize(quantity * price)
        if total > MAX_AMOUNT:
            raise _bad(index, "quantity", _("The line's total is too large."))
        priced.append(
            PricedLine(
                description=description,
                quantity=quantity,
                unit=(str(line.unit).strip() or "шт.")[:12],
                unit_price=price,
                vat_rate=rate,
                total=total,
                vat_amount=vat_of(total, rate),
            )
        )
    return priced
