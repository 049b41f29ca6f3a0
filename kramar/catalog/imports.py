"""The import of the catalogue's CSV (the columns that ``exports`` writes).

An import is a :class:`ProductImport` row and its file. :func:`product_import_start` refuses a
file that cannot be read as a whole (too large, not UTF-8 text, a required column missing) and
otherwise enqueues the worker, which runs :func:`product_import_run_batch` a batch of rows at a
time, each batch its own task, so the page's progress bar moves and no task runs for long. Each
row is written in its own transaction: a bad row is recorded in ``errors`` (row, column,
message) and skipped, the good ones land. Rows create or update variants by SKU.

The columns (``COLUMNS``) and their rules are described in ``docs/catalogue-office.md``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_slug
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.accounts.models import User
from kramar.catalog.enums import CatalogErrorCode, ImportStatus, VatRate
from kramar.catalog.exports import COLUMNS
from kramar.catalog.models import (
    Attribute,
    Product,
    ProductGroup,
    ProductImport,
    Variant,
    Warehouse,
)
from kramar.catalog.parsing import (
    parse_amount,
    parse_flag,
    parse_pairs,
    parse_whole,
)
from kramar.catalog.selectors import suppliers
from kramar.catalog.services import (
    VariantData,
    attribute_value,
    group_create,
    product_create,
    product_update,
    stock_set,
    variant_add,
    variant_update,
)
from kramar.catalog.text import fold_text
from kramar.clients.models import Client
from kramar.core.errors import ApplicationError

REQUIRED_COLUMNS = ("sku", "product", "group", "price")
GROUP_SEPARATOR = "/"
MAX_FILE_BYTES = 20 * 1024 * 1024
BATCH_SIZE = 250
MAX_ERRORS = 1000
DELIMITERS = (";", ",", "\t")

# Where a service's refusal about a field shows in the file.
_COLUMN_OF_FIELD = {
    "name": "product", "slug": "slug", "supplier": "supplier", "sku": "sku", "price": "price",
    "old_price": "old_price", "cost": "cost", "quantity": "stock",
}  # fmt: skip
_LIMITS = {"product": 200, "brand": 80, "variant": 120, "slug": 220, "sku": 64}
_VAT_WORDS = {"без пдв": VatRate.EXEMPT, "не платник пдв": VatRate.EXEMPT}


# --- Reading a file -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """How a CSV file is laid out: its delimiter and where each known column is."""

    delimiter: str
    columns: dict[str, int]

    def has(self, column: str) -> bool:
        return column in self.columns


def read_text(raw: bytes) -> str:
    """Return the file's text: UTF-8, with or without a byte-order mark; refuse anything else."""
    if b"\x00" in raw[:65536]:
        raise ApplicationError(
            CatalogErrorCode.FILE_NOT_CSV,
            _("This is not a CSV file: it holds binary data. Export the sheet as “CSV UTF-8”."),
            extra={"field": "file"},
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApplicationError(
            CatalogErrorCode.FILE_NOT_CSV,
            _("This is not a CSV file in UTF-8. Export the sheet as “CSV UTF-8” and try again."),
            extra={"field": "file"},
        ) from None


def read_table(text: str) -> Table:
    """Find the delimiter (";", "," or a tab: the one that splits the header into the most
    known columns) and the columns; refuse a file that lacks a required one."""
    best: Table | None = None
    for delimiter in DELIMITERS:
        header = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
        columns: dict[str, int] = {}
        for index, name in enumerate(header):
            key = name.strip().strip("\ufeff").casefold()
            if key in COLUMNS and key not in columns:
                columns[key] = index
        if best is None or len(columns) > len(best.columns):
            best = Table(delimiter=delimiter, columns=columns)
    if best is None or not text.strip():
        raise ApplicationError(
            CatalogErrorCode.FILE_EMPTY, _("The file is empty."), extra={"field": "file"}
        )
    missing = [column for column in REQUIRED_COLUMNS if not best.has(column)]
    if missing:
        raise ApplicationError(
            CatalogErrorCode.COLUMNS_MISSING,
            _(
                "The file lacks the required columns %(missing)s. The first row must name the "
                "columns; these are known: %(known)s."
            )
            % {"missing": ", ".join(missing), "known": ", ".join(COLUMNS)},
            extra={"field": "file", "missing": missing},
        )
    return best


def data_rows(text: str, table: Table) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(row number, cells)`` of the rows after the header, skipping empty ones; the
    number is the row's number in a spreadsheet (the header is row 1)."""
    reader = csv.reader(io.StringIO(text), delimiter=table.delimiter)
    next(reader, None)
    for index, cells in enumerate(reader, start=2):
        if any(cell.strip() for cell in cells):
            yield index, cells


def _too_large() -> ApplicationError:
    return ApplicationError(
        CatalogErrorCode.FILE_TOO_LARGE,
        _("The file is larger than %(mb)d MB; split it into smaller files.")
        % {"mb": MAX_FILE_BYTES // (1024 * 1024)},
        extra={"field": "file"},
    )


def _checked_file(file: UploadedFile[bytes]) -> tuple[bytes, int]:
    """Return the file's bytes and how many rows it has, or refuse it whole."""
    if (file.size or 0) > MAX_FILE_BYTES:
        raise _too_large()
    raw = file.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:  # the size an upload declares is not proof
        raise _too_large()
    text = read_text(raw)
    total = sum(1 for _row in data_rows(text, read_table(text)))
    if not total:
        raise ApplicationError(
            CatalogErrorCode.FILE_EMPTY,
            _("The file has a header but no rows."),
            extra={"field": "file"},
        )
    return raw, total


# --- Starting and running an import ------------------------------------------------------------


@transaction.atomic
def product_import_start(*, file: UploadedFile[bytes], actor: User | None) -> ProductImport:
    """Keep an uploaded CSV and enqueue its import; refuse a file that cannot be read whole."""
    raw, total = _checked_file(file)
    name = (file.name or "products.csv").rsplit("/", 1)[-1][:80]
    job = ProductImport(created_by=actor, total_rows=total, status=ImportStatus.QUEUED)
    job.file.save(name, ContentFile(raw), save=False)
    job.save()
    _enqueue_batch(job.pk, 0)
    return job


def _enqueue_batch(import_id: int, start: int) -> None:
    # Imported here: the task module imports this one.
    from kramar.catalog.tasks import product_import_batch

    transaction.on_commit(lambda: product_import_batch.enqueue(import_id, start))


@dataclass
class BatchOutcome:
    processed: int = 0
    created: int = 0
    updated: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


def product_import_run_batch(*, import_id: int, start: int) -> int | None:
    """Import the rows ``start`` to ``start + BATCH_SIZE`` of an import; enqueue the next batch.

    Return the start of the next batch, or None when the import is over (or when this batch was
    already run: a repeated task changes nothing).
    """
    with transaction.atomic():
        job = ProductImport.objects.select_for_update().filter(pk=import_id).first()
        if job is None or job.status in (ImportStatus.DONE, ImportStatus.FAILED):
            return None
        if job.processed_rows != start:
            return None
        if job.status == ImportStatus.QUEUED:
            job.status = ImportStatus.RUNNING
            job.save(update_fields=["status", "updated_at"])
    try:
        with job.file.open("rb") as stored:
            text = read_text(stored.read())
        table = read_table(text)
    except (ApplicationError, OSError) as error:
        product_import_fail(import_id=import_id, message=str(getattr(error, "message", error)))
        return None
    outcome = BatchOutcome()
    lookups = Lookups()
    for number, cells in islice(data_rows(text, table), start, start + BATCH_SIZE):
        outcome.processed += 1
        errors, created = import_row(number=number, cells=cells, table=table, lookups=lookups)
        if errors:
            outcome.errors.extend(errors)
        elif created:
            outcome.created += 1
        else:
            outcome.updated += 1
    return _record_batch(import_id=import_id, start=start, outcome=outcome)


@transaction.atomic
def _record_batch(*, import_id: int, start: int, outcome: BatchOutcome) -> int | None:
    job = ProductImport.objects.select_for_update().get(pk=import_id)
    if job.processed_rows != start or job.status != ImportStatus.RUNNING:
        return None  # a twin of this task recorded the batch first (its rows were the same)
    room = max(MAX_ERRORS - len(job.errors), 0)
    job.errors = [*job.errors, *outcome.errors[:room]]
    job.processed_rows = start + outcome.processed
    job.created_count = F("created_count") + outcome.created
    job.updated_count = F("updated_count") + outcome.updated
    over = outcome.processed < BATCH_SIZE or job.processed_rows >= job.total_rows
    fields = ["errors", "processed_rows", "created_count", "updated_count", "updated_at"]
    if over:
        job.status = ImportStatus.DONE
        job.finished_at = timezone.now()
        job.total_rows = job.processed_rows
        fields += ["status", "finished_at", "total_rows"]
    job.save(update_fields=fields)
    if over:
        return None
    _enqueue_batch(import_id, job.processed_rows)
    return job.processed_rows


@transaction.atomic
def product_import_fail(*, import_id: int, message: str) -> None:
    """Stop an import that cannot go on, saying why (the rows written so far stay)."""
    job = ProductImport.objects.select_for_update().filter(pk=import_id).first()
    if job is None or job.status == ImportStatus.DONE:
        return
    job.status = ImportStatus.FAILED
    job.finished_at = timezone.now()
    job.errors = [*job.errors, {"row": None, "column": "", "message": message}]
    job.save(update_fields=["status", "finished_at", "errors", "updated_at"])


def failed_rows(job: ProductImport) -> int:
    """Return how many rows of an import were refused (its error list keeps the first ones)."""
    return max(job.processed_rows - job.created_count - job.updated_count, 0)


# --- One row ------------------------------------------------------------------------------------


class Lookups:
    """Reference data that rows name (attributes, warehouses, suppliers), read once a batch.

    Only what no row writes is kept here: groups and attribute values may be created by a row
    whose transaction is then rolled back, so they are looked up afresh every time.
    """

    def __init__(self) -> None:
        self.attributes: dict[str, Attribute] = {}
        for attribute in Attribute.objects.all():
            self.attributes.setdefault(fold_text(attribute.name), attribute)
            self.attributes.setdefault(fold_text(attribute.code), attribute)
        self.warehouses = {w.code.casefold(): w for w in Warehouse.objects.all()}
        self._suppliers: dict[str, list[Client]] = {}

    def suppliers_named(self, name: str) -> list[Client]:
        key = " ".join(name.casefold().split())
        if key not in self._suppliers:
            self._suppliers[key] = list(suppliers().filter(name_key=key)[:2])
        return self._suppliers[key]


class RowError(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


@dataclass
class ParsedRow:
    """A row's values, parsed; a column missing from the file is absent from these dicts, so an
    update leaves that field as it is."""

    sku: str
    group_path: list[str]
    slug: str
    product: dict[str, Any] = field(default_factory=dict)
    variant: dict[str, Any] = field(default_factory=dict)
    attributes: list[tuple[Attribute, str]] | None = None
    stock: list[tuple[Warehouse, int]] = field(default_factory=list)


def import_row(
    *, number: int, cells: list[str], table: Table, lookups: Lookups
) -> tuple[list[dict[str, Any]], bool]:
    """Write one row in its own transaction. Return its errors (the row is then skipped) and
    whether it created a variant (rather than updating one)."""
    parsed, errors = parse_row(cells, table, lookups)
    if parsed is None:
        return [{"row": number, **error} for error in errors], False
    try:
        with transaction.atomic():
            created = _write_row(parsed)
    except RowError as error:
        return [{"row": number, "column": error.column, "message": error.message}], False
    except ApplicationError as error:
        column = _COLUMN_OF_FIELD.get(str(error.extra.get("field", "")), "")
        return [{"row": number, "column": column, "message": str(error.message)}], False
    except DatabaseError as error:
        message = _("The database refused the row: %(error)s") % {"error": error}
        return [{"row": number, "column": "", "message": message}], False
    return [], created


def parse_row(
    cells: list[str], table: Table, lookups: Lookups
) -> tuple[ParsedRow | None, list[dict[str, str]]]:
    """Parse every cell of a row; return the row, or None and an error for each bad cell."""
    errors: list[dict[str, str]] = []

    def cell(column: str) -> str:
        index = table.columns.get(column)
        if index is None or index >= len(cells):
            return ""
        return cells[index].strip()

    def parsed(column: str, parse: Any) -> Any:
        try:
            return parse(cell(column))
        except (ValueError, RowError) as error:
            errors.append({"column": column, "message": str(getattr(error, "message", error))})
            return None

    for column, limit in _LIMITS.items():
        if len(cell(column)) > limit:
            errors.append(
                {
                    "column": column,
                    "message": _("At most %(n)d characters.") % {"n": limit},
                }
            )
    row = ParsedRow(
        sku=cell("sku"),
        slug=cell("slug"),
        group_path=parsed("group", _group_path) or [],
    )
    if not row.sku:
        errors.append({"column": "sku", "message": _("Every row needs a SKU.")})
    if not cell("product"):
        errors.append({"column": "product", "message": _("Every row needs the product's name.")})
    row.product["name"] = cell("product")
    price = parsed("price", parse_amount)
    if price is None and not any(e["column"] == "price" for e in errors):
        errors.append({"column": "price", "message": _("Every row needs a price.")})
    row.variant["price"] = price
    if row.slug:
        parsed("slug", validate_slug_text)
    optional = {
        "brand": (row.product, "brand", str),
        "variant": (row.variant, "name", str),
        "old_price": (row.variant, "old_price", parse_amount),
        "cost": (row.variant, "cost", lambda text: parse_amount(text) or Decimal("0.00")),
        "active": (row.variant, "is_active", parse_flag),
        "supplier": (row.product, "supplier", lambda text: _supplier(text, lookups)),
    }
    for column, (target, name, parse) in optional.items():
        if table.has(column):
            target[name] = parsed(column, parse)
    if table.has("vat_rate") and cell("vat_rate"):
        row.product["vat_rate"] = parsed("vat_rate", _vat_rate)
    if table.has("attributes"):
        row.attributes = parsed("attributes", lambda text: _attributes(text, lookups))
    if table.has("stock"):
        row.stock = parsed("stock", lambda text: _stock(text, lookups)) or []
    return (None, errors) if errors else (row, [])


def validate_slug_text(text: str) -> str:
    try:
        validate_slug(text)
    except ValidationError:
        raise ValueError(_("An address part is Latin letters, digits, “-” and “_” only.")) from None
    return text


def _group_path(text: str) -> list[str]:
    names = [" ".join(part.split()) for part in text.split(GROUP_SEPARATOR)]
    if not text.strip() or not all(names):
        raise ValueError(
            _("Name the product group from the top, separated by “ / ” (Меблі / Стільці).")
        )
    if any(len(name) > 120 for name in names):
        raise ValueError(_("A group's name is at most 120 characters."))
    return names


def _vat_rate(text: str) -> VatRate:
    word = " ".join(text.replace("%", "").casefold().split())
    if word in VatRate.values:
        return VatRate(word)
    if word in _VAT_WORDS:
        return _VAT_WORDS[word]
    raise ValueError(
        _("Unknown VAT rate “%(value)s”; use one of: %(rates)s.")
        % {"value": text, "rates": ", ".join(VatRate.values)}
    )


def _supplier(text: str, lookups: Lookups) -> Client | None:
    if not text:
        return None
    found = lookups.suppliers_named(text)
    if not found:
        raise RowError(
            "supplier",
            _("No supplier is named “%(name)s” (a company marked as a supplier).") % {"name": text},
        )
    if len(found) > 1:
        raise RowError(
            "supplier",
            _("Several suppliers are named “%(name)s”; merge the duplicates first.")
            % {"name": text},
        )
    return found[0]


def _attributes(text: str, lookups: Lookups) -> list[tuple[Attribute, str]]:
    pairs = []
    for name, value in parse_pairs(text):
        attribute = lookups.attributes.get(fold_text(name))
        if attribute is None:
            raise RowError(
                "attributes",
                _("No attribute is named “%(name)s”; known: %(known)s.")
                % {
                    "name": name,
                    "known": ", ".join(sorted({a.name for a in lookups.attributes.values()})),
                },
            )
        if len(value) > 80:
            raise RowError("attributes", _("An attribute value is at most 80 characters."))
        pairs.append((attribute, value))
    return pairs


def _stock(text: str, lookups: Lookups) -> list[tuple[Warehouse, int]]:
    counts = []
    for code, quantity in parse_pairs(text):
        warehouse = lookups.warehouses.get(code.casefold())
        if warehouse is None:
            raise RowError(
                "stock",
                _("No warehouse has the code “%(code)s”; known: %(known)s.")
                % {"code": code, "known": ", ".join(sorted(lookups.warehouses)) or "—"},
            )
        counts.append((warehouse, parse_whole(quantity)))
    return counts


def _group_for(names: list[str]) -> ProductGroup:
    """Return the group at this path of names, creating the missing ones (case is ignored)."""
    parent: ProductGroup | None = None
    for name in names:
        siblings = ProductGroup.objects.filter(parent=parent)
        wanted = fold_text(name)
        found = next((g for g in siblings if fold_text(g.name) == wanted), None)
        parent = found or group_create(name=name, parent=parent)
    if parent is None:  # parse_row lets no empty path through
        raise RowError("group", _("Name the product group."))
    return parent


def _write_row(row: ParsedRow) -> bool:
    """Create or update the row's variant (and product); return True if it was created."""
    group = _group_for(row.group_path)
    product_fields = {**row.product, "group": group}
    variant_fields = dict(row.variant)
    if row.attributes is not None:
        variant_fields["values"] = [
            attribute_value(attribute=attribute, value=text) for attribute, text in row.attributes
        ]
    variant = (
        Variant.objects.select_related("product__group", "product__supplier")
        .filter(sku=row.sku)
        .first()
    )
    created = variant is None
    if variant is not None:
        product = variant.product
        if row.slug and row.slug != product.slug:
            raise RowError(
                "slug",
                _("SKU “%(sku)s” belongs to “%(product)s” (%(slug)s); a variant cannot move to "
                  "another product.") % {"sku": row.sku, "product": product.name,
                                         "slug": product.slug},
            )  # fmt: skip
        _update_product(product, product_fields)
        _update_variant(variant, variant_fields)
    else:
        joined = _product_for(row, group)
        data = VariantData(
            sku=row.sku,
            price=variant_fields["price"],
            name=variant_fields.get("name", ""),
            old_price=variant_fields.get("old_price"),
            cost=variant_fields.get("cost", Decimal("0.00")),
            values=variant_fields.get("values", ()),
            is_active=variant_fields.get("is_active", True),
        )
        if joined is None:
            made = product_create(slug=row.slug, variants=[data], **product_fields)
            variant = made.variants.get(sku=row.sku)
        else:
            _update_product(joined, product_fields)
            variant = variant_add(product=joined, data=data)
    for warehouse, quantity in row.stock:
        stock_set(variant=variant, warehouse=warehouse, quantity=quantity)
    return created


def _product_for(row: ParsedRow, group: ProductGroup) -> Product | None:
    """Return the product a new SKU joins: the one with the row's slug or, without a slug, the
    one of the same name in the same group; None when there is none (it is created)."""
    if row.slug:
        return Product.objects.filter(slug=row.slug).first()
    return Product.objects.filter(group=group, name=row.product["name"]).order_by("pk").first()


def _update_product(product: Product, fields: dict[str, Any]) -> None:
    changes = {name: value for name, value in fields.items() if getattr(product, name) != value}
    if changes:
        product_update(product=product, **changes)


def _update_variant(variant: Variant, fields: dict[str, Any]) -> None:
    changes = {
        name: value
        for name, value in fields.items()
        if name != "values" and getattr(variant, name) != value
    }
    if "values" in fields and {v.pk for v in fields["values"]} != {
        v.pk for v in variant.values.all()
    }:
        changes["values"] = fields["values"]
    if changes:
        variant_update(variant=variant, **changes)
