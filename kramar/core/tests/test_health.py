"""/healthz reports database, cache and worker state as JSON."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kramar.core.services import worker_heartbeat_record

pytestmark = pytest.mark.django_db


def health():
    response = Client().get("/healthz")
    return response.status_code, response.json()


def test_without_a_worker_the_site_is_up_but_degraded():
    status, body = health()
    assert status == 200
    assert body["status"] == "degraded"
    assert body["components"]["database"]["status"] == "ok"
    assert body["components"]["cache"]["status"] == "ok"
    assert body["components"]["worker"]["status"] == "degraded"
    assert body["components"]["worker"]["detail"]["alive"] == 0


def test_a_fresh_worker_heartbeat_makes_everything_ok():
    now = timezone.now()
    worker_heartbeat_record(worker_id="w1", backend="DatabaseBackend", started_at=now)
    status, body = health()
    assert status == 200 and body["status"] == "ok"
    assert body["components"]["worker"]["detail"]["alive"] == 1
    assert body["components"]["database"]["detail"]["vendor"] in {"postgresql", "sqlite"}


def test_a_stale_heartbeat_does_not_count_as_a_live_worker(settings):
    old = timezone.now() - settings.WORKER_STALE_AFTER - timedelta(seconds=1)
    worker_heartbeat_record(worker_id="w1", backend="DatabaseBackend", started_at=old, now=old)
    _status, body = health()
    assert body["components"]["worker"]["status"] == "degraded"
    assert body["components"]["worker"]["detail"]["stale"] == 1


def test_an_unreachable_cache_makes_the_site_down_with_503(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    status, body = health()
    assert status == 503
    assert body["status"] == "down"
    assert body["components"]["cache"]["status"] == "down"


def test_a_real_redis_cache_reports_ok(settings, redis_url):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
        }
    }
    _status, body = health()
    assert body["components"]["cache"] == {"status": "ok", "detail": {"backend": "RedisCache"}}


def test_healthz_refuses_writes():
    assert Client().post("/healthz").status_code == 405
