"""Demo visits to the shop (issue 6): visitors from campaigns, their sessions, the clients they
turned out to be, the leads their forms opened, and the touches kept on clients, leads and orders.

Written through the tracking's own services — ``events_write`` with one collector per page, as
the middleware does; ``web_form_submit`` for the forms; ``sessions_fold`` — so the timelines,
touches and leads are what real visits leave. Deterministic for a seed; skipped when visitors
exist already.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from random import Random
from typing import Any

from django.utils import timezone

from kramar.catalog.models import Product
from kramar.clients.models import Client
from kramar.orders.models import Order
from kramar.tracking.collector import Collector
from kramar.tracking.enums import EventKind, WebFormKind
from kramar.tracking.models import Visitor
from kramar.tracking.services import (
    events_write,
    order_touch_record,
    sessions_fold,
    visitor_identify,
    web_form_submit,
)

VISITORS = {"small": 40, "medium": 300, "large": 900}
DAYS = 60  # inside TRACKING_RETENTION_DAYS: the raw events of every visit are there
# (source, medium, campaign, referrer); blank source: came by itself or from a search engine.
TOUCHES = [
    ("google", "cpc", "autumn-sale", "https://www.google.com/"),
    ("google", "cpc", "brand", "https://www.google.com/"),
    ("facebook", "social", "garden-2026", "https://l.facebook.com/"),
    ("newsletter", "email", "november", ""),
    ("hotline", "referral", "price-list", "https://hotline.ua/"),
    ("", "", "", "https://www.google.com/"),
    ("", "", "", ""),
    ("", "", "", ""),
]
SEARCHES = ["дриль", "лампа", "фарба", "шланг", "ковдра", "чайник", "набір інструментів"]
FORMS = {"small": 6, "medium": 30, "large": 80}
FORM_MESSAGES = {
    WebFormKind.CALLBACK: "Передзвоніть, будь ласка, після 17:00.",
    WebFormKind.QUOTE: "Потрібна оптова ціна на 50 шт. з доставкою до Львова.",
    WebFormKind.QUESTION: "Чи підходить до старої моделі?",
    WebFormKind.CONTACT: "Коли буде поповнення складу?",
}
PERSON_NAMES = ["Оксана Мельник", "Богдан Кравець", "Ірина Бойко", "Андрій Ткач", "Леся Шевчук"]


def work_units(scale_name: str) -> int:
    return VISITORS[scale_name]


def _touch(rng: Random, landing: str) -> dict[str, str]:
    source, medium, campaign, referrer = rng.choice(TOUCHES)
    query = f"?utm_source={source}&utm_medium={medium}&utm_campaign={campaign}" if source else ""
    return {
        "source": source,
        "medium": medium,
        "campaign": campaign,
        "term": "",
        "content": "",
        "gclid": f"demo-{rng.randrange(10**8)}" if medium == "cpc" else "",
        "fbclid": "",
        "referrer": referrer,
        "landing_page": f"{landing}{query}",
    }


def _page(
    visitor: str, session: str, touch: dict[str, str], path: str, at: datetime, new: bool
) -> Collector:
    collector = Collector(
        visitor_id=visitor,
        session=session,
        is_new_visitor=new,
        is_bot=False,
        touch=touch,
        path=path,
        started_at=at,
    )
    collector.events.append({"kind": EventKind.PAGE_VIEW, "at": at, "details": {}})
    return collector


def _visit(
    rng: Random, visitor: str, start: datetime, products: list[Product], first: bool
) -> tuple[list[Collector], dict[str, str]]:
    """One visit: a landing page, a few products, maybe a search and a cart change."""
    viewed = rng.sample(products, min(len(products), rng.randint(1, 4)))
    landing = rng.choice(["/", f"/p/{viewed[0].slug}/"])
    touch = _touch(rng, landing)
    session = f"{rng.getrandbits(128):032x}"
    at = start
    pages = [_page(visitor, session, touch, touch["landing_page"], at, first)]
    for product in viewed:
        at += timedelta(seconds=rng.randint(20, 240))
        page = _page(visitor, session, touch, f"/p/{product.slug}/", at, False)
        page.add(EventKind.PRODUCT_VIEW, product=product.pk, name=product.name)
        page.events[-1]["at"] = at
        pages.append(page)
    if rng.random() < 0.4:
        at += timedelta(seconds=rng.randint(10, 90))
        query = rng.choice(SEARCHES)
        page = _page(visitor, session, touch, f"/search/?q={query}", at, False)
        page.add(EventKind.SEARCH, query=query, results=rng.randint(0, 25))
        page.events[-1]["at"] = at
        pages.append(page)
    if rng.random() < 0.25:
        at += timedelta(seconds=rng.randint(10, 60))
        page = _page(visitor, session, touch, "/cart/", at, False)
        page.add(EventKind.CART_CHANGE, product=viewed[-1].name, quantity=1)
        page.events[-1]["at"] = at
        pages.append(page)
    return pages, touch


def seed(context: Any) -> list[tuple[str, str, str]]:
    units = work_units(context.scale)
    if Visitor.objects.exists():
        context.progress(units)
        return []
    rng = context.rng_for("tracking")
    now = timezone.now()
    products = list(Product.objects.filter(is_active=True).order_by("pk")[:300])
    if not products:
        context.progress(units)
        return []
    customers = list(
        Client.objects.filter(merged_into__isnull=True, deleted_at=None, user__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)[: VISITORS[context.scale] // 2]
    )
    known: list[tuple[str, int, dict[str, str], datetime]] = []
    anonymous: list[tuple[str, dict[str, str], datetime]] = []
    for number in range(VISITORS[context.scale]):
        visitor = f"{rng.getrandbits(128):032x}"
        start = now - timedelta(days=rng.uniform(2, DAYS), minutes=rng.randint(0, 600))
        collectors: list[Collector] = []
        touch: dict[str, str] = {}
        for visit in range(rng.randint(1, 4)):
            pages, touch = _visit(rng, visitor, start, products, visit == 0)
            collectors += pages
            start += timedelta(days=rng.uniform(0.5, 10))
            if start > now - timedelta(hours=2):
                break
        events_write(collectors=collectors)
        last_at = collectors[-1].events[-1]["at"]
        if number < len(customers):
            known.append((visitor, customers[number], touch, last_at))
        else:
            anonymous.append((visitor, touch, last_at))
        context.progress(1)
    for visitor, client_id, touch, at in known:
        client = Client.objects.get(pk=client_id)
        visitor_identify(visitor_id=visitor, client=client, now=at)
        order = (
            Order.objects.filter(client=client, placed_at__gte=at - timedelta(days=DAYS))
            .order_by("-placed_at")
            .first()
        )
        if order is not None:
            order_touch_record(order=order, visitor_id=visitor, current=touch, now=at)
    for index, (visitor, touch, last_visit) in enumerate(anonymous[: FORMS[context.scale]]):
        # Sent in the last three days: some leads are waiting, some overdue, as in a real week.
        at = max(last_visit, now - timedelta(hours=rng.randint(1, 72)))
        kind = list(WebFormKind)[index % len(WebFormKind)]
        product = rng.choice(products) if kind == WebFormKind.QUESTION else None
        name = f"{PERSON_NAMES[index % len(PERSON_NAMES)]} ({index + 1})"
        web_form_submit(
            kind=kind,
            name=name,
            email=f"lead{index + 1}@demo.kramar.test",
            phone=f"+38067{5550000 + index:07d}",
            message=FORM_MESSAGES[kind],
            product=product,
            now=at,
            visitor_id=visitor,
            touch=touch,
        )
        submitter = Client.objects.filter(emails__email=f"lead{index + 1}@demo.kramar.test")
        if (lead := submitter.first()) is not None:
            visitor_identify(visitor_id=visitor, client=lead, now=at)
    while sessions_fold(now=now, everything=True):
        pass
    return []
