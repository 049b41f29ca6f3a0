from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kramar.catalog.selectors import groups_in_shop
from kramar.personal.recent import recently_viewed
from kramar.personal.selectors import client_of, offer_active_for, personal_pick_ids, shelves


def home(request: HttpRequest) -> HttpResponse:
    """The shop's front page: the top product groups, the visitor's picks and recent views and,
    for a client with one, their personal offer (M7)."""
    groups = groups_in_shop().filter(depth=0)
    viewed = recently_viewed(request)
    client = client_of(request.user)  # type: ignore[arg-type]
    picks = personal_pick_ids(viewed=viewed, client=client)
    context = {
        "groups": groups,
        "shelves": shelves({"picks": picks, "recent": viewed}, any_stock=["recent"]),
        "offer": offer_active_for(user_id=client.user_id) if client else None,
    }
    return render(request, "storefront/home.html", context)
