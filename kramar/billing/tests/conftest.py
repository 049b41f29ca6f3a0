"""Fixtures of the billing tests: an accountant, a manager with a client, invoices."""

from datetime import date

import pytest

from kramar.accounts.enums import Role
from kramar.clients.tests.factories import ClientFactory


@pytest.fixture(autouse=True)
def _pages_in_english(settings):
    """These tests read messages in the words of the code (English)."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def accountant(make_staff):
    return make_staff(Role.ACCOUNTANT)


@pytest.fixture
def manager(make_staff):
    return make_staff(Role.SALES_MANAGER)


@pytest.fixture
def own_client(manager):
    return ClientFactory(manager=manager)


@pytest.fixture
def day():
    return date(2026, 3, 2)
