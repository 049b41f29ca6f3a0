"""Service cases are worked against an SLA, every step leaves an event and a line on the
client's one history, and impossible steps are refused without a trace (M14)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kramar.accounts.enums import Role
from kramar.cases.enums import CaseEventKind, CaseKind, CasePriority, CasesErrorCode, CaseStatus
from kramar.cases.models import CaseEvent, ServiceCase
from kramar.cases.services import (
    case_assign,
    case_change_status,
    case_close,
    case_open,
    case_resolve,
)
from kramar.cases.tests.factories import open_case
from kramar.clients.enums import TimelineKind
from kramar.clients.tests.factories import ClientFactory
from kramar.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(make_staff):
    return make_staff(Role.AFTER_SALES)


@pytest.fixture
def case(service):
    return open_case(actor=service)


def refused(code, write):
    with pytest.raises(ApplicationError) as caught:
        write()
    assert caught.value.code == code
    return caught.value


@pytest.mark.parametrize(
    ("priority", "budget"),
    [
        (CasePriority.URGENT, timedelta(hours=4)),
        (CasePriority.HIGH, timedelta(days=1)),
        (CasePriority.NORMAL, timedelta(days=3)),
        (CasePriority.LOW, timedelta(days=7)),
    ],
)
def test_the_sla_due_time_follows_from_the_priority_m14(service, priority, budget):
    opened_at = timezone.now() - timedelta(hours=1)
    case = open_case(actor=service, priority=priority, now=opened_at)
    assert case.sla_due_at == opened_at + budget


def test_an_opened_case_gets_a_human_number_an_event_and_a_contact_on_the_timeline_m14(service):
    client = ClientFactory()
    case = open_case(actor=service, client=client)
    assert case.number == f"С-{case.pk:06d}"
    assert case.status == CaseStatus.NEW
    event = case.events.get()
    assert (event.kind, event.from_status, event.to_status) == (CaseEventKind.OPENED, "", "new")
    entry = client.timeline.get(kind=TimelineKind.CASE)
    assert case.number in entry.summary
    client.refresh_from_db()
    assert client.last_contact_at == entry.occurred_at


def test_numbers_are_unique_across_cases(service):
    numbers = {open_case(actor=service).number for _ in range(3)}
    assert len(numbers) == 3


def test_a_case_needs_a_subject_and_nothing_is_written_without_one(service):
    client = ClientFactory()
    refused(
        CasesErrorCode.SUBJECT_REQUIRED,
        lambda: case_open(actor=service, client=client, kind=CaseKind.QUESTION, subject="  "),
    )
    assert not ServiceCase.objects.exists()
    assert not client.timeline.filter(kind=TimelineKind.CASE).exists()


def test_assigning_takes_the_owners_department_and_keeps_an_event(service, case, make_staff):
    colleague = make_staff(Role.AFTER_SALES)
    case = case_assign(actor=service, case=case, owner=colleague)
    assert (case.owner, case.department) == (colleague, colleague.department)
    assert case.events.filter(kind=CaseEventKind.ASSIGNED).count() == 1
    assert case.client.timeline.filter(kind=TimelineKind.CASE).count() == 2


def test_a_sales_manager_cannot_own_a_case_m14(service, case, sales_manager):
    refused(
        CasesErrorCode.OWNER_NOT_SERVICE,
        lambda: case_assign(actor=service, case=case, owner=sales_manager),
    )
    case.refresh_from_db()
    assert case.owner is None
    assert case.events.count() == 1


def test_each_status_change_writes_an_event_and_a_timeline_line(service, case):
    case = case_change_status(actor=service, case=case, status=CaseStatus.IN_PROGRESS)
    case = case_change_status(
        actor=service, case=case, status=CaseStatus.WAITING_CLIENT, note="Чекаємо фото"
    )
    moves = list(case.events.values_list("from_status", "to_status", "note"))
    assert moves[1:] == [
        ("new", "in_progress", ""),
        ("in_progress", "waiting_client", "Чекаємо фото"),
    ]
    assert case.client.timeline.filter(kind=TimelineKind.CASE).count() == 3


def test_resolving_needs_a_resolution_and_a_refusal_changes_nothing_m14(service, case):
    error = refused(
        CasesErrorCode.RESOLUTION_REQUIRED,
        lambda: case_resolve(actor=service, case=case, resolution="   "),
    )
    assert error.extra == {"field": "resolution"}
    case.refresh_from_db()
    assert (case.status, case.resolved_at) == (CaseStatus.NEW, None)
    assert case.events.count() == 1


def test_resolving_keeps_how_and_when_and_counts_as_a_contact(service, case):
    at = timezone.now() + timedelta(minutes=5)
    case = case_resolve(actor=service, case=case, resolution="Замінили товар", now=at)
    assert (case.status, case.resolution, case.resolved_at) == ("resolved", "Замінили товар", at)
    assert case.events.last().kind == CaseEventKind.RESOLVED
    case.client.refresh_from_db()
    assert case.client.last_contact_at == at


def test_the_status_change_refuses_resolving_without_a_resolution(service, case):
    refused(
        CasesErrorCode.USE_RESOLVE,
        lambda: case_change_status(actor=service, case=case, status=CaseStatus.RESOLVED),
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW


def test_a_case_never_goes_back_to_new(service, case):
    case = case_change_status(actor=service, case=case, status=CaseStatus.IN_PROGRESS)
    refused(
        CasesErrorCode.TRANSITION_NOT_ALLOWED,
        lambda: case_change_status(actor=service, case=case, status=CaseStatus.NEW),
    )
    refused(
        CasesErrorCode.SAME_STATUS,
        lambda: case_change_status(actor=service, case=case, status=CaseStatus.IN_PROGRESS),
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.events.count() == 2


def test_closing_an_unresolved_case_needs_a_reason(service, case):
    refused(CasesErrorCode.CLOSE_NEEDS_NOTE, lambda: case_close(actor=service, case=case))
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW
    case = case_close(actor=service, case=case, note="Дубль звернення")
    assert case.status == CaseStatus.CLOSED


def test_closed_is_final_m14(service, case, make_staff):
    case = case_resolve(actor=service, case=case, resolution="Повернули кошти")
    case = case_close(actor=service, case=case)
    events = CaseEvent.objects.count()
    timeline = case.client.timeline.count()
    for write in (
        lambda: case_change_status(actor=service, case=case, status=CaseStatus.IN_PROGRESS),
        lambda: case_resolve(actor=service, case=case, resolution="Ще раз"),
        lambda: case_close(actor=service, case=case, note="Ще раз"),
        lambda: case_assign(actor=service, case=case, owner=make_staff(Role.AFTER_SALES)),
    ):
        refused(CasesErrorCode.CASE_CLOSED, write)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert (CaseEvent.objects.count(), case.client.timeline.count()) == (events, timeline)


def test_a_resolved_case_may_be_reopened_and_loses_its_resolved_time(service, case):
    case = case_resolve(actor=service, case=case, resolution="Консультація")
    case = case_change_status(
        actor=service, case=case, status=CaseStatus.IN_PROGRESS, note="Клієнт повернувся"
    )
    assert (case.status, case.resolved_at) == (CaseStatus.IN_PROGRESS, None)
    assert case.resolution == "Консультація"


def test_an_open_case_past_its_sla_is_overdue_and_a_resolved_one_is_not(service):
    late = open_case(
        actor=service, priority=CasePriority.URGENT, now=timezone.now() - timedelta(hours=5)
    )
    assert late.is_overdue
    late = case_resolve(actor=service, case=late, resolution="Замінили товар")
    assert not late.is_overdue
