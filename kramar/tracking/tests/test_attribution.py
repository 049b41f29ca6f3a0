"""First and last touch kept on the lead/deal and the order, frozen when the site made them
(issue 6, "Identity stitching"; M6, M9)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client as Browser
from django.utils import timezone

from kramar.catalog.tests.factories import make_product
from kramar.clients.models import Client
from kramar.tracking.collector import CONSENT_COOKIE
from kramar.tracking.enums import WebFormKind
from kramar.tracking.models import ClientTouch, DealTouch, Event, OrderTouch
from kramar.tracking.services import events_purge, web_form_submit
from kramar.tracking.tests.support import guest_checkout

pytestmark = pytest.mark.django_db
UA = "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0"


def browser(consent: str | None = "all") -> Browser:
    b = Browser(HTTP_USER_AGENT=UA)
    if consent:
        b.cookies[CONSENT_COOKIE] = consent
    return b


def _lead_after_two_campaigns(b: Browser) -> DealTouch:
    drill = make_product("Drill")
    b.get("/?utm_source=google&utm_medium=cpc&utm_campaign=spring", HTTP_REFERER="https://g.test/")
    b.get(f"/p/{drill.slug}/?utm_source=newsletter&utm_medium=email&utm_campaign=autumn")
    b.post("/contact/callback/", {"name": "Olena", "phone": "+380501234567"})
    return DealTouch.objects.get(deal__client__name="Olena")


def test_a_lead_keeps_the_first_campaign_and_the_visit_that_converted(sales_manager):
    touch = _lead_after_two_campaigns(browser())
    assert touch.first["source"] == "google" and touch.first["campaign"] == "spring"
    assert touch.first["medium"] == "cpc" and touch.first["referrer"] == "https://g.test/"
    assert touch.first["landing_page"].startswith("/?utm_source=google")
    assert touch.last["source"] == "newsletter" and touch.last["campaign"] == "autumn"
    assert touch.last["landing_page"].startswith("/p/drill")
    assert touch.first_at <= touch.last_at


def test_later_visits_move_the_clients_last_touch_not_the_leads(sales_manager):
    b = browser()
    lead = _lead_after_two_campaigns(b)
    b.get("/?utm_source=facebook&utm_campaign=winter")
    client_touch = ClientTouch.objects.get(client=lead.deal.client)
    assert client_touch.last["source"] == "facebook"
    lead.refresh_from_db()
    assert lead.last["source"] == "newsletter"


def test_a_visitor_who_refused_tracking_leaves_no_touch_on_the_lead(sales_manager):
    b = browser(consent="necessary")
    b.get("/?utm_source=google")
    b.post("/contact/callback/", {"name": "Petro", "phone": "+380501234999"})
    client = Client.objects.get(name="Petro")
    assert client.deals.count() == 1
    assert not DealTouch.objects.exists() and not Event.objects.exists()


def test_the_first_touch_outlives_the_purge_of_raw_events(sales_manager, settings):
    b = browser()
    first = _lead_after_two_campaigns(b)
    later = timezone.now() + settings.TRACKING_RETENTION + timedelta(days=2)
    events_purge(now=later)
    assert not Event.objects.exists()
    second = web_form_submit(
        kind=WebFormKind.QUOTE,
        name="Olena",
        phone="+380501234567",
        now=later,
        visitor_id="0" * 32,
        touch={"source": "bing", "landing_page": "/contact/quote/"},
    )
    assert second.client == first.deal.client
    touch = DealTouch.objects.get(deal=second.deal)
    assert touch.first["source"] == "google" and touch.first_at == first.first_at
    assert touch.last["source"] == "bing" and touch.last_at == later


def test_an_order_keeps_how_its_buyer_came(sales_manager, administrator, client_for):
    b = browser()
    b.get("/?utm_source=google&utm_campaign=spring")
    b.get("/?utm_source=newsletter&utm_campaign=winter")
    order = guest_checkout(b)
    touch = OrderTouch.objects.get(order=order)
    assert touch.first["campaign"] == "spring" and touch.last["campaign"] == "winter"
    page = client_for(administrator).get(f"/office/orders/{order.pk}/").content.decode()
    assert 'data-testid="order-touch"' in page and "spring" in page and "winter" in page


def test_an_order_without_consent_keeps_only_its_campaign(sales_manager):
    b = browser(consent=None)
    b.get("/?utm_source=newsletter&utm_campaign=winter")
    order = guest_checkout(b)
    assert order.utm_campaign == "winter"  # the shop's own record of the sale's campaign
    assert not OrderTouch.objects.exists()


def test_the_deal_card_shows_the_leads_touches(sales_manager, client_for):
    lead = _lead_after_two_campaigns(browser())
    page = client_for(sales_manager).get(f"/office/deals/{lead.deal_id}/").content.decode()
    assert 'data-testid="deal-touch"' in page
    assert "google" in page and "spring" in page and "autumn" in page


def test_export_and_erasure_cover_the_touches_of_deals_and_orders(make_staff, client_for):
    from kramar.accounts.enums import Role

    b = browser()
    make_staff(Role.SALES_MANAGER)
    lead = _lead_after_two_campaigns(b)
    api = client_for(make_staff(Role.ADMINISTRATOR))
    data = api.get(f"/api/clients/{lead.deal.client_id}/site-data").json()
    assert data["deal_touches"][0]["deal"] == lead.deal_id
    assert data["deal_touches"][0]["first"]["campaign"] == "spring"
    counts = api.delete(f"/api/clients/{lead.deal.client_id}/site-data").json()
    assert counts["touches"] == 1 and not DealTouch.objects.exists()
