"""The background worker runs tasks of both backends and reports its heartbeat."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus

from kramar.core.models import WorkerHeartbeat
from kramar.core.tests.tasks import add

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db(transaction=True)
def test_the_database_backend_worker_runs_an_enqueued_task():
    result = add.enqueue(2, 3)
    assert result.status == TaskResultStatus.READY
    call_command("kramar_worker", batch=True)
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 5
    assert not WorkerHeartbeat.objects.exists()  # a worker that stops cleanly says goodbye


def run(args, env):
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_redis_backend_worker_runs_an_enqueued_task(tmp_path, redis_url):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'rq.sqlite3'}",
        "REDIS_URL": redis_url,
    }
    run(["manage.py", "migrate", "--no-input", "-v0"], env)
    task_id = run(
        [
            "manage.py",
            "shell",
            "-c",
            "from kramar.core.tests.tasks import add; print(add.enqueue(20, 22).id)",
        ],
        env,
    ).splitlines()[-1]
    run(["manage.py", "kramar_worker", "--batch"], env)
    outcome = run(
        [
            "manage.py",
            "shell",
            "-c",
            f"from kramar.core.tests.tasks import add; r = add.get_result('{task_id}'); "
            "print(r.status, r.return_value)",
        ],
        env,
    ).splitlines()[-1]
    assert outcome == "SUCCESSFUL 42"
