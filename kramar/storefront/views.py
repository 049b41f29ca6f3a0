from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """The shop's front page; the catalogue fills it (issue 3)."""
    return render(request, "storefront/home.html")
