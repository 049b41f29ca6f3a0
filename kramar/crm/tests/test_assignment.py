"""One set of lead rules for every channel (issue 6; M6, M8, M12): the choice, and the rules'
writes checked and audited."""

from __future__ import annotations

import pytest

from kramar.accounts.enums import DepartmentKind, Role
from kramar.accounts.tests.factories import DepartmentFactory
from kramar.audit.models import AuditEntry
from kramar.audit.selectors import record_history
from kramar.catalog.tests.factories import make_group, make_product
from kramar.clients.models import Region
from kramar.clients.tests.factories import ClientFactory
from kramar.core.errors import ApplicationError, PermissionDeniedError
from kramar.crm.enums import CrmErrorCode, LeadChannel
from kramar.crm.models import LeadRule, Pipeline
from kramar.crm.selectors import lead_rule_rows
from kramar.crm.services import (
    deal_create,
    lead_assignment,
    lead_manager_for,
    lead_rule_create,
    lead_rule_delete,
    lead_rule_move,
    lead_rule_update,
)
from kramar.crm.services.assignment import AssignedBy

pytestmark = pytest.mark.django_db


@pytest.fixture
def wholesale_desk():
    return DepartmentFactory(code="wholesale", name="Wholesale desk", kind=DepartmentKind.SALES)


def lead_for(manager, *, source="site-form"):
    """Give ``manager`` an open lead deal, as a channel would."""
    client = ClientFactory(manager=manager)
    return deal_create(
        actor=None,
        client=client,
        pipeline=Pipeline.objects.get(code="retail"),
        title="Лід",
        manager=manager,
        source=source,
    )


# --- The choice ----------------------------------------------------------------------------------


def test_the_first_matching_rule_in_order_wins_and_blank_fields_match_anything_m6(
    make_staff, wholesale_desk
):
    make_staff(Role.SALES_MANAGER)
    desk = make_staff(Role.SALES_MANAGER, department=wholesale_desk)
    named = make_staff(Role.SALES_MANAGER)
    first = lead_rule_create(actor=None, channel=LeadChannel.QUOTE, department=wholesale_desk)
    lead_rule_create(actor=None, manager=named)  # any channel
    assert lead_manager_for(channel=LeadChannel.QUOTE) == desk
    assert lead_manager_for(channel=LeadChannel.EMAIL) == named
    lead_rule_move(actor=None, rule=first, position=2)
    assert lead_manager_for(channel=LeadChannel.QUOTE) == named


def test_a_rule_by_region_and_product_group_covers_the_groups_below_it_m6(make_staff):
    region = Region.objects.order_by("pk").first()
    tools = make_group("Tools")
    drill = make_product("Drill", group=make_group("Drills", parent=tools))
    make_staff(Role.SALES_MANAGER)
    named = make_staff(Role.HEAD_OF_SALES)
    lead_rule_create(actor=None, region=region, product_group=tools, manager=named)
    from_region = ClientFactory(region=region)
    elsewhere = ClientFactory(region=Region.objects.exclude(pk=region.pk).first())
    assert lead_manager_for(channel="question", client=from_region, product=drill) == named
    assert lead_manager_for(channel="question", client=elsewhere, product=drill) != named
    assert lead_manager_for(channel="contact", client=from_region) != named  # no product


def test_a_department_gives_the_lead_to_its_least_loaded_sales_manager_m12(
    make_staff, wholesale_desk
):
    busy = make_staff(Role.SALES_MANAGER, department=wholesale_desk)
    free = make_staff(Role.SALES_MANAGER, department=wholesale_desk)
    make_staff(Role.HEAD_OF_SALES, department=wholesale_desk)  # heads are named, not drawn
    lead_rule_create(actor=None, department=wholesale_desk)
    lead_for(busy)
    lead_for(busy)
    lead_for(free)
    assert lead_manager_for(channel="callback") == free


def test_on_equal_load_the_oldest_last_lead_of_any_channel_goes_next_m8(make_staff):
    by_form, by_mail = make_staff(Role.SALES_MANAGER), make_staff(Role.SALES_MANAGER)
    lead_for(by_form, source="site-form")
    lead_for(by_mail, source="email")  # later: an e-mail lead counts as much as a form's
    assert lead_manager_for(channel="contact") == by_form


def test_a_client_with_an_active_manager_keeps_them_whatever_the_rules(make_staff):
    own, named = make_staff(Role.SALES_MANAGER), make_staff(Role.SALES_MANAGER)
    lead_rule_create(actor=None, manager=named)
    choice = lead_assignment(channel="email", client=ClientFactory(manager=own))
    assert choice.manager == own and choice.by == AssignedBy.CLIENT_MANAGER


def test_a_rule_that_cannot_take_a_lead_is_skipped_and_says_why_m12(make_staff, administrator):
    empty = DepartmentFactory(code="empty", kind=DepartmentKind.SALES)
    fallback = make_staff(Role.SALES_MANAGER)
    gone = make_staff(Role.SALES_MANAGER)
    lead_rule_create(actor=None, manager=gone)
    lead_rule_create(actor=None, department=empty)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    choice = lead_assignment(channel="contact")
    assert choice.manager == fallback and choice.by == AssignedBy.SALES_DEPARTMENTS
    rows = lead_rule_rows(viewer=administrator)
    assert [bool(row.idle) for row in rows] == [True, True]


def test_without_any_sales_manager_nobody_is_chosen(make_staff):
    make_staff(Role.MARKETING)
    assert lead_assignment(channel="email").by == AssignedBy.NOBODY


# --- The writes ----------------------------------------------------------------------------------


def test_a_new_rule_goes_to_the_end_and_is_audited_m12(make_staff, wholesale_desk):
    head = make_staff(Role.HEAD_OF_SALES)
    first = lead_rule_create(actor=head, channel="quote", department=wholesale_desk)
    second = lead_rule_create(actor=head, manager=head, note="  Усе   інше ")
    assert (first.order, second.order) == (1, 2)
    assert second.note == "Усе інше"
    assert AuditEntry.objects.filter(model="crm.leadrule", action="create").count() == 2


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({}, CrmErrorCode.LEAD_RULE_TARGET),
        ({"department": "desk", "manager": "head"}, CrmErrorCode.LEAD_RULE_TARGET),
        ({"department": "marketing"}, CrmErrorCode.LEAD_RULE_DEPARTMENT),
        ({"manager": "marketer"}, CrmErrorCode.LEAD_RULE_MANAGER),
        ({"manager": "head", "channel": "fax"}, CrmErrorCode.LEAD_RULE_CHANNEL),
    ],
)
def test_a_rule_names_one_sales_department_or_one_person_who_works_leads(
    make_staff, wholesale_desk, fields, code
):
    people = {
        "desk": wholesale_desk,
        "head": make_staff(Role.HEAD_OF_SALES),
        "marketer": make_staff(Role.MARKETING),
        "marketing": DepartmentFactory(code="mkt", kind=DepartmentKind.MARKETING),
    }
    given = {name: people.get(value, value) for name, value in fields.items()}
    with pytest.raises(ApplicationError) as refused:
        lead_rule_create(actor=None, **given)
    assert refused.value.code == code
    assert not LeadRule.objects.exists()


@pytest.mark.parametrize("role", [Role.SALES_MANAGER, Role.COMPANY_HEAD, Role.MARKETING])
def test_only_heads_of_sales_and_administrators_change_the_rules_m3(make_staff, role):
    someone = make_staff(role)
    head = make_staff(Role.HEAD_OF_SALES)
    rule = lead_rule_create(actor=head, manager=head)
    before = AuditEntry.objects.count()
    for attempt in (
        lambda: lead_rule_create(actor=someone, manager=head),
        lambda: lead_rule_update(actor=someone, rule=rule, note="x"),
        lambda: lead_rule_move(actor=someone, rule=rule, position=1),
        lambda: lead_rule_delete(actor=someone, rule=rule),
    ):
        with pytest.raises(PermissionDeniedError):
            attempt()
    assert AuditEntry.objects.count() == before
    assert LeadRule.objects.get().note == ""


def test_moving_a_rule_numbers_the_rules_again_in_one_order(make_staff):
    head = make_staff(Role.HEAD_OF_SALES)
    rules = [lead_rule_create(actor=head, manager=head, note=str(n)) for n in range(4)]
    LeadRule.objects.filter(pk=rules[0].pk).update(order=0)  # an old, unnumbered rule
    lead_rule_move(actor=head, rule=rules[3], position=1)
    lead_rule_move(actor=head, rule=rules[0], position=99)  # past the end: the last
    assert list(LeadRule.objects.values_list("note", "order")) == [
        ("3", 1),
        ("1", 2),
        ("2", 3),
        ("0", 4),
    ]


def test_switching_a_rule_off_keeps_it_and_the_trail_says_who(make_staff, wholesale_desk):
    head = make_staff(Role.HEAD_OF_SALES)
    desk = make_staff(Role.SALES_MANAGER, department=wholesale_desk)
    rule = lead_rule_create(actor=head, channel="email", department=wholesale_desk)
    LeadRule.objects.filter(pk=rule.pk).update(manager=head)  # an old rule naming both
    assert lead_manager_for(channel="email") == head
    lead_rule_update(actor=head, rule=rule, is_active=False)  # switching off checks no target
    assert lead_manager_for(channel="email") == desk  # the fallback, not the rule
    change = AuditEntry.objects.filter(model="crm.leadrule", action="update").latest("id")
    assert change.changes["is_active"] == [True, False]
    with pytest.raises(ApplicationError):
        lead_rule_update(actor=head, rule=rule, form_kind="quote")


def test_a_rules_history_keeps_the_rows_written_before_it_moved_to_the_crm(make_staff):
    head = make_staff(Role.HEAD_OF_SALES)
    rule = lead_rule_create(actor=head, manager=head)
    AuditEntry.objects.create(
        model="tracking.leadrule", object_id=str(rule.pk), action="update", source="system"
    )
    assert {entry.model for entry in record_history(model="crm.LeadRule", object_id=rule.pk)} == {
        "crm.leadrule",
        "tracking.leadrule",
    }
