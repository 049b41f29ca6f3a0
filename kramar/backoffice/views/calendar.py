"""A month of planned and done work, day by day (M12: tools to plan one's own work)."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kramar.accounts.models import User
from kramar.accounts.selectors import staff_list
from kramar.backoffice.decorators import office_view
from kramar.crm.selectors import activities_between


def _month(value: str | None) -> date:
    try:
        year, month_number = (int(part) for part in (value or "").split("-"))
        return date(year, month_number, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


@office_view("crm.view_activity")
def month(request: HttpRequest) -> HttpResponse:
    viewer: User = request.user  # type: ignore[assignment]
    first = _month(request.GET.get("month"))
    people = staff_list(viewer=viewer) if viewer.has_perm("accounts.view_user") else None
    owner = viewer
    if people is not None and request.GET.get("owner", "").isdigit():
        owner = people.filter(pk=int(request.GET["owner"])).first() or viewer
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    zone = timezone.get_current_timezone()
    start = datetime.combine(weeks[0][0], time.min, tzinfo=zone)
    end = datetime.combine(weeks[-1][-1] + timedelta(days=1), time.min, tzinfo=zone)
    by_day: dict[date, list[object]] = {}
    for activity in activities_between(viewer=viewer, owner=owner, start=start, end=end):
        by_day.setdefault(timezone.localdate(activity.due_at), []).append(activity)
    context = {
        "first": first,
        "previous": (first - timedelta(days=1)).replace(day=1),
        "next": (first + timedelta(days=32)).replace(day=1),
        "weeks": [[(day, by_day.get(day, [])) for day in week] for week in weeks],
        "today": timezone.localdate(),
        "owner": owner,
        "people": people,
        "now": timezone.now(),
    }
    return render(request, "backoffice/calendar.html", context)
