"""A person in a real browser: signs in, sees their role's menu, switches language, signs out."""

import re

import pytest
from playwright.sync_api import expect

from kramar.accounts.enums import Role

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]
PASSWORD = "correct-horse-battery-staple"


def sign_in(page, email, password=PASSWORD):
    page.goto("/office/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]:not([name=language])")


def test_a_head_of_sales_signs_in_works_in_english_and_signs_out(page, make_staff):
    head = make_staff(Role.HEAD_OF_SALES)
    sign_in(page, head.email)
    expect(page).to_have_url(re.compile(r"/office/$"))
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    expect(page.locator("aside nav")).to_contain_text("Співробітники")
    expect(page.locator("[data-testid=roles]")).to_have_text("Керівник відділу продажу")
    page.click("[data-testid=language-en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("aside nav")).to_contain_text("Staff")
    expect(page.locator("[data-testid=roles]")).to_have_text("Head of sales")
    page.click("text=Sign out")
    expect(page.locator("input[name=username]")).to_be_visible()


def test_a_wrong_password_shows_an_error_in_the_browser(page, sales_manager):
    sign_in(page, sales_manager.email, "not-the-password")
    expect(page.locator("[role=alert]")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/office/login/"))


def test_the_interactive_api_docs_render_under_the_content_security_policy(page, sales_manager):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    expect(page.locator(".swagger-ui")).to_contain_text("/api/accounts/me")
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_every_stylesheet_and_script_of_the_layout_loads(page):
    failed = []
    page.on(
        "response",
        lambda r: failed.append(r.url) if "/static/" in r.url and r.status >= 400 else None,
    )
    page.goto("/office/login/")
    page.wait_for_load_state("networkidle")
    assert failed == []
    assert page.evaluate("typeof htmx") == "object"
