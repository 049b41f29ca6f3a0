"""Fixtures of the personal site's tests: goods in stock, a customer, a manager and a head."""

import pytest

from kramar.accounts.enums import Role
from kramar.catalog.tests.factories import make_group, make_product
from kramar.clients.services import client_for_shop_user


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    settings.CRM_DISCOUNT_APPROVAL_ABOVE = 10
    settings.PERSONAL_MIN_SUPPORT = 1


@pytest.fixture
def goods(db):
    """Six products of one group, in stock, named a-f."""
    group = make_group("Меблі")
    return {name: make_product(f"product-{name}", group=group) for name in "abcdef"}


@pytest.fixture
def manager(make_staff):
    return make_staff(Role.SALES_MANAGER)


@pytest.fixture
def head(make_staff):
    return make_staff(Role.HEAD_OF_SALES)


@pytest.fixture
def shopper(customer, manager):
    """The customer's client record, managed by the manager, in the manager's department."""
    client = client_for_shop_user(user=customer)
    client.manager, client.department = manager, manager.department
    client.save(update_fields=["manager", "department"])
    return client
