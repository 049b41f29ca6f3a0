"""CSV statements: a header row naming the columns, then one row per entry (docs/billing.md).

Columns (any order, case-insensitive; ``;`` or ``,`` between them; UTF-8 with or without BOM):
``date`` (YYYY-MM-DD or DD.MM.YYYY), ``amount`` (positive: money in, negative: money out; ``.``
or ``,`` before the kopiykas, spaces between thousands), ``currency`` (ISO code), ``payer_name``,
``payer_code`` (ЄДРПОУ / tax number), ``payer_account`` (IBAN), ``purpose``, ``reference`` (the
bank's id of the entry) and ``account`` (our IBAN). ``date`` and ``amount`` are required.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from kramar.billing.statements.base import Entry, ParsedStatement, StatementError

REQUIRED = {"date", "amount"}
KNOWN = REQUIRED | {
    "currency", "payer_name", "payer_code", "payer_account", "purpose", "reference", "account",
}  # fmt: skip
MAX_ROWS = 20_000


def _date(raw: str) -> date:
    raw = raw.strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(raw, pattern).date()  # noqa: DTZ007  # a calendar day
        except ValueError:
            continue
    raise ValueError(raw)


def _amount(raw: str) -> Decimal:
    cleaned = raw.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    value = Decimal(cleaned)
    if not value.is_finite() or value == 0 or abs(value) > Decimal("999999999999.99"):
        raise ValueError(raw)
    return value.quantize(Decimal("0.01"))


def parse_csv(content: bytes) -> ParsedStatement:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StatementError("not UTF-8 text", unknown_format=True) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader, [])]
    if not set(header) >= REQUIRED or not set(header) <= KNOWN:
        raise StatementError(
            "the first row must name the columns: date, amount and optionally "
            + ", ".join(sorted(KNOWN - REQUIRED)),
            unknown_format=True,
        )
    parsed = ParsedStatement(format="csv")
    bad: list[int] = []
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if number > MAX_ROWS:
            raise StatementError(f"more than {MAX_ROWS} rows")
        cells = dict(zip(header, (cell.strip() for cell in row), strict=False))
        try:
            if len(row) != len(header):
                raise ValueError("columns")
            amount = _amount(cells["amount"])
            currency = (cells.get("currency") or "UAH").upper()
            if len(currency) != 3 or not currency.isalpha():
                raise ValueError(currency)
            entry = Entry(
                booked_on=_date(cells["date"]), amount=abs(amount), currency=currency,
                is_credit=amount > 0, payer_name=cells.get("payer_name", "")[:255],
                payer_account=cells.get("payer_account", "").replace(" ", "")[:40],
                payer_code=cells.get("payer_code", "")[:20],
                purpose=cells.get("purpose", "")[:500], bank_ref=cells.get("reference", ""),
            )  # fmt: skip
        except (ValueError, InvalidOperation, KeyError):
            bad.append(number)
            continue
        parsed.account = parsed.account or cells.get("account", "").replace(" ", "")[:40]
        parsed.entries.append(entry)
    if bad:
        raise StatementError("rows that cannot be read: " + ", ".join(map(str, bad[:20])), rows=bad)
    return parsed
