"""The shop's search: the results page (with the listing's facets) and suggestions as one types."""

from __future__ import annotations

from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kramar.catalog.browse import product_cards, product_listing, shop_products, shop_tree
from kramar.catalog.search import parse_query, search_products, search_record, text_matches
from kramar.storefront.forms import CatalogFilterForm
from kramar.storefront.views.catalog import listing_context, results_template
from kramar.tracking.collector import track
from kramar.tracking.enums import EventKind

SUGGESTIONS = 6
TEMPLATE = "storefront/catalog/search.html"


def _is_fresh_search(request: HttpRequest) -> bool:
    """A search typed into the box, not a later page, filter or order of its results."""
    return set(request.GET) <= {"q"} and not getattr(request, "htmx", False)


def search(request: HttpRequest) -> HttpResponse:
    query = parse_query(request.GET.get("q", ""))
    tree = shop_tree()
    context = {"query": query, "search_text": query.text, "top_groups": tree.top}
    if query.is_empty:
        if query.text:
            search_record(query=query, results=0, user=request.user, session_key=_session(request))
            track(request, EventKind.SEARCH, query=query.text, results=0)
        return render(request, TEMPLATE, context)
    form = CatalogFilterForm(request.GET, searching=True)
    listing = product_listing(shop_products(tree), form.filters(), query=query)
    if _is_fresh_search(request):
        search_record(
            query=query,
            results=listing.total or 0,
            user=request.user,
            session_key=_session(request),
        )
        track(request, EventKind.SEARCH, query=query.text, results=listing.total or 0)
    context.update(listing_context(request, listing, form))
    return render(request, results_template(request, TEMPLATE), context)


def suggest(request: HttpRequest) -> HttpResponse:
    """Return a few products and groups for what is typed so far (not recorded as a search)."""
    query = parse_query(request.GET.get("q", ""))
    cards, groups = [], []
    if not query.is_empty and len(query.normalized) >= 2:
        tree = shop_tree()
        found = search_products(shop_products(tree), query)
        products = list(
            found.products.order_by(F("search_rank").desc(), F("pk").desc())[:SUGGESTIONS]
        )
        cards = product_cards(products)
        groups = [g for g in tree.groups if text_matches(query, g.name)][:3]
    return render(
        request,
        "storefront/catalog/_suggestions.html",
        {"query": query, "cards": cards, "groups": groups},
    )


def _session(request: HttpRequest) -> str:
    return (getattr(request, "session", None) and request.session.session_key) or ""
