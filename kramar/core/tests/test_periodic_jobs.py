"""Jobs every N minutes (the mailbox fetch, M8) are enqueued once per interval, however many
workers' heartbeats ask, the first time at once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kramar.core.models import RecurringJob
from kramar.core.services import recurring_jobs_enqueue_due

pytestmark = pytest.mark.django_db


def test_a_periodic_job_runs_at_once_then_every_interval(
    settings, django_capture_on_commit_callbacks
):
    settings.KRAMAR_DAILY_JOBS = {}
    settings.KRAMAR_PERIODIC_JOBS = {
        "fetch": ("kramar.mail.tasks.mailbox_fetch_task", timedelta(minutes=5))
    }
    now = timezone.now()
    with django_capture_on_commit_callbacks() as enqueued:
        assert recurring_jobs_enqueue_due(now=now) == ["fetch"]
    assert len(enqueued) == 1
    assert recurring_jobs_enqueue_due(now=now + timedelta(minutes=1)) == []
    assert recurring_jobs_enqueue_due(now=now + timedelta(minutes=5)) == ["fetch"]
    job = RecurringJob.objects.get(name="fetch")
    assert job.next_run_at == now + timedelta(minutes=10)


def test_no_periodic_job_without_a_mailbox(settings):
    assert "mail-fetch" not in settings.KRAMAR_PERIODIC_JOBS  # MAIL_IMAP_HOST unset in tests
