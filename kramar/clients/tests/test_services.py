"""The one client record and its timeline (M5, M11, M14)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kramar.accounts.enums import Role
from kramar.accounts.tests.factories import CustomerFactory, DepartmentFactory
from kramar.clients.enums import ClientKind, ClientsErrorCode, TimelineKind
from kramar.clients.models import Client, ClientEmail, TimelineEntry
from kramar.clients.services import (
    client_add_email,
    client_add_phone,
    client_assign_manager,
    client_create,
    client_for_shop_user,
    client_merge,
    client_update,
    normalize_phone,
    timeline_record,
)
from kramar.clients.tests.factories import ClientFactory, CompanyFactory
from kramar.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


def test_a_person_is_created_with_normalised_contacts_and_a_first_timeline_entry(sales_manager):
    client = client_create(
        actor=sales_manager,
        kind=ClientKind.PERSON,
        first_name=" Олена ",
        last_name="Коваль",
        emails=["Olena@Example.TEST", "olena@example.test", "o.koval@example.test"],
        phones=["067 123 45 67", "+380 (44) 123-45-67"],
        manager=sales_manager,
        tags=["VIP", "vip", "опт"],
    )
    assert client.name == "Олена Коваль"
    assert list(client.emails.values_list("email", "is_primary")) == [
        ("olena@example.test", True),
        ("o.koval@example.test", False),
    ]
    assert list(client.phones.values_list("number", flat=True)) == [
        "+380671234567",
        "+380441234567",
    ]
    assert sorted(client.tags.values_list("name", flat=True)) == ["VIP", "опт"]
    assert client.department == sales_manager.department
    entry = client.timeline.get()
    assert entry.kind == TimelineKind.CLIENT_CREATED
    assert entry.actor == sales_manager


@pytest.mark.parametrize("phone", ["123", "not a phone", "+380 00 000", ""])
def test_a_bad_phone_is_refused_and_nothing_is_written(phone):
    with pytest.raises(ApplicationError) as error:
        client_create(actor=None, kind=ClientKind.PERSON, name="X", phones=[phone])
    assert error.value.code == ClientsErrorCode.INVALID_PHONE
    assert Client.objects.count() == 0


def test_a_bad_email_is_refused_and_nothing_is_written():
    with pytest.raises(ApplicationError) as error:
        client_create(actor=None, kind=ClientKind.PERSON, name="X", emails=["nope@"])
    assert error.value.code == ClientsErrorCode.INVALID_EMAIL
    assert Client.objects.count() == 0


def test_a_client_needs_a_name():
    with pytest.raises(ApplicationError) as error:
        client_create(actor=None, kind=ClientKind.COMPANY, name="  ")
    assert error.value.code == ClientsErrorCode.NAME_REQUIRED


def test_a_contact_person_belongs_to_a_company_not_to_a_person():
    person = ClientFactory()
    with pytest.raises(ApplicationError) as error:
        ClientFactory(company=person)
    assert error.value.code == ClientsErrorCode.COMPANY_EXPECTED
    company = CompanyFactory()
    contact = ClientFactory(company=company, job_title="Закупівельник")
    assert list(company.contacts.all()) == [contact]


def test_a_customer_cannot_be_a_responsible_manager():
    with pytest.raises(ApplicationError) as error:
        ClientFactory(manager=CustomerFactory())
    assert error.value.code == ClientsErrorCode.NOT_A_MANAGER


def test_update_records_each_changed_field_with_old_and_new_value(sales_manager):
    client = ClientFactory(notes="", manager=sales_manager)
    client_update(actor=sales_manager, client=client, notes="Любить знижки", is_partner=True)
    entry = client.timeline.filter(kind=TimelineKind.CLIENT_CHANGED).get()
    assert entry.details["changes"] == {"notes": ["", "Любить знижки"], "is_partner": [False, True]}
    client_update(actor=sales_manager, client=client, notes="Любить знижки")  # no change
    assert client.timeline.filter(kind=TimelineKind.CLIENT_CHANGED).count() == 1


def test_update_refuses_fields_that_have_their_own_service():
    client = ClientFactory()
    with pytest.raises(ApplicationError) as error:
        client_update(actor=None, client=client, manager=None, kind="company")
    assert error.value.code == ClientsErrorCode.UNKNOWN_FIELD


def test_assigning_a_manager_moves_the_client_into_the_managers_department(make_staff):
    first = make_staff(Role.SALES_MANAGER)
    client = ClientFactory(manager=first)
    head = make_staff(Role.HEAD_OF_SALES)
    other = make_staff(Role.SALES_MANAGER, department=DepartmentFactory(code="sales-lviv"))
    client_assign_manager(actor=head, client=client, manager=other)
    client.refresh_from_db()
    assert client.manager == other
    assert client.department == other.department
    entry = client.timeline.filter(kind=TimelineKind.MANAGER_ASSIGNED).get()
    assert entry.details == {"from": first.pk, "to": other.pk}


def test_contacts_move_the_last_contact_forward_only():
    client = ClientFactory()
    assert client.last_contact_at is None
    now = timezone.now()
    timeline_record(client=client, kind=TimelineKind.CALL, summary="Дзвінок", occurred_at=now)
    timeline_record(
        client=client,
        kind=TimelineKind.EMAIL_IN,
        summary="Старий лист",
        occurred_at=now - timedelta(days=3),
    )
    timeline_record(client=client, kind=TimelineKind.NOTE, summary="Нотатка")  # not a contact
    client.refresh_from_db()
    assert client.last_contact_at == now


def test_adding_an_email_twice_is_refused_and_a_new_primary_replaces_the_old():
    client = ClientFactory(emails=["a@example.test"])
    with pytest.raises(ApplicationError) as error:
        client_add_email(actor=None, client=client, email="A@example.test")
    assert error.value.code == ClientsErrorCode.EMAIL_ON_CLIENT
    client_add_email(actor=None, client=client, email="b@example.test", primary=True)
    assert list(client.emails.filter(is_primary=True).values_list("email", flat=True)) == [
        "b@example.test"
    ]


def test_phone_numbers_are_stored_in_e164():
    client = ClientFactory()
    phone = client_add_phone(actor=None, client=client, number="(050) 765-43-21")
    assert phone.number == "+380507654321"
    assert phone.is_primary
    assert normalize_phone("+48 601 234 567") == "+48601234567"


def test_every_shop_customer_is_one_client_linked_by_email(customer):
    client = client_for_shop_user(user=customer)
    assert client.user == customer
    assert client_for_shop_user(user=customer) == client  # never a copy
    assert Client.objects.count() == 1


def test_a_shop_account_joins_the_client_staff_entered_before(sales_manager):
    known = ClientFactory(emails=["buyer@example.test"], manager=sales_manager)
    customer = CustomerFactory(email="Buyer@Example.test")
    assert client_for_shop_user(user=customer) == known
    known.refresh_from_db()
    assert known.user == customer


def test_merge_moves_every_related_record_and_leaves_a_tombstone(sales_manager, make_staff):
    head = make_staff(Role.HEAD_OF_SALES)
    company = CompanyFactory()
    target = ClientFactory(emails=["same@example.test"], manager=sales_manager)
    source = ClientFactory(
        emails=["same@example.test", "other@example.test"],
        phones=["0671234567"],
        tags=["опт"],
        company=company,
        job_title="Директор",
        manager=sales_manager,
    )
    contact_of_source = ClientFactory()
    timeline_record(client=source, kind=TimelineKind.CALL, summary="Дзвінок дублікату")
    client_merge(actor=head, source=source, target=target)

    target.refresh_from_db()
    source.refresh_from_db()
    assert source.merged_into == target
    assert sorted(target.emails.values_list("email", flat=True)) == [
        "other@example.test",
        "same@example.test",
    ]
    assert list(target.phones.values_list("number", flat=True)) == ["+380671234567"]
    assert list(target.tags.values_list("name", flat=True)) == ["опт"]
    assert target.company == company and target.job_title == "Директор"
    assert target.timeline.filter(summary="Дзвінок дублікату").exists()
    assert not TimelineEntry.objects.filter(client=source).exists()
    assert ClientEmail.objects.filter(client=source).count() == 0
    merged = target.timeline.get(kind=TimelineKind.CLIENTS_MERGED)
    assert merged.details["source"] == source.pk
    assert merged.actor == head
    assert contact_of_source.company is None  # untouched: it was not linked


@pytest.mark.parametrize(
    ("make_pair", "code"),
    [
        (lambda: (c := ClientFactory(), c), ClientsErrorCode.MERGE_INTO_ITSELF),
        (lambda: (ClientFactory(), CompanyFactory()), ClientsErrorCode.MERGE_KINDS_DIFFER),
    ],
)
def test_impossible_merges_are_refused_and_change_nothing(make_pair, code):
    source, target = make_pair()
    before = TimelineEntry.objects.count()
    with pytest.raises(ApplicationError) as error:
        client_merge(actor=None, source=source, target=target)
    assert error.value.code == code
    assert TimelineEntry.objects.count() == before
    source.refresh_from_db()
    assert source.merged_into is None


def test_a_merged_client_cannot_be_merged_again():
    a, b, c = ClientFactory(), ClientFactory(), ClientFactory()
    client_merge(actor=None, source=a, target=b)
    with pytest.raises(ApplicationError) as error:
        client_merge(actor=None, source=a, target=c)
    assert error.value.code == ClientsErrorCode.ALREADY_MERGED


def test_two_shop_accounts_are_not_merged_silently():
    a = client_for_shop_user(user=CustomerFactory())
    b = client_for_shop_user(user=CustomerFactory())
    with pytest.raises(ApplicationError) as error:
        client_merge(actor=None, source=a, target=b)
    assert error.value.code == ClientsErrorCode.MERGE_TWO_ACCOUNTS


def test_a_caller_may_say_whether_an_entry_is_a_contact():
    client = ClientFactory()
    timeline_record(client=client, kind=TimelineKind.CASE, summary="Перепризначено", contact=False)
    client.refresh_from_db()
    assert client.last_contact_at is None
    timeline_record(client=client, kind=TimelineKind.NOTE, summary="Клієнт зайшов", contact=True)
    client.refresh_from_db()
    assert client.last_contact_at is not None
