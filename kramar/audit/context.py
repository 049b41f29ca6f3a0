"""Where a change comes from: the request, the API token, the background job or the command.

The request middleware and the worker set an ``Origin`` in a context variable; the capture
reads it when it writes an audit row, so services need not pass it along. The actor of a
request is read at that moment (the API token's authentication runs after the middleware).
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from kramar.audit.enums import AuditSource


@dataclass
class Origin:
    source: str = AuditSource.SYSTEM
    request: HttpRequest | None = None
    path: str = ""
    actor: Any = None
    batch: uuid.UUID = field(default_factory=uuid.uuid4)
    # Set while a revert runs: the rows it writes say so and name the row they revert.
    action: str = ""
    reverts: int | None = None


_current: ContextVar[Origin | None] = ContextVar("kramar_audit_origin", default=None)
WORKER_COMMANDS = frozenset({"kramar_worker", "db_worker", "rqworker"})


def _process_origin() -> Origin:
    """Name what this process is, for changes made outside a request and outside a task."""
    argv = sys.argv
    if len(argv) > 1 and argv[0].endswith("manage.py"):
        source = AuditSource.WORKER if argv[1] in WORKER_COMMANDS else AuditSource.COMMAND
        return Origin(source=source, path=f"manage.py {argv[1]}"[:300])
    return Origin(source=AuditSource.SYSTEM)


def current() -> Origin:
    origin = _current.get()
    if origin is None:
        origin = _process_origin()
        _current.set(origin)
    return origin


def _task_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    # Each background job is one origin: its rows share a batch id and name the task.
    name = getattr(getattr(task_result, "task", None), "name", "") or "task"
    _current.set(Origin(source=AuditSource.WORKER, path=f"task {name}"[:300]))


def _task_finished(sender: Any, **kwargs: Any) -> None:
    _current.set(None)


def connect_tasks() -> None:
    from django.tasks.signals import task_finished, task_started

    task_started.connect(_task_started, dispatch_uid="kramar.audit:task_started")
    task_finished.connect(_task_finished, dispatch_uid="kramar.audit:task_finished")


@contextmanager
def origin(*, source: str, path: str = "", actor: Any = None) -> Iterator[Origin]:
    """Run a block as one origin (a background job, a command): one batch id for its rows."""
    token = _current.set(Origin(source=source, path=path[:300], actor=actor))
    try:
        yield _current.get()  # type: ignore[misc]
    finally:
        _current.reset(token)


@contextmanager
def acting(actor: Any) -> Iterator[None]:
    """Name ``actor`` on the rows of the block when the origin knows no one (a service called
    from a command or a job on someone's behalf); a request's own user is never replaced."""
    origin_ = current()
    if origin_.actor is not None or origin_.request is not None or actor is None:
        yield
        return
    origin_.actor = actor
    try:
        yield
    finally:
        origin_.actor = None


@contextmanager
def marked(*, action: str, reverts: int | None = None) -> Iterator[None]:
    """Mark the rows written inside the block (a revert) without changing their origin."""
    origin_ = current()
    before = (origin_.action, origin_.reverts)
    origin_.action, origin_.reverts = action, reverts
    try:
        yield
    finally:
        origin_.action, origin_.reverts = before


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address: REMOTE_ADDR, or the first X-Forwarded-For hop behind a known proxy."""
    if getattr(settings, "AUDIT_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def describe(origin_: Origin) -> dict[str, Any]:
    """Return the origin's columns of an audit row."""
    request = origin_.request
    actor = origin_.actor
    row: dict[str, Any] = {"source": origin_.source, "path": origin_.path, "batch": origin_.batch}
    if request is not None:
        user = getattr(request, "user", None)
        if actor is None and user is not None and user.is_authenticated:
            actor = user
        row["ip"] = client_ip(request)
        row["user_agent"] = request.META.get("HTTP_USER_AGENT", "")[:300]
        token = getattr(request, "api_token_prefix", "")
        row["api_token"] = token
        row["source"] = (
            AuditSource.API
            if request.path.startswith(settings.API_URL_PREFIX)
            else AuditSource.PAGE
        )
        row["path"] = f"{request.method} {request.path}"[:300]
    if actor is not None and getattr(actor, "pk", None) is not None:
        row["actor_id"] = actor.pk
        row["actor_label"] = getattr(actor, "email", "")[:254] or str(actor)[:254]
    return row


class AuditOriginMiddleware:
    """Mark every change made while answering a request with who, from where and how."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(Origin(source=AuditSource.PAGE, request=request))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
