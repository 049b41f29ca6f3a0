"""Discounts above the limit wait for a head of sales (issue 5 item 2; M3, M15)."""

from decimal import Decimal

import pytest

from kramar.accounts.enums import DepartmentKind, Role
from kramar.accounts.tests.factories import DepartmentFactory
from kramar.audit.models import AuditEntry
from kramar.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from kramar.crm.enums import ApprovalStatus
from kramar.crm.models import ApprovalRequest
from kramar.crm.services import approval_decide, deal_set_discount
from kramar.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.CRM_DISCOUNT_APPROVAL_ABOVE = 10


@pytest.fixture
def head(make_staff):
    return make_staff(Role.HEAD_OF_SALES)


def test_a_discount_within_the_limit_is_set_at_once(manager, deal):
    assert deal_set_discount(actor=manager, deal=deal, percent="7.5") is None
    deal.refresh_from_db()
    assert deal.discount_percent == Decimal("7.50")


def test_a_discount_above_the_limit_waits_for_the_head_and_is_applied_on_approval(
    manager, head, deal
):
    asked = deal_set_discount(actor=manager, deal=deal, percent=15, note="великий обсяг")
    deal.refresh_from_db()
    assert deal.discount_percent == Decimal("0.00")
    assert (asked.status, asked.value, asked.department_id) == (
        ApprovalStatus.PENDING,
        Decimal("15.00"),
        deal.department_id,
    )
    assert Notification.objects.filter(recipient=head, kind="approval").exists()
    approval_decide(actor=head, request=asked, approve=True, note="так")
    deal.refresh_from_db()
    assert deal.discount_percent == Decimal("15.00")
    asked.refresh_from_db()
    assert (asked.status, asked.decided_by) == (ApprovalStatus.APPROVED, head)
    assert Notification.objects.filter(recipient=manager, kind="approval").exists()
    trail = AuditEntry.objects.filter(model="crm.approvalrequest", object_id=str(asked.pk))
    assert {row.action for row in trail} == {"create", "update"}


def test_a_refused_discount_changes_nothing(manager, head, deal):
    asked = deal_set_discount(actor=manager, deal=deal, percent=40)
    approval_decide(actor=head, request=asked, approve=False, note="ні")
    deal.refresh_from_db()
    assert deal.discount_percent == Decimal("0.00")
    with pytest.raises(ApplicationError) as twice:
        approval_decide(actor=head, request=asked, approve=True)
    assert twice.value.code == "crm.approval_already_decided"


def test_a_manager_cannot_approve_and_a_head_elsewhere_cannot_see_it(manager, make_staff, deal):
    asked = deal_set_discount(actor=manager, deal=deal, percent=20)
    with pytest.raises(PermissionDeniedError):
        approval_decide(actor=manager, request=asked, approve=True)
    elsewhere = DepartmentFactory(code="sales-lviv", kind=DepartmentKind.SALES)
    other_head = make_staff(Role.HEAD_OF_SALES, department=elsewhere)
    with pytest.raises(NotFoundError):
        approval_decide(actor=other_head, request=asked, approve=True)
    deal.refresh_from_db()
    assert deal.discount_percent == Decimal("0.00")


def test_a_newer_ask_replaces_the_pending_one(manager, deal):
    first = deal_set_discount(actor=manager, deal=deal, percent=20)
    second = deal_set_discount(actor=manager, deal=deal, percent=18)
    first.refresh_from_db()
    assert first.status == ApprovalStatus.WITHDRAWN
    assert ApprovalRequest.objects.get(status=ApprovalStatus.PENDING) == second


def test_the_head_sets_any_discount_directly(head, deal):
    assert deal_set_discount(actor=head, deal=deal, percent=30) is None
    deal.refresh_from_db()
    assert deal.discount_percent == Decimal("30.00")


@pytest.mark.parametrize("bad", ["-1", "100.5", "abc"])
def test_an_impossible_discount_is_refused(manager, deal, bad):
    with pytest.raises(ApplicationError) as refused:
        deal_set_discount(actor=manager, deal=deal, percent=bad)
    assert refused.value.code == "crm.invalid_discount"


def test_the_api_answers_202_while_a_head_decides(client_for, manager, head, deal):
    response = client_for(manager).post(
        f"/api/deals/{deal.pk}/discount", {"percent": "25"}, content_type="application/json"
    )
    assert response.status_code == 202
    body = response.json()
    assert body["applied"] is False and body["approval_request"]["status"] == "pending"
    pending = client_for(head).get("/api/approvals?status=pending").json()["items"]
    assert [item["id"] for item in pending] == [body["approval_request"]["id"]]
    decided = client_for(head).post(
        f"/api/approvals/{pending[0]['id']}/decide",
        {"approve": True},
        content_type="application/json",
    )
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    assert client_for(manager).get(f"/api/deals/{deal.pk}").json()["discount_percent"] == "25.00"


def test_the_office_page_lets_the_head_decide(client_for, manager, head, deal):
    client_for(manager).post(f"/office/deals/{deal.pk}/discount/", {"percent": "30"})
    asked = ApprovalRequest.objects.get()
    page = client_for(head).get("/office/approvals/")
    assert [item.pk for item in page.context["pending"]] == [asked.pk]
    client_for(head).post(f"/office/approvals/{asked.pk}/decide/", {"decision": "approve"})
    deal.refresh_from_db()
    assert deal.discount_percent == Decimal("30.00")
