"""Deleted clients go to the recycle bin and come back with their relations (M3)."""

import pytest

from kramar.accounts.enums import Role
from kramar.catalog.tests.factories import first_variant, make_product
from kramar.clients.selectors import client_list, clients_in_recycle_bin
from kramar.clients.services import client_assign_manager, client_delete, client_restore
from kramar.clients.tests.factories import ClientFactory
from kramar.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from kramar.crm.models import Pipeline
from kramar.crm.selectors import deal_list
from kramar.crm.services import deal_create
from kramar.orders.services import order_place
from kramar.orders.tests.support import cart_with, details, new_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_staff):
    return make_staff(Role.SALES_MANAGER)


def test_a_deleted_client_and_its_deals_vanish_and_return_together(make_staff, manager):
    head = make_staff(Role.HEAD_OF_SALES)
    client = ClientFactory(manager=manager)
    deal = deal_create(
        actor=manager,
        client=client,
        pipeline=Pipeline.objects.get(code="retail"),
        title="Диван",
        manager=manager,
    )
    client_delete(actor=manager, client=client)
    assert not client_list(viewer=manager).exists()
    assert not deal_list(viewer=head).exists()
    assert list(clients_in_recycle_bin(viewer=head)) == [client]
    assert not clients_in_recycle_bin(viewer=manager).exists()
    client_restore(actor=head, client=client)
    assert list(client_list(viewer=manager)) == [client]
    assert list(deal_list(viewer=manager)) == [deal]


def test_roles_without_the_right_cannot_delete(make_staff, manager):
    client = ClientFactory(manager=manager)
    for role in (Role.COMPANY_HEAD, Role.MARKETING, Role.ACCOUNTANT, Role.AFTER_SALES):
        with pytest.raises(PermissionDeniedError):
            client_delete(actor=make_staff(role), client=client)
    with pytest.raises(NotFoundError):
        client_delete(actor=make_staff(Role.SALES_MANAGER), client=client)
    client.refresh_from_db()
    assert client.deleted_at is None


def test_a_client_with_orders_is_not_deleted(manager):
    variant = first_variant(make_product("Стілець Арко", price="1500.00", stock=5))
    order = order_place(cart=cart_with((variant, 1)), checkout_key=new_key(), details=details())
    client = client_assign_manager(actor=None, client=order.client, manager=manager)
    with pytest.raises(ApplicationError) as refused:
        client_delete(actor=manager, client=client)
    assert refused.value.code == "clients.has_sales"
    client.refresh_from_db()
    assert client.deleted_at is None
