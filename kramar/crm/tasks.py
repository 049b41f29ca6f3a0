"""Background work of the CRM: reminders before planned work and escalation of overdue work (M13).

Each task re-reads the activity and acts only if the plan it was scheduled for still stands
(not done, same due time). Delivery is idempotent (a unique key per event), so rescheduling or
completing an activity never needs to cancel a task, and several workers never remind twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from kramar.crm.models import Activity
from kramar.notifications.services import notification_deliver


def _current(activity_id: int, due_at: str) -> Activity | None:
    """Return the activity if the plan the task was made for still stands."""
    activity = (
        Activity.objects.select_related("owner", "client", "deal", "department")
        .filter(pk=activity_id)
        .first()
    )
    if activity is None or activity.completed_at is not None or activity.due_at is None:
        return None
    if activity.due_at.isoformat() != due_at:
        return None  # rescheduled: the task made for the new time will act
    return activity


def _link(activity: Activity) -> str:
    if activity.deal_id:
        return f"/office/deals/{activity.deal_id}/"
    return f"/office/clients/{activity.client_id}/"


@task
def activity_remind(activity_id: int, due_at: str) -> str:
    """Remind the owner of planned work shortly before it is due."""
    activity = _current(activity_id, due_at)
    if activity is None:
        return "stale"
    local_due = timezone.localtime(activity.due_at)
    delivered = notification_deliver(
        recipient=activity.owner,
        key=f"activity-reminder:{activity.pk}:{due_at}",
        kind="reminder",
        title=_("%(kind)s at %(time)s: %(subject)s")
        % {
            "kind": activity.get_kind_display(),
            "time": f"{local_due:%H:%M}",
            "subject": activity.subject,
        },
        body=_("Client: %(client)s") % {"client": activity.client.name},
        url=_link(activity),
    )
    return "delivered" if delivered else "already delivered"


@task
def activity_escalate(activity_id: int, due_at: str) -> str:
    """Tell the owner and their department's heads that planned work was not done (M13, M15)."""
    activity = _current(activity_id, due_at)
    if activity is None:
        return "stale"
    title = _("Overdue: %(subject)s (%(client)s)") % {
        "subject": activity.subject,
        "client": activity.client.name,
    }
    recipients = [activity.owner]
    if activity.department is not None:
        recipients += [head for head in activity.department.heads.all() if head != activity.owner]
    delivered = 0
    for person in recipients:
        if notification_deliver(
            recipient=person,
            key=f"activity-overdue:{activity.pk}:{due_at}:{person.pk}",
            kind="escalation",
            title=title,
            body=_("Planned for %(due)s, owner %(owner)s.")
            % {
                "due": f"{timezone.localtime(activity.due_at):%d.%m.%Y %H:%M}",
                "owner": activity.owner,
            },
            url=_link(activity),
        ):
            delivered += 1
    return f"escalated to {delivered}"


def schedule_activity_tasks(activity: Activity) -> None:
    """After the transaction commits, schedule the activity's reminder and escalation."""
    if activity.due_at is None or activity.completed_at is not None:
        return
    due_at = activity.due_at
    key = due_at.isoformat()
    remind_at = due_at - (activity.remind_before or timedelta(0))
    escalate_at = due_at + settings.CRM_ESCALATE_AFTER

    def enqueue(activity_id: int = activity.pk) -> None:
        if activity.remind_before is not None:
            activity_remind.using(run_after=_not_past(remind_at)).enqueue(activity_id, key)
        activity_escalate.using(run_after=_not_past(escalate_at)).enqueue(activity_id, key)

    transaction.on_commit(enqueue)


def _not_past(moment: datetime) -> datetime:
    return max(moment, timezone.now())


@task
def daily_digest_round() -> str:
    """Send each staff member with open work today or overdue their digest (M12, M13)."""
    end_of_day = timezone.localtime().replace(hour=23, minute=59, second=59, microsecond=0)
    owners = (
        Activity.objects.filter(completed_at__isnull=True, due_at__lte=end_of_day)
        .filter(owner__is_active=True)
        .values_list("owner_id", flat=True)
        .distinct()
    )
    day = timezone.localdate().isoformat()
    count = 0
    for owner_id in owners:
        daily_digest.enqueue(owner_id, day)
        count += 1
    return f"{count} digests"


@task
def daily_digest(owner_id: int, day: str) -> str:
    """Deliver one person's digest of the day: overdue work first, then today's (once a day)."""
    from kramar.accounts.models import User
    from kramar.crm.selectors import my_day

    owner = User.objects.filter(pk=owner_id, is_active=True).first()
    if owner is None:
        return "no such person"
    plan = my_day(viewer=owner)
    overdue, today = list(plan["overdue"][:20]), list(plan["today"][:20])
    if not overdue and not today:
        return "nothing to do"
    lines = [_("Overdue:")] if overdue else []
    lines += [f"  • {a.subject} — {a.client.name}" for a in overdue]
    if today:
        lines.append(_("Today:"))
        lines += [
            f"  • {timezone.localtime(a.due_at):%H:%M} {a.subject} — {a.client.name}" for a in today
        ]
    delivered = notification_deliver(
        recipient=owner,
        key=f"digest:{owner.pk}:{day}",
        kind="digest",
        title=_("Your day: %(today)d planned, %(overdue)d overdue")
        % {"today": plan["today"].count(), "overdue": plan["overdue"].count()},
        body="\n".join(lines),
        url="/office/my-day/",
    )
    return "delivered" if delivered else "already delivered"
