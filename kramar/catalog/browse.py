"""Reads for browsing the shop: the visible group tree, listings of a group or a search with
filters, facets with counts, sorting, and what a product card shows.

Every read here costs a fixed number of queries, however many products a listing holds: the
tree is one query, a listing page is a count and a slice, the cards of a page three more, the
facets two plus one for each attribute a visitor filters on.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kramar.catalog.models import (
    AttributeValue,
    Product,
    ProductGroup,
    ProductImage,
    Stock,
    Variant,
)
from kramar.catalog.search import SearchMode, SearchQuery, SearchResult, search_products
from kramar.catalog.selectors import available_quantities, product_in_stock_rule
from kramar.core.errors import NotFoundError
from kramar.core.money import quantize

PAGE_SIZE = 24
LOW_STOCK = 5  # "only 3 left" from this many down
MAX_PRICE = Decimal("999999999999.99")


_UKRAINIAN = "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"
_ALPHABET = {letter: index for index, letter in enumerate(_UKRAINIAN)}


def alphabetical(text: str) -> tuple[tuple[int, int | str], ...]:
    """Return a sort key in Ukrainian alphabetical order (і, ї, є, ґ are not where Unicode
    puts them), Latin letters and digits after Cyrillic ones by their code."""
    return tuple((0, _ALPHABET[ch]) if ch in _ALPHABET else (1, ch) for ch in text.casefold())


# --- The visible tree ----------------------------------------------------------------------------


@dataclass
class ShopTree:
    """The product groups a visitor may see (active, under no hidden group), read in one query."""

    groups: list[ProductGroup]
    by_id: dict[int, ProductGroup] = field(init=False)
    by_slug: dict[str, ProductGroup] = field(init=False)
    children: dict[int | None, list[ProductGroup]] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {g.pk: g for g in self.groups}
        self.by_slug = {g.slug: g for g in self.groups}
        self.children = defaultdict(list)
        for group in sorted(self.groups, key=lambda g: (g.position, alphabetical(g.name))):
            self.children[group.parent_id].append(group)

    @property
    def top(self) -> list[ProductGroup]:
        return self.children[None]

    def get(self, slug: str) -> ProductGroup:
        group = self.by_slug.get(slug)
        if group is None:
            raise NotFoundError("catalog.group_not_found", _("No such product group."))
        return group

    def ancestors(self, group: ProductGroup) -> list[ProductGroup]:
        """Return the groups above this one, from the top (the breadcrumbs)."""
        ids = [int(pk) for pk in group.path.split(".") if pk][:-1]
        return [self.by_id[pk] for pk in ids if pk in self.by_id]

    def subtree_ids(self, group: ProductGroup) -> list[int]:
        return [g.pk for g in self.groups if g.path.startswith(group.path)]

    @property
    def ids(self) -> list[int]:
        return list(self.by_id)


def shop_tree() -> ShopTree:
    """Return the groups the shop shows, in one query (hiding a group hides its subtree)."""
    groups = list(ProductGroup.objects.order_by("path"))
    hidden = [g.path for g in groups if not g.is_active]
    return ShopTree([g for g in groups if not any(g.path.startswith(p) for p in hidden)])


def shop_products(tree: ShopTree, group: ProductGroup | None = None) -> QuerySet[Product]:
    """Return the products a visitor may see, in one group's subtree or in the whole shop."""
    ids = tree.subtree_ids(group) if group is not None else tree.ids
    return Product.objects.filter(is_active=True, price_from__isnull=False, group_id__in=ids)


# --- Filters and sorting ------------------------------------------------------------------------


class Sort(StrEnum):
    """The orders a listing offers. No "popular" yet: nothing measures popularity until orders
    (units sold) or tracking (views) exist; a guess dressed as "popular" would mislead."""

    RELEVANCE = "relevance"
    NEWEST = "newest"
    PRICE_UP = "price"
    PRICE_DOWN = "-price"
    NAME = "name"

    @property
    def label(self) -> str:
        return str(SORT_LABELS[self])


SORT_LABELS = {
    Sort.RELEVANCE: gettext_lazy("Best match"),
    Sort.NEWEST: gettext_lazy("Newest"),
    Sort.PRICE_UP: gettext_lazy("Cheapest first"),
    Sort.PRICE_DOWN: gettext_lazy("Most expensive first"),
    Sort.NAME: gettext_lazy("By name"),
}


def sorts_for(*, searching: bool) -> list[Sort]:
    """Return the orders a listing offers, its default first: "best match" only for a search."""
    return [s for s in Sort if searching or s != Sort.RELEVANCE]


@dataclass(frozen=True)
class ProductFilters:
    """What a visitor narrowed a listing by. ``values`` are "attribute:value" slugs (or a bare
    value slug, which matches that value of any attribute)."""

    price_min: Decimal | None = None
    price_max: Decimal | None = None
    in_stock: bool = False
    values: tuple[str, ...] = ()
    sort: Sort | None = None

    @property
    def is_narrowed(self) -> bool:
        return bool(
            self.price_min is not None or self.price_max is not None or self.in_stock or self.values
        )


def _price_rule(filters: ProductFilters) -> Q:
    rule = Q()
    if filters.price_min is not None:
        rule &= Q(price_from__gte=filters.price_min)
    if filters.price_max is not None:
        rule &= Q(price_from__lte=filters.price_max)
    return rule


def _chosen_values(tokens: Sequence[str]) -> dict[int, set[int]]:
    """Return the chosen value ids by attribute id; a token naming nothing chooses nothing,
    which leaves no product (the filter is kept, as a visitor would expect)."""
    if not tokens:
        return {}
    rule = Q()
    for token in tokens:
        code, _sep, slug = token.rpartition(":")
        rule |= Q(attribute__code=code, slug=slug) if code else Q(slug=slug)
    chosen: dict[int, set[int]] = defaultdict(set)
    for value_id, attribute_id in (
        AttributeValue.objects.filter(rule).order_by().values_list("pk", "attribute_id")
    ):
        chosen[attribute_id].add(value_id)
    if not chosen:
        chosen[0] = {0}  # no such value: an impossible choice
    return dict(chosen)


def _values_rule(chosen: dict[int, set[int]], *, skip: int | None = None) -> Q:
    """Return the rule "some active variant has one of the chosen values of each attribute"."""
    wanted = [ids for attribute_id, ids in chosen.items() if attribute_id != skip]
    if not wanted:
        return Q()
    variants = Variant.objects.filter(product_id=OuterRef("pk"), is_active=True)
    for ids in wanted:
        variants = variants.filter(values__in=ids)
    return Q(Exists(variants))


def _ordered(products: QuerySet[Product], sort: Sort) -> QuerySet[Product]:
    if sort == Sort.RELEVANCE:
        return products.order_by(F("search_rank").desc(), F("pk").desc())
    return products.order_by(
        *{
            Sort.NEWEST: ("-created_at", "-pk"),
            Sort.PRICE_UP: ("price_from", "pk"),
            Sort.PRICE_DOWN: ("-price_from", "-pk"),
            Sort.NAME: ("name", "pk"),
        }[sort]
    )


# --- Facets -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FacetValue:
    slug: str  # "attribute:value", what a filter names
    label: str
    count: int
    chosen: bool


@dataclass(frozen=True)
class Facet:
    code: str
    name: str
    values: list[FacetValue]


@dataclass(frozen=True)
class Facets:
    price_low: Decimal | None
    price_high: Decimal | None
    in_stock: int
    attributes: list[Facet]


def _value_counts(
    products: QuerySet[Product], attribute_ids: Iterable[int] | None
) -> dict[int, int]:
    through = Variant.values.through
    rows = through.objects.filter(
        variant__is_active=True, variant__product__in=products.order_by().values("pk")
    )
    if attribute_ids is not None:
        rows = rows.filter(attributevalue__attribute_id__in=list(attribute_ids))
    else:
        rows = rows.filter(attributevalue__attribute__is_facet=True)
    counted = (
        rows.order_by()
        .values("attributevalue_id")
        .annotate(n=Count("variant__product_id", distinct=True))
    )
    return {row["attributevalue_id"]: row["n"] for row in counted}


def _facets(
    base: QuerySet[Product], filters: ProductFilters, chosen: dict[int, set[int]]
) -> Facets:
    """Count what each filter would leave. Stock is a join over every product in view, so each
    count keeps it in WHERE (a semi-join), never in a per-row aggregate filter."""
    price_rule, stock_rule = _price_rule(filters), product_in_stock_rule()
    narrowed = base.filter(_values_rule(chosen)).order_by()
    priced = narrowed.filter(stock_rule) if filters.in_stock else narrowed
    bounds = priced.aggregate(low=Min("price_from"), high=Max("price_from"))
    in_stock = narrowed.filter(price_rule).filter(stock_rule).count()
    everything = priced.filter(price_rule)
    # Disjunctive counts: an attribute's values are counted as if it had no choice of its own,
    # so that choosing "black" still shows how many are white.
    counts = _value_counts(everything, None)
    for attribute_id in chosen:
        if attribute_id:
            others = base.filter(_values_rule(chosen, skip=attribute_id), price_rule)
            if filters.in_stock:
                others = others.filter(stock_rule)
            counts.update(_value_counts(others, [attribute_id]))
    chosen_ids = {pk for ids in chosen.values() for pk in ids}
    values = AttributeValue.objects.filter(pk__in=set(counts) | chosen_ids).select_related(
        "attribute"
    )
    by_attribute: dict[int, list[AttributeValue]] = defaultdict(list)
    for value in values:  # ordered by attribute, then value (the model's ordering)
        by_attribute[value.attribute_id].append(value)
    attributes = [
        Facet(
            code=group[0].attribute.code,
            name=group[0].attribute.name,
            values=[
                FacetValue(
                    slug=f"{v.attribute.code}:{v.slug}",
                    label=v.value,
                    count=counts.get(v.pk, 0),
                    chosen=v.pk in chosen_ids,
                )
                for v in group
            ],
        )
        for group in by_attribute.values()
    ]
    low, high = (None if b is None else quantize(b) for b in (bounds["low"], bounds["high"]))
    return Facets(low, high, in_stock, attributes)


def _cached_facets(
    base: QuerySet[Product], filters: ProductFilters, chosen: dict[int, set[int]]
) -> Facets:
    """Return the facets, kept for ``KRAMAR_FACETS_CACHE_SECONDS`` (counts a minute old are fine;
    counting stock over thousands of products on every page is not: ~0.5 s at 100,000)."""
    seconds = getattr(settings, "KRAMAR_FACETS_CACHE_SECONDS", 60)
    if not seconds:
        return _facets(base, filters, chosen)
    try:
        # The SQL of the listing names its scope, its search and nothing else.
        sql, params = base.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return _facets(base, filters, chosen)
    identity = repr((sql, params, filters.price_min, filters.price_max, filters.in_stock, chosen))
    key = "kramar:facets:" + hashlib.sha256(identity.encode()).hexdigest()
    facets: Facets | None = cache.get(key)
    if facets is None:
        facets = _facets(base, filters, chosen)
        cache.set(key, facets, seconds)
    return facets


# --- Listings -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Listing:
    """A filtered, ordered listing (not yet sliced into pages) and its facets."""

    products: QuerySet[Product]
    facets: Facets
    sort: Sort
    total: int | None  # matches before the visitor's filters (searches only), else None
    search: SearchResult | None = None
    known_count: int | None = None  # how many ``products`` holds, when known without a count


def product_listing(
    scope: QuerySet[Product], filters: ProductFilters, *, query: SearchQuery | None = None
) -> Listing:
    """Return the products of ``scope`` that match a search (if any) and the filters, ordered."""
    search = search_products(scope, query) if query is not None else None
    base = search.products if search is not None else scope
    ranked = search is not None and search.mode != SearchMode.NONE
    sort = filters.sort or (Sort.RELEVANCE if ranked else Sort.NEWEST)
    if sort == Sort.RELEVANCE and not ranked:
        sort = Sort.NEWEST
    chosen = _chosen_values(filters.values)
    products = base.filter(_values_rule(chosen), _price_rule(filters))
    if filters.in_stock:
        products = products.filter(product_in_stock_rule())
    total = search.count if search is not None else None
    return Listing(
        products=_ordered(products, sort),
        facets=_cached_facets(base, filters, chosen),
        sort=sort,
        total=total,
        search=search,
        known_count=None if filters.is_narrowed else total,
    )


# --- What a card and a product page show --------------------------------------------------------


@dataclass(frozen=True)
class Card:
    """A product as a listing shows it."""

    product: Product
    old_price: Decimal | None
    in_stock: bool
    thumbnail: ProductImage | None

    @property
    def name(self) -> str:
        return self.product.name

    @property
    def slug(self) -> str:
        return self.product.slug

    @property
    def price(self) -> Decimal | None:
        return self.product.price_from


def product_cards(products: Sequence[Product]) -> list[Card]:
    """Return the cards of a page of products, in three queries whatever the page holds."""
    ids = [p.pk for p in products]
    if not ids:
        return []
    stocked = set(
        Stock.objects.filter(
            variant__product_id__in=ids,
            variant__is_active=True,
            warehouse__is_active=True,
            quantity__gt=F("allocated"),
        )
        .order_by()
        .values_list("variant__product_id", flat=True)
    )
    # The old price of the variant that gives the "from" price, crossed out beside it.
    price_from = {p.pk: p.price_from for p in products}
    old_prices: dict[int, Decimal] = {}
    for product_id, price, old_price in (
        Variant.objects.filter(product_id__in=ids, is_active=True, old_price__gt=F("price"))
        .order_by()
        .values_list("product_id", "price", "old_price")
    ):
        if old_price is not None and price == price_from[product_id]:
            old_prices.setdefault(product_id, old_price)
    thumbnails: dict[int, ProductImage] = {}
    for image in ProductImage.objects.filter(product_id__in=ids).order_by("position", "id"):
        thumbnails.setdefault(image.product_id, image)
    return [Card(p, old_prices.get(p.pk), p.pk in stocked, thumbnails.get(p.pk)) for p in products]


class Availability(StrEnum):
    IN_STOCK = "in_stock"
    FEW_LEFT = "few_left"
    OUT_OF_STOCK = "out_of_stock"


@dataclass(frozen=True)
class VariantOffer:
    """A variant as the product page offers it: price, old price, how many can be sold."""

    variant: Variant
    available: int

    @property
    def availability(self) -> Availability:
        if self.available <= 0:
            return Availability.OUT_OF_STOCK
        if self.available <= LOW_STOCK:
            return Availability.FEW_LEFT
        return Availability.IN_STOCK

    @property
    def old_price(self) -> Decimal | None:
        old = self.variant.old_price
        return old if old is not None and old > self.variant.price else None

    @property
    def label(self) -> str:
        values = ", ".join(v.value for v in self.variant.values.all())
        return self.variant.name or values or self.variant.sku


def variant_offers(product: Product) -> list[VariantOffer]:
    """Return the offers of a product read by ``selectors.product_get`` (one query more)."""
    variants: list[Variant] = list(product.variants.all())
    available = available_quantities(v.pk for v in variants)
    return [VariantOffer(v, available.get(v.pk, 0)) for v in variants]


class CountedPaginator(Paginator):
    """A paginator that is told how many items there are when the caller already counted."""

    def __init__(self, object_list: Any, per_page: int, *, count: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count if self._known_count is not None else super().count
