"""The catalogue: product groups (a tree, M18's "product group"), products and their variants,
attributes for facets, warehouses and stock, images, and the searches visitors make (M6).

Prices are kept in UAH with VAT included (what a Ukrainian shop shows); ``Variant.cost`` is the
purchase cost that order lines copy so that margins stay true later (M18).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kramar.audit.capture import AuditedManager
from kramar.catalog.enums import ImportStatus, VatRate
from kramar.clients.models import Client, Region
from kramar.core.models import TimeStampedModel
from kramar.core.money import MoneyField


class ProductGroup(TimeStampedModel):
    """A node of the product-group tree. ``path`` ("12.40.") makes a subtree one indexed prefix
    query; the services keep it (and ``depth``) true when a group moves."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent group"),
        related_name="children",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True, allow_unicode=False)
    description = models.TextField(_("description"), blank=True)
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("shown in the shop"), default=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("product group")
        verbose_name_plural = _("product groups")

    def __str__(self) -> str:
        return self.name


class Attribute(models.Model):
    """A property that variants differ by or that buyers filter on (size, colour, material)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_facet = models.BooleanField(_("offered as a filter"), default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")

    def __str__(self) -> str:
        return self.name


class AttributeValue(models.Model):
    attribute = models.ForeignKey(
        Attribute, verbose_name=_("attribute"), related_name="values", on_delete=models.CASCADE
    )
    value = models.CharField(_("value"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=90)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["attribute__position", "position", "value"]
        verbose_name = _("attribute value")
        verbose_name_plural = _("attribute values")
        constraints = [
            models.UniqueConstraint(fields=["attribute", "slug"], name="catalog_value_slug")
        ]

    def __str__(self) -> str:
        return f"{self.attribute.name}: {self.value}"


class Product(TimeStampedModel):
    group = models.ForeignKey(
        ProductGroup, verbose_name=_("product group"), related_name="products",
        on_delete=models.PROTECT,
    )  # fmt: skip
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    brand = models.CharField(_("brand"), max_length=80, blank=True)
    description = models.TextField(_("description"), blank=True)
    supplier = models.ForeignKey(
        Client,
        verbose_name=_("supplier"),
        related_name="supplied_products",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        limit_choices_to={"is_supplier": True},
    )
    vat_rate = models.CharField(
        _("VAT rate"), max_length=8, choices=VatRate.choices, default=VatRate.STANDARD
    )
    is_active = models.BooleanField(_("shown in the shop"), default=True)
    # Kept by the services: the lowest active variant price (sorting, price facets) and the
    # case-folded text that search reads (name, brand, group, SKUs, attribute values).
    price_from = MoneyField(_("price from"), null=True, blank=True, editable=False)
    search_document = models.TextField(blank=True, editable=False)

    objects = AuditedManager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [
            models.Index(fields=["group", "is_active", "price_from"], name="catalog_group_price"),
            models.Index(fields=["is_active", "-created_at"], name="catalog_newest"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def vat(self) -> VatRate:
        return VatRate(self.vat_rate)


class Variant(TimeStampedModel):
    """What is actually sold and stocked: one SKU of a product (e.g. the shirt in XL, blue)."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), related_name="variants", on_delete=models.CASCADE
    )
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    name = models.CharField(
        _("variant name"), max_length=120, blank=True, help_text=_("E.g. “XL, blue”.")
    )
    price = MoneyField(_("price, VAT included"))
    old_price = MoneyField(_("old price"), null=True, blank=True)
    cost = MoneyField(_("purchase cost"), default=Decimal("0.00"))
    values = models.ManyToManyField(
        AttributeValue, verbose_name=_("attribute values"), related_name="variants", blank=True
    )
    is_active = models.BooleanField(_("on sale"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    objects = AuditedManager()

    class Meta:
        ordering = ["product", "position", "id"]
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        constraints = [
            models.CheckConstraint(condition=Q(price__gt=0), name="catalog_price_positive"),
            models.CheckConstraint(condition=Q(cost__gte=0), name="catalog_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.product.name} {self.name}".strip() if self.name else self.product.name


class Warehouse(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.SET_NULL, null=True, blank=True
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("ships orders"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")

    def __str__(self) -> str:
        return self.name


class Stock(models.Model):
    """How many of a variant a warehouse holds, and how many of those are promised to orders.

    ``allocated`` never exceeds ``quantity`` (a database constraint): that is the last line of
    defence against overselling; the checkout locks these rows and checks first.
    """

    variant = models.ForeignKey(
        Variant, verbose_name=_("variant"), related_name="stocks", on_delete=models.CASCADE
    )
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), related_name="stocks", on_delete=models.PROTECT
    )
    quantity = models.PositiveIntegerField(_("on hand"), default=0)
    allocated = models.PositiveIntegerField(_("allocated to orders"), default=0)

    objects = AuditedManager()

    class Meta:
        ordering = ["variant", "warehouse__position", "warehouse__code"]
        verbose_name = _("stock")
        verbose_name_plural = _("stock")
        constraints = [
            models.UniqueConstraint(fields=["variant", "warehouse"], name="catalog_stock_once"),
            models.CheckConstraint(
                condition=Q(allocated__lte=F("quantity")), name="catalog_never_oversold"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant.sku} @ {self.warehouse.code}: {self.quantity - self.allocated}"

    @property
    def available(self) -> int:
        return self.quantity - self.allocated


class ProductImage(models.Model):
    product = models.ForeignKey(
        Product, verbose_name=_("product"), related_name="images", on_delete=models.CASCADE
    )
    image = models.ImageField(_("image"), upload_to="products/%Y/%m/")
    thumbnail = models.ImageField(upload_to="products/thumbs/%Y/%m/", editable=False)
    alt = models.CharField(_("description for screen readers"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["product", "position", "id"]
        verbose_name = _("product image")
        verbose_name_plural = _("product images")

    def __str__(self) -> str:
        return self.alt or str(self.image.name)


class SearchRecord(models.Model):
    """One search a visitor made in the shop (M6: the tracking issue reads these)."""

    query = models.CharField(_("query"), max_length=200)
    normalized = models.CharField(max_length=200, db_index=True)
    results = models.PositiveIntegerField(_("results"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    session_key = models.CharField(max_length=64, blank=True)
    searched_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-searched_at", "-id"]
        verbose_name = _("search")
        verbose_name_plural = _("searches")

    def __str__(self) -> str:
        return self.query


class ProductImport(TimeStampedModel):
    """A CSV import of products run by the worker; the page polls it for the progress bar."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file = models.FileField(upload_to="imports/%Y/%m/")
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("product import")
        verbose_name_plural = _("product imports")

    def __str__(self) -> str:
        return f"{self.file.name} ({self.get_status_display()})"


class WishlistItem(models.Model):
    """A product a signed-in customer keeps for later (issue 3, item 7)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="wishlist", on_delete=models.CASCADE
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), related_name="+", on_delete=models.CASCADE
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["-added_at", "-id"]
        verbose_name = _("wishlist item")
        verbose_name_plural = _("wishlist items")
        constraints = [
            models.UniqueConstraint(fields=["user", "product"], name="catalog_wish_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ♥ {self.product_id}"


class StockAlert(models.Model):
    """A customer's wish to hear when a sold-out variant can be bought again (sent once)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="stock_alerts", on_delete=models.CASCADE
    )
    variant = models.ForeignKey(
        Variant, verbose_name=_("variant"), related_name="alerts", on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    notified_at = models.DateTimeField(_("told"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("back-in-stock alert")
        verbose_name_plural = _("back-in-stock alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "variant"],
                condition=Q(notified_at__isnull=True),
                name="catalog_one_pending_alert",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.variant_id}"
