"""Fixtures shared by every test: people in each role, clients that sign in as them."""

from __future__ import annotations

import pytest
from django.test import Client

from kramar.accounts.enums import DepartmentKind, Role
from kramar.accounts.tests.factories import CustomerFactory, DepartmentFactory, StaffFactory

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def sales_department(db):
    return DepartmentFactory(code="sales-kyiv", name="Sales Kyiv", kind=DepartmentKind.SALES)


@pytest.fixture
def make_staff(db, sales_department):
    """Return a function creating a staff member in one role, in a department that fits it."""

    def make(role: Role = Role.SALES_MANAGER, **kwargs):
        if "department" not in kwargs:
            if role in (Role.SALES_MANAGER, Role.HEAD_OF_SALES):
                kwargs["department"] = sales_department
            else:
                kwargs["department"] = DepartmentFactory(kind=DepartmentKind.MANAGEMENT)
        return StaffFactory(roles=[role], password=PASSWORD, **kwargs)

    return make


@pytest.fixture
def customer(db):
    return CustomerFactory(password=PASSWORD)


@pytest.fixture
def sales_manager(make_staff):
    return make_staff(Role.SALES_MANAGER)


@pytest.fixture
def administrator(make_staff):
    return make_staff(Role.ADMINISTRATOR)


@pytest.fixture
def client_for():
    """Return a function giving a test client signed in as the given user."""

    def signed_in(user) -> Client:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return signed_in


@pytest.fixture
def redis_url():
    """A real Redis on loopback (database 15). CI starts one; elsewhere its absence fails loudly."""
    import os

    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as error:
        pytest.fail(f"these tests need Redis at {url}: {error}")
    return url


# Data migrations that load the product's reference data (regions, industries, pipelines, lost
# reasons, outcomes). A transactional test empties every table when it ends, so tests of that
# kind load the data again (the loaders are idempotent).
REFERENCE_DATA = [
    "kramar.clients.migrations.0002_regions_and_industries",
    "kramar.crm.migrations.0002_default_pipelines",
    "kramar.crm.migrations.0004_default_plan_templates",
    "kramar.orders.migrations.0002_delivery_methods",
]


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request):
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        return
    import importlib

    from django.apps import apps

    request.getfixturevalue("transactional_db")
    for module in REFERENCE_DATA:
        importlib.import_module(module).add(apps, None)


@pytest.fixture(autouse=True)
def _fresh_local_cache():
    """Each test starts with an empty in-process cache: rate-limit counters (tracking.guard)
    and cached listings must not leak from one test into the next. Only the local-memory cache
    is cleared; a shared Redis is never flushed by a test."""
    from django.core.cache import caches

    cache = caches["default"]
    if type(cache).__name__ == "LocMemCache":
        cache.clear()
