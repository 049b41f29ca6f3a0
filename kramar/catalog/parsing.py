"""Reading what people type or what spreadsheets export: amounts with a decimal comma, yes/no
words, and the "Name=value; Name=value" lists of the catalogue's CSV and product form.

Pure functions: they raise ``ValueError`` with a message for the person, and the callers (the
CSV import, the office forms) say which column or field it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

# Spaces that spreadsheets put between thousands: ordinary, no-break, narrow no-break, thin,
# and the apostrophe some locales use.
_GROUPING = re.compile(r"[\s\u00a0\u202f\u2009'’]")
_AMOUNT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")

TRUE_WORDS = frozenset({"1", "true", "yes", "y", "так", "т", "+", "on", "active"})
FALSE_WORDS = frozenset({"0", "false", "no", "n", "ні", "н", "-", "off", "hidden"})


def parse_amount(text: str) -> Decimal | None:
    """Return the amount in ``text`` ("1 299,50", "1299.50", "1.299,50", "₴ 99"), or None when
    it is blank. A comma is the decimal separator unless a point comes after it."""
    cleaned = _GROUPING.sub("", text or "").replace("₴", "").replace("грн", "").rstrip(".")
    if not cleaned:
        return None
    if "," in cleaned and "." in cleaned:
        # The separator that comes last is the decimal one; the other groups thousands.
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    else:
        cleaned = cleaned.replace(",", ".")
    if not _AMOUNT.fullmatch(cleaned):
        raise ValueError(_("“%(value)s” is not an amount.") % {"value": text.strip()})
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise ValueError(_("“%(value)s” is not an amount.") % {"value": text.strip()}) from None


def parse_flag(text: str, *, default: bool = True) -> bool:
    """Return True or False for yes/no words in English or Ukrainian (1/0, так/ні, true/false)."""
    word = (text or "").strip().casefold()
    if not word:
        return default
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(_("“%(value)s” is neither yes (1) nor no (0).") % {"value": text.strip()})


def parse_pairs(text: str) -> list[tuple[str, str]]:
    """Return the ``(name, value)`` pairs of "Колір=чорний; Розмір=M" in their order."""
    pairs = []
    for part in (text or "").split(";"):
        if not part.strip():
            continue
        name, sign, value = part.partition("=")
        name, value = " ".join(name.split()), " ".join(value.split())
        if not sign or not name or not value:
            raise ValueError(
                _("“%(part)s” should read name=value, pairs separated by “;”.")
                % {"part": part.strip()}
            )
        pairs.append((name, value))
    return pairs


def parse_whole(text: str) -> int:
    """Return a whole number of zero or more ("5", " 12 ", "1 000")."""
    cleaned = _GROUPING.sub("", text or "")
    if not cleaned.isdigit():
        raise ValueError(
            _("“%(value)s” is not a whole number, zero or more.") % {"value": text.strip()}
        )
    return int(cleaned)


def format_pairs(pairs: Iterable[tuple[str, object]]) -> str:
    """Return pairs as "Name=value; Name=value" (the inverse of :func:`parse_pairs`)."""
    return "; ".join(f"{name}={value}" for name, value in pairs)


def format_amount(amount: Decimal | None, *, decimal_comma: bool = False) -> str:
    """Return an amount as the CSV writes it: "1299.50" (or "1299,50" for spreadsheets)."""
    if amount is None:
        return ""
    text = f"{amount:.2f}"
    return text.replace(".", ",") if decimal_comma else text
