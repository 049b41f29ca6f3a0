from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


class StatementError(ValueError):
    """The file is not a statement we read, or some of its rows cannot be read."""

    def __init__(
        self, message: str, *, unknown_format: bool = False, rows: list[int] | None = None
    ):
        super().__init__(message)
        self.unknown_format = unknown_format
        self.rows = rows or []


@dataclass(frozen=True)
class Entry:
    booked_on: date
    amount: Decimal  # always positive; is_credit says the direction
    currency: str
    is_credit: bool
    payer_name: str = ""
    payer_account: str = ""
    payer_code: str = ""
    purpose: str = ""
    bank_ref: str = ""

    @property
    def entry_ref(self) -> str:
        """The bank's reference, else a stable hash of what identifies the entry."""
        if self.bank_ref:
            return self.bank_ref[:140]
        key = "|".join(
            (self.booked_on.isoformat(), str(self.amount), self.currency, str(self.is_credit),
             self.payer_account, self.payer_code, self.payer_name, self.purpose)
        )  # fmt: skip
        return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


@dataclass
class ParsedStatement:
    format: str
    account: str = ""
    entries: list[Entry] = field(default_factory=list)
