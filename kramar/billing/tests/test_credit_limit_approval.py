"""A credit limit above the approval limit waits for a head of sales (issue 5 item 2; M15)."""

from decimal import Decimal

import pytest

from kramar.accounts.enums import Role
from kramar.billing.models import CreditLimit
from kramar.billing.services import credit_limit_set
from kramar.crm.enums import ApprovalKind, ApprovalStatus
from kramar.crm.models import ApprovalRequest
from kramar.crm.services import approval_decide

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.BILLING_CREDIT_LIMIT_APPROVAL_ABOVE = 50_000


def test_the_accountant_sets_a_limit_within_the_approval_limit(accountant, own_client):
    assert credit_limit_set(actor=accountant, client=own_client, amount=Decimal("40000")) is None
    assert CreditLimit.objects.get(client=own_client).amount == Decimal("40000.00")


def test_a_larger_limit_waits_for_the_head_and_applies_when_approved(
    accountant, own_client, make_staff
):
    head = make_staff(Role.HEAD_OF_SALES)
    asked = credit_limit_set(actor=accountant, client=own_client, amount=Decimal("90000"))
    assert asked.kind == ApprovalKind.CREDIT_LIMIT and asked.status == ApprovalStatus.PENDING
    assert not CreditLimit.objects.filter(client=own_client).exists()
    approval_decide(actor=head, request=asked, approve=True)
    assert CreditLimit.objects.get(client=own_client).amount == Decimal("90000.00")


def test_a_refused_limit_leaves_the_old_one(accountant, own_client, make_staff):
    head = make_staff(Role.HEAD_OF_SALES)
    credit_limit_set(actor=accountant, client=own_client, amount=Decimal("30000"))
    asked = credit_limit_set(actor=accountant, client=own_client, amount=Decimal("70000"))
    assert asked.previous_value == Decimal("30000.00")
    approval_decide(actor=head, request=asked, approve=False, note="забагато")
    assert CreditLimit.objects.get(client=own_client).amount == Decimal("30000.00")
    assert ApprovalRequest.objects.get().status == ApprovalStatus.REFUSED


def test_the_api_answers_202_while_a_head_decides(client_for, accountant, own_client):
    response = client_for(accountant).put(
        f"/api/clients/{own_client.pk}/credit-limit",
        {"amount": "80000"},
        content_type="application/json",
    )
    assert response.status_code == 202
    assert not CreditLimit.objects.filter(client=own_client).exists()
