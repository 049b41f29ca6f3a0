"""Reminders reach the office: the inbox, the unread badge, mark read (M13)."""

import pytest

from kramar.accounts.enums import Role
from kramar.notifications.models import Notification
from kramar.notifications.services import notification_deliver

pytestmark = pytest.mark.django_db


def test_the_inbox_shows_only_ones_own_notifications(client_for, make_staff):
    me, other = make_staff(Role.SALES_MANAGER), make_staff(Role.SALES_MANAGER)
    notification_deliver(recipient=me, key="a", kind="reminder", title="Моє нагадування")
    notification_deliver(recipient=other, key="b", kind="reminder", title="Чуже нагадування")
    html = client_for(me).get("/office/notifications/").content.decode()
    assert "Моє нагадування" in html
    assert "Чуже нагадування" not in html


def test_the_badge_counts_unread_and_mark_read_clears_it(client_for, make_staff):
    me = make_staff(Role.SALES_MANAGER)
    for key in ("a", "b"):
        notification_deliver(recipient=me, key=key, kind="reminder", title=key)
    client = client_for(me)
    badge = client.get("/office/notifications/badge/", HTTP_HX_REQUEST="true").content.decode()
    assert ">2<" in badge
    client.post("/office/notifications/read/")
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    assert "unread" not in client.get("/office/notifications/badge/").content.decode()


def test_customers_have_no_office_inbox(client_for, customer):
    assert client_for(customer).get("/office/notifications/").status_code == 403
