"""Issue 6 end to end: a visitor from a campaign link becomes a client with its history and a
planned call for the manager the rules chose; the client's reply letter, fetched over IMAP from
a real dovecot, is on the same timeline."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kramar.accounts.enums import Role
from kramar.catalog.tests.factories import make_product
from kramar.clients.models import Client
from kramar.crm.enums import ActivityKind
from kramar.crm.models import Activity, Deal
from kramar.mail.services import mailbox_fetch
from kramar.mail.tests.factories import letter
from kramar.mail.tests.servers import dovecot  # noqa: F401  (fixture)
from kramar.tracking.services import sessions_fold

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery-staple"


def test_a_campaign_visitor_asks_for_a_call_and_the_manager_sees_it_all(
    page,
    make_staff,
    dovecot,  # noqa: F811
):
    busy = make_staff(Role.SALES_MANAGER, full_name="Зайнята Менеджерка")
    free = make_staff(Role.SALES_MANAGER, full_name="Вільний Менеджер")
    from kramar.clients.tests.factories import ClientFactory
    from kramar.crm.models import Pipeline
    from kramar.crm.services import deal_create

    other = ClientFactory(manager=busy)
    deal_create(
        actor=None, client=other, pipeline=Pipeline.objects.get(code="retail"),
        title="Інша угода", manager=busy,
    )  # fmt: skip
    drill = make_product("Дриль ударна")
    make_product("Шуруповерт")

    page.goto("/?utm_source=google&utm_medium=cpc&utm_campaign=spring-tools")
    expect(page.locator("[data-testid=consent-banner]")).to_be_visible()
    page.click("[data-testid=consent-accept]")
    expect(page.locator("[data-testid=consent-banner]")).to_have_count(0)
    page.goto(f"/p/{drill.slug}/")
    page.fill("[data-testid=search-box]", "шуруповерт")
    page.press("[data-testid=search-box]", "Enter")
    expect(page).to_have_url(re.compile(r"/search/"))
    page.click("[data-testid=callback-link]")
    page.fill("input[name=name]", "Марта Левчук")
    page.fill("input[name=phone]", "067 111 22 33")
    page.fill("input[name=email]", "marta@client.test")
    page.click("[data-testid=web-form] button[type=submit]")
    expect(page).to_have_url(re.compile(r"/$"))

    client = Client.objects.get(name="Марта Левчук")
    assert client.manager == free  # the least loaded sales manager
    call = Activity.objects.get(client=client)
    assert call.kind == ActivityKind.CALL and call.owner == free

    # The visit ends; the periodic job folds it into one timeline entry.
    assert sessions_fold(now=timezone.now() + timedelta(hours=1)) == 1
    box = dovecot.mailbox()
    dovecot.deliver(
        box,
        letter(sender="Марта Левчук <marta@client.test>", subject="Чекаю на дзвінок після 17:00"),
    )
    assert mailbox_fetch(config=box).imported == 1

    page.context.clear_cookies()
    page.goto("/office/login/")
    page.fill("input[name=username]", free.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:not([name=language])")
    expect(page).to_have_url(re.compile(r"/office/$"))
    page.goto(f"/office/clients/{client.pk}/")
    expect(page.locator("h1")).to_have_text("Марта Левчук")
    visits = page.locator("[data-testid=site-visit]")
    expect(visits).to_have_count(1)
    expect(visits.first.locator("[data-testid=visit-source]")).to_contain_text("google")
    expect(visits.first).to_contain_text("Дриль ударна")
    expect(visits.first).to_contain_text("шуруповерт")
    expect(page.locator("[data-testid=site-touch]")).to_contain_text("google")
    expect(page.locator("[data-testid=plan]")).to_contain_text("Марта Левчук")
    timeline = page.locator("[data-testid=timeline]")
    expect(timeline).to_contain_text("Чекаю на дзвінок після 17:00")  # the letter, over IMAP
    expect(timeline).to_contain_text("Дриль ударна")  # the visit, one entry

    # The lead the form opened keeps how she came: the campaign, frozen on the deal.
    lead = Deal.objects.get(client=client)
    page.goto(f"/office/deals/{lead.pk}/")
    expect(page.locator("[data-testid=deal-touch]")).to_contain_text("spring-tools")
