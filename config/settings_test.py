"""The test suite's small override of config.settings (production defaults, DEBUG off).

Only what a test run needs differs: a fixed secret, the test client's host, no HTTPS redirect,
plain static storage (no collectstatic manifest) and a fast password hasher.
"""

import os

os.environ.setdefault("SECRET_KEY", "kramar-tests-" + "0123456789abcdefghij" * 3)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")

from config.settings import *  # noqa: F403

STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Serve static files straight from the finders (no collectstatic) for the live-server browser tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# On SQLite, test on a file rather than in memory: the worker's heartbeat thread and the
# live-server thread then see the same database with real locking, as under `make run`.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-kramar.sqlite3")}  # noqa: F405

# Facet counts afresh in every test: a cached count would outlive the test's rolled-back rows.
KRAMAR_FACETS_CACHE_SECONDS = 0
# Popular products afresh in every test, for the same reason (the personal site's picks).
PERSONAL_POPULAR_CACHE_SECONDS = 0

# Site events written at the end of each request, so a test sees them at once.
TRACKING_BUFFER_SECONDS = 0
