"""The catalogue's CSV export: a row per variant, the columns that the import reads back.

The columns and their rules are described in ``docs/catalogue-office.md``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from kramar.catalog.models import Variant
from kramar.catalog.parsing import format_amount, format_pairs
from kramar.catalog.selectors import group_paths

COLUMNS = (
    "sku", "product", "slug", "group", "brand", "variant", "price", "old_price", "cost",
    "vat_rate", "active", "attributes", "stock", "supplier",
)  # fmt: skip


class _Echo:
    """A file-like object whose ``write`` hands back what it was given (for streaming)."""

    def write(self, value: str) -> str:
        return value


def export_rows(
    variants: Iterable[Variant], *, group_names: dict[int, str], for_spreadsheet: bool = False
) -> Iterator[list[str]]:
    """Yield the CSV rows of these variants (prefetched by ``selectors.variants_for_export``),
    the header first. ``for_spreadsheet`` writes amounts with a decimal comma."""
    yield list(COLUMNS)
    for variant in variants:
        product = variant.product
        values = sorted(
            variant.values.all(), key=lambda v: (v.attribute.position, v.attribute.name)
        )
        stocks = sorted(
            variant.stocks.all(), key=lambda s: (s.warehouse.position, s.warehouse.code)
        )
        yield [
            variant.sku,
            product.name,
            product.slug,
            group_names.get(product.group_id, ""),
            product.brand,
            variant.name,
            format_amount(variant.price, decimal_comma=for_spreadsheet),
            format_amount(variant.old_price, decimal_comma=for_spreadsheet),
            format_amount(variant.cost, decimal_comma=for_spreadsheet),
            product.vat_rate,
            "1" if variant.is_active else "0",
            format_pairs((value.attribute.name, value.value) for value in values),
            format_pairs((stock.warehouse.code, stock.quantity) for stock in stocks),
            product.supplier.name if product.supplier else "",
        ]


def export_csv(variants: Iterable[Variant], *, for_spreadsheet: bool = False) -> Iterator[str]:
    """Yield the CSV text of these variants a line at a time (for a streaming response).

    Plain: "," and decimal points. ``for_spreadsheet``: a byte-order mark, ";" and decimal
    commas, which is what a spreadsheet set to Ukrainian opens in columns.
    """
    group_names = group_paths()
    writer = csv.writer(_Echo(), delimiter=";" if for_spreadsheet else ",")
    if for_spreadsheet:
        yield "\ufeff"
    for row in export_rows(variants, group_names=group_names, for_spreadsheet=for_spreadsheet):
        yield writer.writerow(row)
