"""Writes of the personal site: visitors' viewed lists, the similarity tables, personal offers.

Every function is one transaction (CONVENTIONS.md rule 1). The similarity writers are called by
the worker (``personal.tasks``), never by a page.
"""

from kramar.personal.services.offers import offer_apply_approved, offer_remove, offer_set
from kramar.personal.services.similarity import (
    products_of_occasion,
    similarity_rebuild,
    similarity_refresh_bought,
    similarity_refresh_viewed,
)
from kramar.personal.services.viewed import (
    RECENT_LIMIT,
    view_basket_merge,
    view_basket_save,
    view_baskets_forget,
)

__all__ = [
    "RECENT_LIMIT",
    "offer_apply_approved",
    "offer_remove",
    "offer_set",
    "products_of_occasion",
    "similarity_rebuild",
    "similarity_refresh_bought",
    "similarity_refresh_viewed",
    "view_basket_merge",
    "view_basket_save",
    "view_baskets_forget",
]
