"""Writes of the catalogue: groups, products, variants, stock and images.

Every service keeps the denormalised fields true (``ProductGroup.path``/``depth``,
``Product.price_from``/``search_document``) in the same transaction as the change.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from kramar.catalog.enums import CatalogErrorCode, VatRate
from kramar.catalog.models import (
    Attribute,
    AttributeValue,
    Product,
    ProductGroup,
    ProductImage,
    Stock,
    Variant,
    Warehouse,
)
from kramar.catalog.text import fold_text, slugify_uk
from kramar.clients.models import Client
from kramar.core.errors import ApplicationError
from kramar.core.money import quantize

THUMBNAIL_SIZE = (400, 400)
MAX_IMAGE_PIXELS = 40_000_000


# --- Groups -------------------------------------------------------------------------------------


def _unique_slug(model: type[Any], wanted: str, *, exclude_pk: int | None = None) -> str:
    base = slugify_uk(wanted)[:100] or "item"
    taken = set(
        model.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _check_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ApplicationError(
            CatalogErrorCode.NAME_REQUIRED, _("Give it a name."), extra={"field": "name"}
        )
    return name


@transaction.atomic
def group_create(
    *,
    name: str,
    parent: ProductGroup | None = None,
    slug: str = "",
    description: str = "",
    position: int = 0,
    is_active: bool = True,
) -> ProductGroup:
    """Add a product group under ``parent`` (or at the top)."""
    name = _check_name(name)
    if slug and ProductGroup.objects.filter(slug=slug).exists():
        raise ApplicationError(
            CatalogErrorCode.SLUG_TAKEN, _("That address is taken."), extra={"field": "slug"}
        )
    group = ProductGroup.objects.create(
        name=name,
        parent=parent,
        slug=slug or _unique_slug(ProductGroup, name),
        description=description,
        position=position,
        is_active=is_active,
        path="",
        depth=(parent.depth + 1) if parent else 0,
    )
    group.path = f"{parent.path if parent else ''}{group.pk}."
    group.save(update_fields=["path"])
    return group


@transaction.atomic
def group_move(*, group: ProductGroup, parent: ProductGroup | None) -> ProductGroup:
    """Put a group (with its whole subtree) under another parent; a group cannot go under itself."""
    group = ProductGroup.objects.select_for_update().get(pk=group.pk)
    if parent is not None and parent.path.startswith(group.path):
        raise ApplicationError(
            CatalogErrorCode.GROUP_CYCLE,
            _("A group cannot be moved under itself or its own subgroup."),
            extra={"field": "parent"},
        )
    old_path, old_depth = group.path, group.depth
    new_path = f"{parent.path if parent else ''}{group.pk}."
    shift = ((parent.depth + 1) if parent else 0) - old_depth
    subtree = list(ProductGroup.objects.select_for_update().filter(path__startswith=old_path))
    for node in subtree:
        node.path = new_path + node.path[len(old_path) :]
        node.depth += shift
    ProductGroup.objects.bulk_update(subtree, ["path", "depth"])
    ProductGroup.objects.filter(pk=group.pk).update(parent=parent)
    group.refresh_from_db()
    return group


# --- Attributes ---------------------------------------------------------------------------------


def attribute_value(*, attribute: Attribute, value: str) -> AttributeValue:
    """Return the attribute's value with this text, creating it the first time it is used."""
    text = " ".join((value or "").split())
    if not text:
        raise ApplicationError(
            CatalogErrorCode.NAME_REQUIRED, _("An attribute value cannot be empty.")
        )
    slug = slugify_uk(text)[:90] or "value"
    found, _created = AttributeValue.objects.get_or_create(
        attribute=attribute, slug=slug, defaults={"value": text}
    )
    return found


# --- Products and variants ----------------------------------------------------------------------


@dataclass(frozen=True)
class VariantData:
    sku: str
    price: Decimal | str | int
    name: str = ""
    old_price: Decimal | str | int | None = None
    cost: Decimal | str | int = Decimal("0.00")
    values: Sequence[AttributeValue] = field(default_factory=tuple)
    is_active: bool = True


def _money(raw: Decimal | str | int | None, field_name: str, *, positive: bool) -> Decimal | None:
    if raw is None or raw == "":
        return None
    try:
        amount = quantize(raw)
    except (InvalidOperation, TypeError, ValueError):
        raise ApplicationError(
            CatalogErrorCode.BAD_PRICE,
            _("“%(value)s” is not an amount of money.") % {"value": raw},
            extra={"field": field_name},
        ) from None
    if amount < 0 or (positive and amount == 0) or amount >= Decimal("1e12"):
        raise ApplicationError(
            CatalogErrorCode.BAD_PRICE,
            _("The amount must be above zero and sensible.")
            if positive
            else _("The amount cannot be negative."),
            extra={"field": field_name},
        )
    return amount


def _required_price(raw: Decimal | str | int | None) -> Decimal:
    price = _money(raw, "price", positive=True)
    if price is None:
        raise ApplicationError(
            CatalogErrorCode.BAD_PRICE, _("A variant needs a price."), extra={"field": "price"}
        )
    return price


def _check_supplier(supplier: Client | None) -> None:
    if supplier is not None and not supplier.is_supplier:
        raise ApplicationError(
            CatalogErrorCode.NOT_A_SUPPLIER,
            _("“%(name)s” is not marked as a supplier.") % {"name": supplier.name},
            extra={"field": "supplier"},
        )


@transaction.atomic
def product_create(
    *,
    group: ProductGroup,
    name: str,
    variants: Sequence[VariantData],
    slug: str = "",
    brand: str = "",
    description: str = "",
    supplier: Client | None = None,
    vat_rate: VatRate | str = VatRate.STANDARD,
    is_active: bool = True,
) -> Product:
    """Add a product with at least one variant (what is sold is always a variant)."""
    name = _check_name(name)
    _check_supplier(supplier)
    if not variants:
        raise ApplicationError(
            CatalogErrorCode.BAD_PRICE,
            _("A product needs at least one variant with a SKU and a price."),
            extra={"field": "variants"},
        )
    if slug and Product.objects.filter(slug=slug).exists():
        raise ApplicationError(
            CatalogErrorCode.SLUG_TAKEN, _("That address is taken."), extra={"field": "slug"}
        )
    product = Product.objects.create(
        group=group,
        name=name,
        slug=slug or _unique_slug(Product, name),
        brand=brand.strip(),
        description=description,
        supplier=supplier,
        vat_rate=VatRate(vat_rate),
        is_active=is_active,
    )
    for position, data in enumerate(variants):
        _variant_add(product=product, data=data, position=position)
    return product_refresh(product=product)


def _variant_add(*, product: Product, data: VariantData, position: int) -> Variant:
    sku = (data.sku or "").strip()
    if not sku or len(sku) > 64:
        raise ApplicationError(
            CatalogErrorCode.SKU_TAKEN, _("Every variant needs a SKU of up to 64 characters."),
            extra={"field": "sku"},
        )  # fmt: skip
    if Variant.objects.filter(sku=sku).exists():
        raise ApplicationError(
            CatalogErrorCode.SKU_TAKEN,
            _("SKU “%(sku)s” is used already.") % {"sku": sku},
            extra={"field": "sku", "sku": sku},
        )
    variant = Variant.objects.create(
        product=product,
        sku=sku,
        name=data.name.strip(),
        price=_required_price(data.price),
        old_price=_money(data.old_price, "old_price", positive=True),
        cost=_money(data.cost, "cost", positive=False) or Decimal("0.00"),
        is_active=data.is_active,
        position=position,
    )
    if data.values:
        variant.values.set(data.values)
    return variant


@transaction.atomic
def variant_add(*, product: Product, data: VariantData) -> Variant:
    position = product.variants.count()
    variant = _variant_add(product=product, data=data, position=position)
    product_refresh(product=product)
    return variant


PRODUCT_FIELDS = frozenset(
    {"group", "name", "brand", "description", "supplier", "vat_rate", "is_active"}
)
VARIANT_FIELDS = frozenset({"name", "price", "old_price", "cost", "is_active"})


@transaction.atomic
def product_update(*, product: Product, **changes: Any) -> Product:
    """Change a product's own fields (variants have :func:`variant_update`)."""
    unknown = set(changes) - PRODUCT_FIELDS
    if unknown:
        raise ApplicationError(
            "validation_error",
            _("These fields cannot be changed here: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))},
        )
    if "name" in changes:
        changes["name"] = _check_name(changes["name"])
    if "supplier" in changes:
        _check_supplier(changes["supplier"])
    if "vat_rate" in changes:
        changes["vat_rate"] = VatRate(changes["vat_rate"])
    for name, value in changes.items():
        setattr(product, name, value)
    product.save(update_fields=[*changes, "updated_at"])
    return product_refresh(product=product)


@transaction.atomic
def variant_update(*, variant: Variant, **changes: Any) -> Variant:
    unknown = set(changes) - VARIANT_FIELDS
    if unknown:
        raise ApplicationError(
            "validation_error",
            _("These fields cannot be changed here: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))},
        )
    for name in ("price", "old_price"):
        if name in changes:
            changes[name] = _money(changes[name], name, positive=True)
    if changes.get("price", variant.price) is None:
        raise ApplicationError(
            CatalogErrorCode.BAD_PRICE, _("A variant needs a price."), extra={"field": "price"}
        )
    if "cost" in changes:
        changes["cost"] = _money(changes["cost"], "cost", positive=False) or Decimal("0.00")
    for name, value in changes.items():
        setattr(variant, name, value)
    variant.save(update_fields=[*changes, "updated_at"])
    product_refresh(product=variant.product)
    return variant


def product_refresh(*, product: Product) -> Product:
    """Recompute the lowest price and the search text of a product from its variants."""
    variants = list(
        Variant.objects.filter(product=product).prefetch_related("values").order_by("position")
    )
    active = [v for v in variants if v.is_active]
    product.price_from = min((v.price for v in active), default=None)
    product.search_document = build_search_document(product, variants)
    Product.objects.filter(pk=product.pk).update(
        price_from=product.price_from, search_document=product.search_document
    )
    return product


def build_search_document(product: Product, variants: Iterable[Variant]) -> str:
    """Return the folded text search reads: name, brand, group path names, SKUs, values."""
    parts = [product.name, product.brand, product.group.name]
    if product.group.parent_id:
        parts.extend(
            ProductGroup.objects.filter(
                pk__in=[int(pk) for pk in product.group.path.split(".") if pk]
            ).values_list("name", flat=True)
        )
    for variant in variants:
        parts.extend([variant.sku, variant.name])
        parts.extend(value.value for value in variant.values.all())
    return fold_text(" ".join(p for p in parts if p))


def products_refresh(*, products: Iterable[Product]) -> int:
    """Refresh many products (after an import or a group rename); return how many."""
    count = 0
    for product in products:
        product_refresh(product=product)
        count += 1
    return count


# --- Stock --------------------------------------------------------------------------------------


def _check_quantity(quantity: int) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
        raise ApplicationError(
            CatalogErrorCode.BAD_QUANTITY,
            _("A quantity is a whole number, zero or more."),
            extra={"field": "quantity"},
        )
    return quantity


@transaction.atomic
def stock_set(*, variant: Variant, warehouse: Warehouse, quantity: int) -> Stock:
    """Set what a warehouse holds (a stock count); never below what orders were promised."""
    _check_quantity(quantity)
    stock, _created = Stock.objects.get_or_create(variant=variant, warehouse=warehouse)
    stock = Stock.objects.select_for_update().get(pk=stock.pk)
    if quantity < stock.allocated:
        raise ApplicationError(
            CatalogErrorCode.BELOW_ALLOCATED,
            _("%(allocated)d of these are promised to orders; the count cannot be lower.")
            % {"allocated": stock.allocated},
            extra={"field": "quantity", "allocated": stock.allocated},
        )
    was_available = stock.available
    stock.quantity = quantity
    stock.save(update_fields=["quantity"])
    if was_available <= 0 < stock.available:
        _on_back_in_stock(variant)
    return stock


@transaction.atomic
def stock_receive(*, variant: Variant, warehouse: Warehouse, quantity: int) -> Stock:
    """Add received goods to a warehouse's stock."""
    _check_quantity(quantity)
    stock, _created = Stock.objects.get_or_create(variant=variant, warehouse=warehouse)
    stock = Stock.objects.select_for_update().get(pk=stock.pk)
    was_available = stock.available
    Stock.objects.filter(pk=stock.pk).update(quantity=F("quantity") + quantity)
    stock.refresh_from_db()
    if was_available <= 0 < stock.available:
        _on_back_in_stock(variant)
    return stock


def _on_back_in_stock(variant: Variant) -> None:
    """Hook for the back-in-stock alerts (issue 3, item 7); a no-op until they exist."""


# --- Images -------------------------------------------------------------------------------------


def _thumbnail(raw: bytes) -> bytes:
    try:
        with Image.open(io.BytesIO(raw)) as picture:
            if picture.width * picture.height > MAX_IMAGE_PIXELS:
                raise ValueError("too large")
            picture.load()
            fitted = ImageOps.fit(ImageOps.exif_transpose(picture).convert("RGB"), THUMBNAIL_SIZE)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ApplicationError(
            CatalogErrorCode.BAD_IMAGE,
            _("The file is not a picture we can show (JPEG, PNG, WebP or GIF)."),
            extra={"field": "image"},
        ) from None
    out = io.BytesIO()
    fitted.save(out, format="WEBP", quality=82)
    return out.getvalue()


@transaction.atomic
def product_image_add(
    *, product: Product, image: UploadedFile[bytes] | ContentFile[bytes], alt: str = ""
) -> ProductImage:
    """Attach a picture to a product and make its thumbnail (WebP, 400×400, cropped to fit)."""
    raw = image.read()
    thumb = _thumbnail(raw)
    name = (image.name or "image").rsplit("/", 1)[-1]
    stem = slugify_uk(name.rsplit(".", 1)[0])[:60] or "image"
    picture = ProductImage(product=product, alt=alt.strip()[:200], position=product.images.count())
    picture.image.save(name, ContentFile(raw), save=False)
    picture.thumbnail.save(f"{stem}.webp", ContentFile(thumb), save=False)
    picture.save()
    return picture
