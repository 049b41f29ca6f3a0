"""The lead rules page (issue 6; M6, M8, M12): heads of sales and administrators keep the one set
of rules for web forms and e-mail, reorder them, and ask who would get a lead now."""

import pytest

from kramar.accounts.enums import DepartmentKind, Role
from kramar.accounts.tests.factories import DepartmentFactory
from kramar.audit.models import AuditEntry
from kramar.crm.enums import LeadChannel
from kramar.crm.models import LeadRule
from kramar.crm.services import lead_rule_create
from kramar.crm.services.assignment import AssignedBy

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(make_staff):
    return make_staff(Role.HEAD_OF_SALES)


@pytest.fixture
def desk(db):
    return DepartmentFactory(code="wholesale", name="Wholesale desk", kind=DepartmentKind.SALES)


def test_a_head_of_sales_adds_a_rule_and_the_trail_names_them_m12(client_for, head, desk):
    browser = client_for(head)
    assert browser.get("/office/lead-rules/new/").status_code == 200
    response = browser.post(
        "/office/lead-rules/new/",
        {"channel": "quote", "department": desk.pk, "note": "Опт", "is_active": "on"},
    )
    assert response.status_code == 302 and response["Location"] == "/office/lead-rules/"
    rule = LeadRule.objects.get()
    assert (rule.channel, rule.department, rule.note) == ("quote", desk, "Опт")
    assert rule.is_active
    entry = AuditEntry.objects.get(model="crm.leadrule", action="create")
    assert entry.actor == head and entry.source == "page"
    page = browser.get("/office/lead-rules/")
    assert [row.rule for row in page.context["rows"]] == [rule]
    assert b'href="/office/lead-rules/"' in page.content  # in the navigation


@pytest.mark.parametrize(
    "data",
    [
        {"channel": "quote"},  # goes nowhere
        {"channel": "fax", "department": "DESK"},
        {"region": "abc", "department": "DESK"},
        {"department": "DESK", "manager": "HEAD"},
        {"department": "MARKETING"},
        {"manager": "DESK", "note": "x" * 500},
    ],
)
def test_a_bad_rule_is_refused_on_the_form_not_500(client_for, head, desk, data):
    marketing = DepartmentFactory(code="mkt", kind=DepartmentKind.MARKETING)
    ids = {"DESK": desk.pk, "HEAD": head.pk, "MARKETING": marketing.pk}
    posted = {name: ids.get(value, value) for name, value in data.items()}
    response = client_for(head).post("/office/lead-rules/new/", posted)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not LeadRule.objects.exists()


def test_the_tester_shows_who_would_get_a_lead_now_m6(client_for, head, make_staff, desk):
    specialist = make_staff(Role.SALES_MANAGER, department=desk)
    make_staff(Role.SALES_MANAGER)
    rule = lead_rule_create(actor=head, channel=LeadChannel.QUOTE, department=desk)
    browser = client_for(head)
    wanted = {"channel": "quote", "region": "", "product_group": ""}
    page = browser.get("/office/lead-rules/", wanted)
    outcome = page.context["outcome"]
    assert outcome.manager == specialist and outcome.rule == rule
    assert outcome.by == AssignedBy.RULE_DEPARTMENT
    assert specialist.get_full_name().encode() in page.content
    other = browser.get("/office/lead-rules/", {"channel": "email"}).context["outcome"]
    assert other.rule is None and other.by == AssignedBy.SALES_DEPARTMENTS
    assert browser.get("/office/lead-rules/", {"channel": "fax"}).status_code == 400


def test_rules_move_up_and_down_switch_off_and_are_deleted(client_for, head, desk):
    first = lead_rule_create(actor=head, department=desk, note="first")
    second = lead_rule_create(actor=head, manager=head, note="second")
    browser = client_for(head)
    browser.post(f"/office/lead-rules/{second.pk}/move/", {"direction": "up"})
    assert list(LeadRule.objects.values_list("note", flat=True)) == ["second", "first"]
    browser.post(f"/office/lead-rules/{second.pk}/move/", {"direction": "down"})
    assert list(LeadRule.objects.values_list("note", flat=True)) == ["first", "second"]
    browser.post(f"/office/lead-rules/{first.pk}/active/", {"is_active": "0"})
    first.refresh_from_db()
    assert not first.is_active
    browser.post(f"/office/lead-rules/{first.pk}/delete/")
    assert list(LeadRule.objects.values_list("note", flat=True)) == ["second"]
    assert browser.post("/office/lead-rules/999999/delete/").status_code == 404


def test_a_rule_is_edited_and_its_history_opens_from_the_list(client_for, head, desk):
    rule = lead_rule_create(actor=head, department=desk)
    browser = client_for(head)
    response = browser.post(
        f"/office/lead-rules/{rule.pk}/",
        {"channel": "email", "manager": head.pk, "note": "Листи", "is_active": "on"},
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.channel, rule.manager, rule.department) == ("email", head, None)
    history = browser.get(f"/office/history/crm.leadrule/{rule.pk}/")
    assert history.status_code == 200
    assert {row["entry"].action for row in history.context["rows"]} == {"create", "update"}


def test_the_company_head_reads_the_rules_but_does_not_change_them_m15(
    client_for, make_staff, head, desk
):
    rule = lead_rule_create(actor=head, department=desk)
    browser = client_for(make_staff(Role.COMPANY_HEAD))
    page = browser.get("/office/lead-rules/")
    assert page.status_code == 200 and b"/office/lead-rules/new/" not in page.content
    assert browser.get(f"/office/lead-rules/{rule.pk}/").status_code == 200
    edit = browser.post(f"/office/lead-rules/{rule.pk}/", {"manager": head.pk})
    assert edit.status_code == 403
    assert browser.post("/office/lead-rules/new/", {"manager": head.pk}).status_code == 403
    rule.refresh_from_db()
    assert rule.department == desk and LeadRule.objects.count() == 1


def test_sales_managers_have_no_lead_rules_page_m3(client_for, make_staff, head, desk):
    rule = lead_rule_create(actor=head, department=desk)
    browser = client_for(make_staff(Role.SALES_MANAGER))
    assert browser.get("/office/lead-rules/").status_code == 403
    assert browser.get(f"/office/history/crm.leadrule/{rule.pk}/").status_code == 404
    assert b"/office/lead-rules/" not in browser.get("/office/").content
