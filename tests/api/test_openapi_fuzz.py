"""Schemathesis over /api/openapi.json, in-process: every operation, as staff and as a customer.

Fails on any 5xx and on any response that breaks the published schema. Every endpoint that a
later issue adds is fuzzed here without a line of new test code. ``KRAMAR_FUZZ_EXAMPLES`` sets
how many examples each operation gets (CI raises it).
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from kramar.accounts.enums import Role
from kramar.accounts.services import api_token_create

EXAMPLES = int(os.environ.get("KRAMAR_FUZZ_EXAMPLES", "25"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.fixture
def web_schema(db):
    # As Django's test client does: keep the test's connection (and its transaction) open
    # across requests instead of closing it when each request finishes.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("web_schema")


@pytest.fixture
def as_staff(make_staff):
    """A staff member with every office right, calling with a personal API token."""
    _token, raw = api_token_create(user=make_staff(Role.ADMINISTRATOR), name="fuzz")
    return {"headers": {"Authorization": f"Bearer {raw}"}, "cookies": {}}


@pytest.fixture
def as_customer(customer):
    """A shop customer calling from a signed-in browser session."""
    client = Client()
    client.force_login(customer, backend="django.contrib.auth.backends.ModelBackend")
    return {"headers": {}, "cookies": {"sessionid": client.cookies["sessionid"].value}}


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)


@schema.parametrize()
@FUZZ_SETTINGS
def test_every_operation_as_staff_answers_within_its_schema_and_never_5xx(case, as_staff):
    case.call_and_validate(**as_staff, checks=CHECKS)


@schema.parametrize()
@FUZZ_SETTINGS
def test_every_operation_as_customer_answers_within_its_schema_and_never_5xx(case, as_customer):
    case.call_and_validate(**as_customer, checks=CHECKS)
