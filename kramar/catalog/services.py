"""Writes of the catalogue: groups, products, variants, stock and images.

Every service keeps the denormalised fields true (``ProductGroup.path``/``depth``,
``Product.price_from``/``search_document``) in the same transaction as the change.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Prefetch, QuerySet
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
from kramar.core.errors import ApplicationError, CoreErrorCode
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
    # The search text of a product holds the names of the groups above it, which just changed.
    products_refresh_search(products=Product.objects.filter(group__path__startswith=new_path))
    return group


GROUP_FIELDS = frozenset({"name", "description", "position", "is_active"})


@transaction.atomic
def group_update(*, group: ProductGroup, **changes: Any) -> ProductGroup:
    """Rename, describe, reorder, hide or show a group (moving it is :func:`group_move`).

    Hiding a group hides its whole subtree from the shop (``selectors.groups_in_shop``); a new
    name is written into the search text of every product below the group.
    """
    unknown = set(changes) - GROUP_FIELDS
    if unknown:
        raise ApplicationError(
            CoreErrorCode.VALIDATION,
            _("These fields cannot be changed here: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))},
        )
    group = ProductGroup.objects.select_for_update().get(pk=group.pk)
    if "name" in changes:
        changes["name"] = _check_name(changes["name"])
    if "description" in changes:
        changes["description"] = (changes["description"] or "").strip()
    if "position" in changes:
        position = changes["position"]
        if isinstance(position, bool) or not isinstance(position, int) or position < 0:
            raise ApplicationError(
                CatalogErrorCode.BAD_POSITION,
                _("A position is a whole number, zero or more."),
                extra={"field": "position"},
            )
    if "is_active" in changes:
        changes["is_active"] = bool(changes["is_active"])
    renamed = "name" in changes and changes["name"] != group.name
    for name, value in changes.items():
        setattr(group, name, value)
    group.save(update_fields=[*changes, "updated_at"])
    if renamed:
        products_refresh_search(products=Product.objects.filter(group__path__startswith=group.path))
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


def _check_sku(raw: str, *, exclude_pk: int | None = None) -> str:
    sku = (raw or "").strip()
    if not sku or len(sku) > 64:
        raise ApplicationError(
            CatalogErrorCode.SKU_TAKEN, _("Every variant needs a SKU of up to 64 characters."),
            extra={"field": "sku"},
        )  # fmt: skip
    taken = Variant.objects.filter(sku=sku)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ApplicationError(
            CatalogErrorCode.SKU_TAKEN,
            _("SKU “%(sku)s” is used already.") % {"sku": sku},
            extra={"field": "sku", "sku": sku},
        )
    return sku


def _variant_add(*, product: Product, data: VariantData, position: int) -> Variant:
    sku = _check_sku(data.sku)
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
VARIANT_FIELDS = frozenset({"sku", "name", "price", "old_price", "cost", "is_active", "values"})


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
    """Change a variant: its SKU, name, prices, cost, whether it is on sale, its attribute
    values (``values``, a sequence of :class:`AttributeValue`, replaces the old ones)."""
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
    if "sku" in changes:
        changes["sku"] = _check_sku(changes["sku"], exclude_pk=variant.pk)
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
    values = changes.pop("values", None)
    for name, value in changes.items():
        setattr(variant, name, value)
    variant.save(update_fields=[*changes, "updated_at"])
    if values is not None:
        variant.values.set(values)
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
    names = dict(
        ProductGroup.objects.filter(pk__in=_path_ids(product.group)).values_list("pk", "name")
    )
    return _search_document(product, variants, names)


def _path_ids(group: ProductGroup) -> list[int]:
    return [int(pk) for pk in group.path.split(".") if pk]


def _search_document(
    product: Product, variants: Iterable[Variant], group_names: Mapping[int, str]
) -> str:
    # The name comes first: search ranks "the name is the query" by the document's start.
    parts = [product.name, product.brand]
    parts.extend(group_names.get(pk, "") for pk in _path_ids(product.group))
    for variant in variants:
        parts.extend([variant.sku, variant.name])
        parts.extend(value.value for value in variant.values.all())
    return fold_text(" ".join(p for p in parts if p))


SEARCH_REFRESH_BATCH = 500


def products_refresh_search(*, products: QuerySet[Product]) -> int:
    """Rebuild the search text of many products, a batch at a time (a few queries a batch),
    after the names above them changed (a group renamed or moved); return how many."""
    ids = list(products.order_by("pk").values_list("pk", flat=True))
    if not ids:
        return 0
    group_names = dict(ProductGroup.objects.values_list("pk", "name"))  # the tree is small
    variants = Variant.objects.order_by("position", "id").prefetch_related("values")
    for start in range(0, len(ids), SEARCH_REFRESH_BATCH):
        batch = list(
            Product.objects.filter(pk__in=ids[start : start + SEARCH_REFRESH_BATCH])
            .select_related("group")
            .prefetch_related(Prefetch("variants", queryset=variants))
        )
        for product in batch:
            product.search_document = _search_document(product, product.variants.all(), group_names)
        Product.objects.bulk_update(batch, ["search_document"])
    return len(ids)


def products_refresh(*, products: Iterable[Product]) -> int:
    """Refresh many products (after an import or a group rename); return how many."""
    count = 0
    for product in products:
        product_refresh(product=product)
        count += 1
    return count


@dataclass(frozen=True)
class VariantChange:
    """One variant as the office's product form gives it: a new one (``variant`` is None) or an
    existing one to change. Attribute values are named as ``(attribute, text)`` and made the
    first time they are used."""

    sku: str
    price: Decimal | str | int | None
    name: str = ""
    old_price: Decimal | str | int | None = None
    cost: Decimal | str | int | None = None
    is_active: bool = True
    attributes: Sequence[tuple[Attribute, str]] = ()
    variant: Variant | None = None


# Fields of a refusal that concern a variant rather than its product.
_VARIANT_ERROR_FIELDS = frozenset({"sku", "price", "old_price", "cost", "values", None})


@contextmanager
def _about_variant(index: int, *, fields: frozenset[str | None] | None = None) -> Iterator[None]:
    """Mark a refusal with the index of the variant it is about (``extra["variant"]``)."""
    try:
        yield
    except ApplicationError as error:
        if fields is None or error.extra.get("field") in fields:
            error.extra = {**error.extra, "variant": index}
        raise


def _values_of(change: VariantChange) -> list[AttributeValue]:
    return [
        attribute_value(attribute=attribute, value=text) for attribute, text in change.attributes
    ]


def _data_of(change: VariantChange) -> VariantData:
    return VariantData(
        sku=change.sku,
        price=change.price if change.price is not None else "",
        name=change.name,
        old_price=change.old_price,
        cost=change.cost if change.cost is not None else Decimal("0.00"),
        values=_values_of(change),
        is_active=change.is_active,
    )


@transaction.atomic
def product_save(
    *, product: Product | None, fields: Mapping[str, Any], variants: Sequence[VariantChange]
) -> Product:
    """Create a product (``product`` None; ``fields`` are :func:`product_create`'s) or change
    one (``fields`` are :data:`PRODUCT_FIELDS`), with its variants: all of it, or nothing.

    A refusal about one variant carries its index in ``extra["variant"]``, so that the form
    shows it on that row.
    """
    start = 0
    if product is None:
        with _about_variant(0, fields=_VARIANT_ERROR_FIELDS):
            first = [_data_of(variants[0])] if variants else []
            product = product_create(variants=first, **fields)
        start = 1
    else:
        changed = {name: value for name, value in fields.items() if getattr(product, name) != value}
        if changed:
            product = product_update(product=product, **changed)
    for index, change in enumerate(variants[start:], start=start):
        with _about_variant(index):
            if change.variant is None:
                variant_add(product=product, data=_data_of(change))
                continue
            if change.variant.product_id != product.pk:
                raise ApplicationError(
                    CatalogErrorCode.NOT_FOUND, _("This variant belongs to another product.")
                )
            variant_update(
                variant=change.variant,
                sku=change.sku,
                name=change.name,
                price=change.price,
                old_price=change.old_price,
                cost=change.cost,
                is_active=change.is_active,
                values=_values_of(change),
            )
    return product_refresh(product=product)


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


@dataclass(frozen=True)
class StockCount:
    variant: Variant
    warehouse: Warehouse
    quantity: int


@transaction.atomic
def stock_count(*, counts: Sequence[StockCount]) -> list[Stock]:
    """Set several stock counts at once (a stock-taking sheet): all of them, or none if any is
    refused; the refusal lists every count refused (``extra["refused"]``) with its reason."""
    written, refused = [], []
    for count in counts:
        try:
            with transaction.atomic():
                written.append(
                    stock_set(
                        variant=count.variant, warehouse=count.warehouse, quantity=count.quantity
                    )
                )
        except ApplicationError as error:
            refused.append(
                {
                    "variant": count.variant.pk,
                    "warehouse": count.warehouse.pk,
                    "message": str(error.message),
                }
            )
    if refused:
        raise ApplicationError(
            CatalogErrorCode.COUNTS_REFUSED,
            _("Some counts were refused, so none was saved: correct them and save again."),
            extra={"refused": refused},
        )
    return written


def _on_back_in_stock(variant: Variant) -> None:
    """Tell the customers who wait for this variant that it can be bought again."""
    from kramar.catalog.alerts import stock_alerts_deliver

    stock_alerts_deliver(variant_ids=[variant.pk])


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


@transaction.atomic
def product_image_update(*, image: ProductImage, alt: str) -> ProductImage:
    """Change a picture's description for screen readers."""
    image.alt = " ".join((alt or "").split())[:200]
    image.save(update_fields=["alt"])
    return image


@transaction.atomic
def product_image_move(*, image: ProductImage, offset: int) -> list[ProductImage]:
    """Move a picture ``offset`` places earlier (negative) or later among its product's pictures;
    the first one is the one the shop shows first. Return the pictures in their new order."""
    pictures = list(
        ProductImage.objects.select_for_update()
        .filter(product_id=image.product_id)
        .order_by("position", "id")
    )
    current = next(index for index, picture in enumerate(pictures) if picture.pk == image.pk)
    wanted = min(max(current + offset, 0), len(pictures) - 1)
    pictures.insert(wanted, pictures.pop(current))
    for position, picture in enumerate(pictures):
        picture.position = position
    ProductImage.objects.bulk_update(pictures, ["position"])
    return pictures


@transaction.atomic
def product_image_delete(*, image: ProductImage) -> None:
    """Remove a picture; its files go from the storage once the removal is committed."""
    files = [(field.storage, field.name) for field in (image.image, image.thumbnail) if field.name]
    product_id = image.product_id
    image.delete()
    remaining = list(
        ProductImage.objects.select_for_update()
        .filter(product_id=product_id)
        .order_by("position", "id")
    )
    for position, picture in enumerate(remaining):
        picture.position = position
    ProductImage.objects.bulk_update(remaining, ["position"])

    def remove_files() -> None:
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(remove_files)
