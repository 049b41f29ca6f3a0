from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """A record that knows when it was created and last changed."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class WorkerHeartbeat(models.Model):
    """The last sign of life of one background worker process, for /healthz."""

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    hostname = models.CharField(_("host"), max_length=255)
    pid = models.PositiveIntegerField(_("process"))
    backend = models.CharField(_("task backend"), max_length=255)
    started_at = models.DateTimeField(_("started at"))
    last_seen_at = models.DateTimeField(_("last seen at"), db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker_id}@{self.hostname}"


class RecurringJob(models.Model):
    """When a daily background job (settings.KRAMAR_DAILY_JOBS) runs next.

    The workers' heartbeat threads enqueue a due job under a row lock, so however many workers
    run, each occurrence is enqueued once.
    """

    name = models.CharField(_("name"), max_length=80, unique=True)
    next_run_at = models.DateTimeField(_("next run"))
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)

    class Meta:
        verbose_name = _("recurring job")
        verbose_name_plural = _("recurring jobs")

    def __str__(self) -> str:
        return self.name
