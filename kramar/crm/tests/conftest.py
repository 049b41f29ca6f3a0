"""Fixtures of the CRM tests: the wholesale pipeline, a manager, their client and a deal."""

from decimal import Decimal

import pytest

from kramar.accounts.enums import Role
from kramar.clients.tests.factories import ClientFactory
from kramar.crm.models import Pipeline
from kramar.crm.services import deal_create


@pytest.fixture
def wholesale():
    return Pipeline.objects.get(code="wholesale")


@pytest.fixture
def manager(make_staff):
    return make_staff(Role.SALES_MANAGER)


@pytest.fixture
def own_client(manager):
    return ClientFactory(manager=manager)


@pytest.fixture
def deal(manager, own_client, wholesale):
    return deal_create(
        actor=manager,
        client=own_client,
        pipeline=wholesale,
        title="Поставка 200 стільців",
        manager=manager,
        amount=Decimal("150000.00"),
    )
