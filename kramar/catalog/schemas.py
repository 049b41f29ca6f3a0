"""Shapes of the catalogue API: the public face of the shop's goods (no cost, no supplier)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import model_validator

from kramar.catalog.browse import MAX_PRICE, Sort

SLUG = r"^[-a-zA-Z0-9_]+$"
FACET_VALUE = r"^[-a-z0-9_]{1,40}(:[-a-z0-9_]{1,90})?$"

Price = Annotated[
    Decimal,
    Field(ge=0, le=MAX_PRICE, max_digits=14, decimal_places=2, description='E.g. "1250.50".'),
]


class GroupRefOut(Schema):
    id: int
    slug: str
    name: str


class GroupNodeOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    children: list[GroupNodeOut]


class ProductFiltersIn(Schema):
    group: str | None = Field(
        None, max_length=140, pattern=SLUG, description="A group's slug: its whole subtree."
    )
    q: str = Field("", max_length=200, description="Words to search for (typos forgiven).")
    price_min: Price | None = None
    price_max: Price | None = None
    in_stock: bool = False
    value: list[Annotated[str, Field(pattern=FACET_VALUE)]] = Field(
        [],
        max_length=30,
        description='Facet values, "attribute:value" (e.g. "colour:chornyi"); values of one '
        "attribute are alternatives, of different attributes all required.",
    )
    sort: Sort | None = Field(None, description='Default: "relevance" with q, else "newest".')
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(24, ge=1, le=100)

    @model_validator(mode="after")
    def _prices_in_order(self) -> ProductFiltersIn:
        if (
            self.price_min is not None
            and self.price_max is not None
            and self.price_min > self.price_max
        ):
            raise ValueError("price_min is above price_max")
        return self


class ProductCardOut(Schema):
    id: int
    slug: str
    name: str
    brand: str
    group: GroupRefOut
    price_from: Decimal
    old_price: Decimal | None
    in_stock: bool
    thumbnail: str | None = Field(None, description="The address of a 400×400 WebP picture.")

    @staticmethod
    def resolve_id(card: Any) -> int:
        return int(card.product.pk)

    @staticmethod
    def resolve_brand(card: Any) -> str:
        return str(card.product.brand)

    @staticmethod
    def resolve_group(card: Any) -> Any:
        return card.product.group

    @staticmethod
    def resolve_price_from(card: Any) -> Decimal:
        return card.price

    @staticmethod
    def resolve_thumbnail(card: Any) -> str | None:
        return card.thumbnail.thumbnail.url if card.thumbnail else None


class FacetValueOut(Schema):
    value: str = Field(..., description='What "value" takes: "attribute:value".')
    label: str
    count: int


class FacetOut(Schema):
    code: str
    name: str
    values: list[FacetValueOut]

    @staticmethod
    def resolve_values(facet: Any) -> list[dict[str, Any]]:
        return [{"value": v.slug, "label": v.label, "count": v.count} for v in facet.values]


class FacetsOut(Schema):
    price_low: Decimal | None
    price_high: Decimal | None
    in_stock: int = Field(..., description="How many would be left by in_stock=true.")
    attributes: list[FacetOut]


class ProductPageOut(Schema):
    items: list[ProductCardOut]
    count: int
    page: int
    pages: int
    sort: Sort
    search: str | None = Field(
        None,
        description='How q was matched: "exact", "fuzzy" (typos forgiven), "similar", "any" '
        '(some of the words) or "none" (q had no words); null without q.',
    )
    facets: FacetsOut


class ImageOut(Schema):
    url: str
    thumbnail: str
    alt: str

    @staticmethod
    def resolve_url(image: Any) -> str:
        return str(image.image.url)

    @staticmethod
    def resolve_thumbnail(image: Any) -> str:
        return str(image.thumbnail.url)


class VariantOut(Schema):
    id: int
    sku: str
    name: str
    values: dict[str, str] = Field(..., description="Attribute name -> value.")
    price: Decimal
    old_price: Decimal | None
    availability: str = Field(..., description='"in_stock", "few_left" or "out_of_stock".')
    left: int | None = Field(None, description='How many are left, given only when "few_left".')

    @staticmethod
    def resolve_id(offer: Any) -> int:
        return int(offer.variant.pk)

    @staticmethod
    def resolve_sku(offer: Any) -> str:
        return str(offer.variant.sku)

    @staticmethod
    def resolve_name(offer: Any) -> str:
        return str(offer.variant.name)

    @staticmethod
    def resolve_values(offer: Any) -> dict[str, str]:
        return {v.attribute.name: v.value for v in offer.variant.values.all()}

    @staticmethod
    def resolve_price(offer: Any) -> Decimal:
        return offer.variant.price

    @staticmethod
    def resolve_availability(offer: Any) -> str:
        return str(offer.availability)

    @staticmethod
    def resolve_left(offer: Any) -> int | None:
        return int(offer.available) if offer.availability == "few_left" else None


class ProductOut(Schema):
    id: int
    slug: str
    name: str
    brand: str
    description: str
    group: GroupRefOut
    breadcrumbs: list[GroupRefOut] = Field(..., description="The groups above, from the top.")
    vat_rate: str
    price_from: Decimal
    images: list[ImageOut]
    variants: list[VariantOut]
