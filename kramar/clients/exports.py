"""The client list as CSV: exactly the clients the list shows its viewer (M3, M12).

The rows come from ``selectors.client_list(viewer=…)`` with the list's filters, so an export can
never hold a client its reader may not see. A cell starting with ``=``, ``+``, ``-`` or ``@`` is
prefixed with an apostrophe so a spreadsheet does not run it as a formula (CSV injection).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from kramar.clients.models import Client

COLUMNS = (
    "id", "kind", "name", "legal_name", "emails", "phones", "manager", "department", "region",
    "industry", "tags", "customer", "supplier", "partner", "source", "last_contact",
)  # fmt: skip
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value: str) -> str:
        return value


def _safe(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def client_rows(clients: Iterable[Client]) -> Iterator[list[str]]:
    """Yield the header and a row per client (prefetched as ``client_list`` does)."""
    yield list(COLUMNS)
    for client in clients:
        yield [
            _safe(cell)
            for cell in (
                client.pk,
                client.kind,
                client.name,
                client.legal_name,
                " ".join(e.email for e in client.emails.all()),
                " ".join(p.number for p in client.phones.all()),
                client.manager.email if client.manager else "",
                client.department.code if client.department else "",
                client.region.name if client.region else "",
                client.industry.name if client.industry else "",
                " ".join(t.name for t in client.tags.all()),
                int(client.is_customer),
                int(client.is_supplier),
                int(client.is_partner),
                client.source,
                client.last_contact_at.isoformat() if client.last_contact_at else "",
            )
        ]


def clients_csv(clients: Iterable[Client]) -> Iterator[str]:
    """Stream the rows as CSV text (UTF-8 with a BOM first, so spreadsheets read Cyrillic)."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in client_rows(clients):
        yield writer.writerow(row)
