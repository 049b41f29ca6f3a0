"""Bank statement parsers: CSV (a documented column layout) and ISO 20022 camt.053 XML.

Each returns a :class:`ParsedStatement` of plain entries; matching them to clients and invoices
is billing's services' work. A file that is neither, or has a row that cannot be read, is
refused whole with the row numbers (nothing is imported from half a file).
"""

from __future__ import annotations

from kramar.billing.statements.base import Entry, ParsedStatement, StatementError
from kramar.billing.statements.camt053 import parse_camt053
from kramar.billing.statements.csv import parse_csv

__all__ = ["Entry", "ParsedStatement", "StatementError", "parse", "parse_camt053", "parse_csv"]


def parse(content: bytes) -> ParsedStatement:
    """Parse a statement file of either format, told apart by its first character."""
    text_start = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if text_start == b"<":
        return parse_camt053(content)
    return parse_csv(content)
