from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kramar.catalog.selectors import groups_in_shop


def home(request: HttpRequest) -> HttpResponse:
    """The shop's front page: the top product groups."""
    groups = groups_in_shop().filter(depth=0)
    return render(request, "storefront/home.html", {"groups": groups})
