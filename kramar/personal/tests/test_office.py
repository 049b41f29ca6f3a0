"""The personal offer on the office client card and in the API (M7, M12)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kramar.accounts.enums import Role
from kramar.crm.models import ApprovalRequest
from kramar.personal.models import PersonalOffer

pytestmark = pytest.mark.django_db


def until(days=5):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_a_manager_sets_and_withdraws_an_offer_on_the_client_card(manager, shopper, client_for):
    browser = client_for(manager)
    url = reverse("backoffice:personal-offer", args=[shopper.pk])
    answer = browser.post(url, {"percent": "7", "message": "Для вас", "valid_until": until()})
    assert answer.status_code == 302
    assert PersonalOffer.objects.get(client=shopper).discount_percent == Decimal("7.00")
    card = browser.get(reverse("backoffice:client-detail", args=[shopper.pk]))
    assert b'data-testid="personal-offer-form"' in card.content
    assert "Для вас" in card.content.decode()
    browser.post(url, {"valid_until": until(), "withdraw": "on"})
    assert not PersonalOffer.objects.exists()


def test_the_api_asks_a_head_above_the_limit(manager, shopper, client_for):
    browser = client_for(manager)
    url = f"/api/clients/{shopper.pk}/personal-offer"
    answer = browser.put(
        url,
        {"percent": "30", "message": "", "valid_until": until()},
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["percent"], body["pending_percent"]) == ("0.00", "30.00")
    assert ApprovalRequest.objects.get(pk=body["approval_id"]).kind == "personal_offer"
    assert browser.get(url).json()["pending_percent"] == "30.00"
    assert browser.delete(url).status_code == 204
    assert browser.get(url).json()["exists"] is False


def test_marketing_reads_but_cannot_set_an_offer(make_staff, shopper, client_for):
    browser = client_for(make_staff(Role.MARKETING))
    answer = browser.put(
        f"/api/clients/{shopper.pk}/personal-offer",
        {"percent": "5", "message": "", "valid_until": until()},
        content_type="application/json",
    )
    assert answer.status_code == 403
    assert not PersonalOffer.objects.exists()
