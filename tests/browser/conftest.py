"""Playwright drives Debian's chromium (``/usr/bin/chromium``); no browser is ever downloaded."""

import os
import shutil

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    executable = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not executable:
        pytest.fail("the browser tests need Debian's chromium (make test installs it)")
    # Playwright's sync API runs an event loop in this thread; Django must allow ORM calls here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="uk-UA")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
