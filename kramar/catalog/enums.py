from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class VatRate(models.TextChoices):
    """Ukrainian VAT (ПДВ) rates; prices are kept with VAT included, as the shop shows them."""

    STANDARD = "20", _("20% (standard)")
    REDUCED = "7", _("7% (medicines, medical goods)")
    ZERO = "0", _("0% (export and zero-rated goods)")
    EXEMPT = "exempt", _("Not subject to VAT")

    @property
    def percent(self) -> Decimal:
        return Decimal("0") if self == VatRate.EXEMPT else Decimal(self.value)


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class CatalogErrorCode(models.TextChoices):
    NAME_REQUIRED = "catalog.name_required"
    SLUG_TAKEN = "catalog.slug_taken"
    SKU_TAKEN = "catalog.sku_taken"
    BAD_PRICE = "catalog.bad_price"
    BAD_QUANTITY = "catalog.bad_quantity"
    GROUP_CYCLE = "catalog.group_cycle"
    NOT_A_SUPPLIER = "catalog.not_a_supplier"
    BAD_IMAGE = "catalog.bad_image"
    BELOW_ALLOCATED = "catalog.below_allocated"
    NOT_FOUND = "catalog.not_found"
    COUNTS_REFUSED = "catalog.counts_refused"
    BAD_POSITION = "catalog.bad_position"
    # The CSV import: refusals of the whole file, then of one row.
    FILE_TOO_LARGE = "catalog.file_too_large"
    FILE_NOT_CSV = "catalog.file_not_csv"
    FILE_EMPTY = "catalog.file_empty"
    COLUMNS_MISSING = "catalog.columns_missing"
    BAD_VAT_RATE = "catalog.bad_vat_rate"
    BAD_VALUE = "catalog.bad_value"
    UNKNOWN_ATTRIBUTE = "catalog.unknown_attribute"
    UNKNOWN_WAREHOUSE = "catalog.unknown_warehouse"
    UNKNOWN_SUPPLIER = "catalog.unknown_supplier"
    SKU_OF_ANOTHER_PRODUCT = "catalog.sku_of_another_product"
