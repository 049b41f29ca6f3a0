"""The system itself watches the plan (M13): a reminder before planned work, delivered once by
the background worker at its time, and an escalation to the head when the work is overdue."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from kramar.accounts.enums import Role
from kramar.clients.tests.factories import ClientFactory
from kramar.crm.enums import ActivityKind
from kramar.crm.models import ActivityOutcome
from kramar.crm.services import activity_complete, activity_plan
from kramar.crm.tasks import activity_escalate, activity_remind
from kramar.notifications.models import Notification

ROOT = Path(__file__).resolve().parents[3]


def database_url() -> str:
    conf = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{conf['NAME']}"
    return f"postgres://{conf['USER']}@{conf['HOST']}:{conf['PORT']}/{conf['NAME']}"


def run_worker(tmp_path: Path) -> None:
    """Run `manage.py kramar_worker --batch` as its own process against the test database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
    }
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "manage.py", "kramar_worker", "--batch"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_delivers_the_reminder_once_at_its_time_m13(make_staff, tmp_path):
    manager = make_staff(Role.SALES_MANAGER)
    client = ClientFactory(manager=manager)
    soon = timezone.now() + timedelta(minutes=10)
    later = timezone.now() + timedelta(days=3)
    due_soon = activity_plan(
        actor=manager,
        client=client,
        kind=ActivityKind.CALL,
        subject="Дзвінок щодо оплати",
        due_at=soon,
        remind_before=timedelta(minutes=30),
    )
    activity_plan(
        actor=manager,
        client=client,
        kind=ActivityKind.MEETING,
        subject="Зустріч",
        due_at=later,
        remind_before=timedelta(minutes=30),
    )

    run_worker(tmp_path)
    run_worker(tmp_path)  # a second worker run finds nothing new to deliver

    reminders = Notification.objects.filter(kind="reminder")
    assert [n.recipient for n in reminders] == [manager]
    assert "Дзвінок щодо оплати" in reminders.get().title
    assert reminders.get().emailed_at is not None
    letters = list((tmp_path / "mail").iterdir())
    assert len(letters) == 1 and manager.email in letters[0].read_text()
    assert due_soon.pk  # the meeting in three days is not reminded of yet
    assert not Notification.objects.filter(title__contains="Зустріч").exists()


@pytest.mark.django_db
def test_delivery_is_idempotent_whatever_runs_the_task_twice(make_staff):
    manager = make_staff(Role.SALES_MANAGER)
    activity = activity_plan(
        actor=manager,
        client=ClientFactory(manager=manager),
        kind=ActivityKind.CALL,
        subject="Дзвінок",
        due_at=timezone.now() + timedelta(minutes=5),
    )
    key = activity.due_at.isoformat()
    assert activity_remind.call(activity.pk, key) == "delivered"
    assert activity_remind.call(activity.pk, key) == "already delivered"
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_done_or_rescheduled_work_is_not_reminded(make_staff):
    manager = make_staff(Role.SALES_MANAGER)
    client = ClientFactory(manager=manager)
    activity = activity_plan(
        actor=manager,
        client=client,
        kind=ActivityKind.CALL,
        subject="Дзвінок",
        due_at=timezone.now() + timedelta(hours=1),
    )
    old_key = activity.due_at.isoformat()
    activity.due_at += timedelta(days=1)
    activity.save(update_fields=["due_at"])
    assert activity_remind.call(activity.pk, old_key) == "stale"
    activity_complete(
        actor=manager, activity=activity, outcome=ActivityOutcome.objects.get(code="reached-agreed")
    )
    assert activity_remind.call(activity.pk, activity.due_at.isoformat()) == "stale"
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_overdue_work_is_escalated_to_the_owner_and_the_head_m13_m15(make_staff):
    head = make_staff(Role.HEAD_OF_SALES)
    manager = make_staff(Role.SALES_MANAGER)
    activity = activity_plan(
        actor=manager,
        client=ClientFactory(manager=manager),
        kind=ActivityKind.MEETING,
        subject="Зустріч з дилером",
        due_at=timezone.now() - timedelta(days=2),
    )
    key = activity.due_at.isoformat()
    assert activity_escalate.call(activity.pk, key) == "escalated to 2"
    assert activity_escalate.call(activity.pk, key) == "escalated to 0"
    assert set(Notification.objects.values_list("recipient", flat=True)) == {head.pk, manager.pk}


@pytest.mark.django_db
def test_planning_schedules_the_reminder_and_the_escalation(
    make_staff, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    manager = make_staff(Role.SALES_MANAGER)
    due = timezone.now() + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        activity_plan(
            actor=manager,
            client=ClientFactory(manager=manager),
            kind=ActivityKind.CALL,
            subject="Дзвінок",
            due_at=due,
            remind_before=timedelta(minutes=15),
        )
    scheduled = {r.task_path.rsplit(".", 1)[-1]: r.run_after for r in DBTaskResult.objects.all()}
    assert scheduled["activity_remind"] == due - timedelta(minutes=15)
    assert scheduled["activity_escalate"] > due


@pytest.mark.django_db
def test_the_daily_digest_lists_overdue_and_todays_work_once_a_day_m13(make_staff):
    from kramar.crm.tasks import daily_digest

    manager = make_staff(Role.SALES_MANAGER)
    client = ClientFactory(manager=manager, first_name="Ганна", last_name="Лис")
    now = timezone.localtime()
    activity_plan(
        actor=manager,
        client=client,
        kind=ActivityKind.CALL,
        subject="Старий дзвінок",
        due_at=now - timedelta(days=1),
    )
    day = timezone.localdate().isoformat()
    assert daily_digest.call(manager.pk, day) == "delivered"
    assert daily_digest.call(manager.pk, day) == "already delivered"
    digest = Notification.objects.get(kind="digest")
    assert "Старий дзвінок — Ганна Лис" in digest.body
    assert digest.url == "/office/my-day/"


@pytest.mark.django_db
def test_a_daily_job_is_enqueued_once_per_day_however_many_workers_ask(settings):
    from django_tasks_db.models import DBTaskResult

    from kramar.core.models import RecurringJob
    from kramar.core.services import recurring_jobs_enqueue_due

    settings.KRAMAR_DAILY_JOBS = {"digest": ("kramar.crm.tasks.daily_digest_round", "07:30")}
    settings.KRAMAR_PERIODIC_JOBS = {}  # only the daily job under test (tracking adds periodic)
    morning = timezone.localtime().replace(hour=6, minute=0, second=0, microsecond=0)
    assert recurring_jobs_enqueue_due(now=morning) == []  # not yet 07:30
    job = RecurringJob.objects.get(name="digest")
    assert timezone.localtime(job.next_run_at).hour == 7
    later = morning.replace(hour=8)
    with_commit = recurring_jobs_enqueue_due(now=later)
    again = recurring_jobs_enqueue_due(now=later + timedelta(minutes=1))
    assert with_commit == ["digest"] and again == []
    job.refresh_from_db()
    assert timezone.localtime(job.next_run_at).date() == (later + timedelta(days=1)).date()
    assert DBTaskResult.objects.count() == 0  # enqueued on commit: the test rolls back
