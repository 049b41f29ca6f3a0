"""Consent, the signed visitor cookie, the batched write, bots, UTM, stitching (issue 6)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext

from kramar.catalog.tests.factories import make_product
from kramar.tracking.collector import CONSENT_COOKIE
from kramar.tracking.enums import EventKind
from kramar.tracking.models import ClientTouch, Event, Visitor
from kramar.tracking.tests.support import guest_checkout

pytestmark = pytest.mark.django_db
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"


def browser(consent: str | None = "all") -> Browser:
    b = Browser(HTTP_USER_AGENT=UA)
    if consent:
        b.cookies[CONSENT_COOKIE] = consent
    return b


def test_nothing_is_recorded_without_consent():
    product = make_product("Drill")
    b = browser(consent=None)
    response = b.get(f"/p/{product.slug}/?utm_source=google")
    assert response.status_code == 200
    assert b'data-testid="consent-banner"' in response.content
    assert settings.TRACKING_COOKIE not in response.cookies
    b.cookies[CONSENT_COOKIE] = "necessary"
    response = b.get("/")
    assert b'data-testid="consent-banner"' not in response.content
    assert not Event.objects.exists() and not Visitor.objects.exists()


def test_consent_view_keeps_the_answer_and_goes_back():
    b = browser(consent=None)
    response = b.post("/privacy/consent/", {"choice": "all", "next": "/search/?q=x"})
    assert response.status_code == 302 and response["Location"] == "/search/?q=x"
    assert response.cookies[CONSENT_COOKIE].value == "all"
    response = b.post("/privacy/consent/", {"choice": "all", "next": "https://evil.test/"})
    assert response["Location"] == "/"


def test_a_consenting_visitor_gets_a_signed_cookie_and_events_with_the_campaign():
    product = make_product("Drill")
    b = browser()
    b.get("/?utm_source=google&utm_medium=cpc&utm_campaign=spring&gclid=abc",
          HTTP_REFERER="https://www.google.com/")  # fmt: skip
    b.get(f"/p/{product.slug}/")
    b.get("/search/?q=drill")
    events = list(Event.objects.order_by("occurred_at", "pk"))
    kinds = [e.kind for e in events]
    assert kinds == [
        EventKind.PAGE_VIEW,
        EventKind.PAGE_VIEW,
        EventKind.PRODUCT_VIEW,
        EventKind.PAGE_VIEW,
        EventKind.SEARCH,
    ]
    assert {e.session for e in events} == {events[0].session}  # one visit
    assert all(e.source == "google" and e.campaign == "spring" for e in events)
    assert events[0].gclid == "abc" and events[0].referrer == "https://www.google.com/"
    assert all(e.landing_page.startswith("/?utm_source=google") for e in events)
    assert events[2].details["name"] == "Drill"
    assert events[4].details == {"query": "drill", "results": 1}
    assert Visitor.objects.count() == 1


def test_a_request_writes_its_events_in_one_insert():
    product = make_product("Drill")
    b = browser()
    b.get("/")
    with CaptureQueriesContext(connection) as queries:
        b.get(f"/p/{product.slug}/")
    inserts = [q["sql"] for q in queries if "tracking_event" in q["sql"]]
    assert len(inserts) == 1 and inserts[0].startswith("INSERT")


def test_a_forged_visitor_cookie_is_replaced():
    b = browser()
    b.get("/")
    real = Visitor.objects.get()
    b.cookies[settings.TRACKING_COOKIE] = f"{real.id}:abc:1"  # unsigned: forged
    response = b.get("/")
    assert Visitor.objects.count() == 2
    assert real.id not in response.cookies[settings.TRACKING_COOKIE].value.split(":")[0]


@pytest.mark.parametrize(
    "agent", ["Googlebot/2.1 (+http://www.google.com/bot.html)", "curl/8.0", ""]
)
def test_robots_get_no_visitor(agent):
    b = Browser(HTTP_USER_AGENT=agent)
    b.cookies[CONSENT_COOKIE] = "all"
    response = b.get("/")
    assert settings.TRACKING_COOKIE not in response.cookies
    assert not Event.objects.exists()


def test_staff_pages_and_the_api_are_not_tracked():
    b = browser()
    b.get("/office/login/")
    b.get("/api/openapi.json")
    assert not Event.objects.exists()


def test_a_web_form_links_earlier_events_and_a_second_device_to_the_same_client(sales_manager):
    product = make_product("Drill")
    first = browser()
    first.get(f"/p/{product.slug}/?utm_source=newsletter")
    response = first.post("/contact/callback/", {"name": "Olena Koval", "phone": "+380501234567"})
    assert response.status_code == 302
    visitor = Visitor.objects.get()
    assert visitor.client is not None
    assert visitor.client.name == "Olena Koval"
    second = browser()
    second.get("/?utm_source=facebook")
    second.post(
        "/contact/contact/",
        {"name": "Olena", "phone": "050 123 45 67", "email": "olena@example.test", "message": "Hi"},
    )
    assert Visitor.objects.filter(client=visitor.client).count() == 2
    touch = ClientTouch.objects.get(client=visitor.client)
    assert touch.first["source"] == "newsletter" and touch.last["source"] == "facebook"


def test_signing_in_identifies_the_visitor(customer):
    from conftest import PASSWORD
    from kramar.clients.services import client_for_shop_user

    client = client_for_shop_user(user=customer)
    b = browser()
    b.get("/")
    b.post("/account/login/", {"username": customer.email, "password": PASSWORD})
    assert Visitor.objects.get().client == client
    assert Event.objects.filter(kind=EventKind.SIGN_IN).count() == 1


def test_signing_out_forgets_the_visitor(customer):
    from conftest import PASSWORD

    b = browser()
    b.post("/account/login/", {"username": customer.email, "password": PASSWORD})
    b.get("/")
    response = b.post("/account/logout/")
    assert response.cookies[settings.TRACKING_COOKIE].value == ""
    b.get("/")
    assert Visitor.objects.count() == 2


def test_tracking_switched_off_writes_nothing(settings):
    settings.TRACKING_ENABLED = False
    browser().get("/")
    assert not Event.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_erased_visitor_coming_back_is_recorded_again():
    """Its cookie still checks; the insert of its events recreates it (production commits)."""
    b = browser()
    b.get("/")
    Visitor.objects.all().delete()
    b.get("/")
    assert Event.objects.count() == 1 and Visitor.objects.count() == 1


def test_the_buffer_writes_many_requests_in_one_insert(settings):
    from kramar.tracking.buffer import buffer

    settings.TRACKING_BUFFER_SECONDS = 3600  # the writer thread sleeps; the test flushes
    b1, b2 = browser(), browser()
    b1.get("/")
    b2.get("/")
    b1.get("/")
    assert not Event.objects.exists()  # nothing written in the requests
    with CaptureQueriesContext(connection) as queries:
        assert buffer.flush() == 3
    inserts = [q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "tracking_event"')]
    assert len(inserts) == 1
    assert Visitor.objects.count() == 2 and Event.objects.count() == 3


def test_a_guest_order_records_the_purchase_and_identifies_the_visitor():

    b = browser()
    b.get("/?utm_source=newsletter&utm_campaign=winter")
    order = guest_checkout(b, quantity=2)
    kinds = list(Event.objects.order_by("occurred_at", "pk").values_list("kind", flat=True))
    assert EventKind.CART_CHANGE in kinds and EventKind.CHECKOUT_STEP in kinds
    placed = Event.objects.get(kind=EventKind.ORDER_PLACED)
    assert placed.details["order"] == order.number and placed.campaign == "winter"
    assert Visitor.objects.get().client_id == order.client_id
    assert ClientTouch.objects.get(client_id=order.client_id).first["source"] == "newsletter"
    assert order.utm_source == "newsletter"  # the order keeps its campaign too


def test_a_script_dropping_the_cookie_gets_no_new_visitors_past_the_limit(settings):
    settings.TRACKING_NEW_VISITOR_RATE = "3/h"
    for _ in range(5):
        browser().get("/", REMOTE_ADDR="203.0.113.9")  # a new browser each time: no cookie
    assert Visitor.objects.count() == 3
    browser().get("/", REMOTE_ADDR="203.0.113.10")  # another address is not held back
    assert Visitor.objects.count() == 4


def test_a_visitor_faster_than_a_person_reads_is_flagged_a_robot(settings):
    settings.TRACKING_MAX_PAGES_PER_MINUTE = 3
    b = browser()
    for _ in range(5):
        b.get("/")
    flags = list(Event.objects.order_by("pk").values_list("is_bot", flat=True))
    assert flags == [False, False, False, True, True]
