"""A sales manager in a real browser: creates a client, finds it, writes to its history."""

import re

import pytest
from playwright.sync_api import expect

from kramar.accounts.enums import Role
from kramar.clients.tests.factories import ClientFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]
PASSWORD = "correct-horse-battery-staple"


def sign_in(page, user):
    page.goto("/office/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]:not([name=language])")
    expect(page).to_have_url(re.compile(r"/office/$"))


def test_a_manager_creates_finds_and_notes_a_client(page, make_staff):
    manager = make_staff(Role.SALES_MANAGER)
    ClientFactory(manager=manager, first_name="Інший", last_name="Клієнт")
    sign_in(page, manager)

    page.goto("/office/clients/new/")
    page.fill("input[name=first_name]", "Стефанія")
    page.fill("input[name=last_name]", "Яворська")
    page.fill("input[name=phone]", "067 765 43 21")
    page.click("form.client-form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Стефанія Яворська")
    expect(page.locator("[data-testid=manager]")).to_have_text(manager.get_full_name())

    page.fill("[data-testid=note-text]", "Просить передзвонити у вівторок")
    page.click("form.note-form button[type=submit]")
    expect(page.locator("[data-testid=timeline] li").first).to_contain_text("передзвонити")
    expect(page.locator("[data-testid=note-text]")).to_have_value("")  # the form reset itself

    page.goto("/office/clients/")
    expect(page.locator("#client-rows tbody tr")).to_have_count(2)
    page.fill("[data-testid=client-search]", "явор")
    expect(page.locator("#client-rows tbody tr")).to_have_count(1)
    expect(page.locator("#client-rows")).to_contain_text("Стефанія Яворська")
