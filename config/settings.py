"""Kramar's settings: one module, driven by environment variables (see README, "Configuration").

Production is the default: DEBUG is off unless asked for, and then SECRET_KEY and ALLOWED_HOSTS
must be given and every security setting of ``manage.py check --deploy`` is on. ``make run``
turns DEBUG on for the local shop.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.env import Env, SettingsError
from kramar.accounts.enums import Role

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = Env()

DEBUG = env.flag("DEBUG", default=False)
SECRET_KEY = env.secret_key("SECRET_KEY", debug=DEBUG)
ALLOWED_HOSTS = env.items(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else None
)
CSRF_TRUSTED_ORIGINS = env.items("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.text("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "kramar.accounts.admin_config.KramarAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks_db",
    "axes",
    "ninja",
    "kramar.core",
    "kramar.audit",
    "kramar.accounts",
    "kramar.notifications",
    "kramar.clients",
    "kramar.catalog",
    "kramar.cart",
    "kramar.orders",
    "kramar.payments",
    "kramar.returns",
    "kramar.crm",
    "kramar.cases",
    "kramar.mail",
    "kramar.billing",
    "kramar.personal",
    "kramar.tracking",
    "kramar.storefront",
    "kramar.backoffice",
    "kramar.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kramar.audit.context.AuditOriginMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the session, the user and messages: it may sign out a session that skipped the code.
    "kramar.accounts.sign_in.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kramar.core.middleware.ApiMethodNotAllowedMiddleware",
    "kramar.core.middleware.ApiNulMiddleware",
    "kramar.storefront.middleware.CampaignMiddleware",
    # After the campaign (it reads the UTM the shop keeps anyway) and the user.
    "kramar.tracking.middleware.TrackingMiddleware",
    "kramar.core.middleware.PageApplicationErrorMiddleware",
    # Last, so that it sees every authentication attempt (django-axes requirement).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kramar" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kramar.core.context_processors.kramar",
                "kramar.backoffice.context_processors.office",
                "kramar.storefront.context_processors.shop",
            ],
        },
    }
]

# --- Database ---------------------------------------------------------------------------------
DATABASES = {
    "default": env.database("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'kramar.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A fresh clone has no var/ yet; the embedded database lives there.
    if DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # One writer at a time: wait for the lock instead of failing, and let readers go on.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions, background work ---------------------------------------------------------
REDIS_URL = env.redis_url("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.text("CACHE_KEY_PREFIX", default="kramar"),
        }
    }
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    INSTALLED_APPS += ["django_rq"]
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
# Planned work still not done this long after its due time is escalated to the department's heads.
# Behind a trusted proxy the audit trail takes the caller's address from X-Forwarded-For.
AUDIT_TRUST_X_FORWARDED_FOR = env.flag("AUDIT_TRUST_X_FORWARDED_FOR", default=False)
# A deal discount above this many percent waits for a head of sales (issue 5, M15).
CRM_DISCOUNT_APPROVAL_ABOVE = env.number("CRM_DISCOUNT_APPROVAL_ABOVE", default=10, minimum=0)
CRM_ESCALATE_AFTER = timedelta(hours=env.number("CRM_ESCALATE_AFTER_HOURS", default=24, minimum=1))
# Daily background jobs: name -> (task path, local time). The workers enqueue each one once a day.
KRAMAR_DAILY_JOBS = {
    "crm-daily-digest": (
        "kramar.crm.tasks.daily_digest_round",
        env.clock("CRM_DIGEST_AT", "07:30"),
    ),
    "billing-daily-round": (
        "kramar.billing.tasks.billing_daily_round",
        env.clock("BILLING_DUNNING_AT", "08:00"),
    ),
    "personal-rebuild": (
        "kramar.personal.tasks.similarity_rebuild_all",
        env.clock("PERSONAL_REBUILD_AT", "03:30"),
    ),
    "tracking-daily-round": (
        "kramar.tracking.tasks.tracking_daily_round",
        env.clock("TRACKING_PURGE_AT", "03:30"),
    ),
}
# Recommendations (docs/personal.md): a client's orders within this many days are one basket;
# a pair of products needs this many baskets in common; each product keeps this many neighbours.
PERSONAL_BASKET_DAYS = env.number("PERSONAL_BASKET_DAYS", default=30, minimum=0)
PERSONAL_MIN_SUPPORT = env.number("PERSONAL_MIN_SUPPORT", default=2, minimum=1)
PERSONAL_TOP_K = env.number("PERSONAL_TOP_K", default=20, minimum=1)
# The home page's popular products (the shop's and each segment's) are cached this long; 0: never.
PERSONAL_POPULAR_CACHE_SECONDS = env.number(
    "PERSONAL_POPULAR_CACHE_SECONDS", default=300, minimum=0
)
# "Viewed together" of the products in viewed lists changed since the last run is recomputed
# every this many minutes; 0: by the nightly rebuild only.
PERSONAL_VIEWED_REFRESH_MINUTES = env.number(
    "PERSONAL_VIEWED_REFRESH_MINUTES", default=15, minimum=0
)
# Background jobs every N seconds: name -> (task path, interval). Each runs once per interval
# however many workers run (core.RecurringJob); the mailbox is fetched only when one is set up.
KRAMAR_PERIODIC_JOBS: dict[str, tuple[str, timedelta]] = {}
if PERSONAL_VIEWED_REFRESH_MINUTES:
    KRAMAR_PERIODIC_JOBS["personal-viewed-refresh"] = (
        "kramar.personal.tasks.similarity_refresh_viewed_task",
        timedelta(minutes=PERSONAL_VIEWED_REFRESH_MINUTES),
    )
# The shop keeps a listing's facet counts this long (counting stock over thousands of products on
# every page would cost ~0.5 s at 100,000 products); 0 counts afresh each time.
KRAMAR_FACETS_CACHE_SECONDS = env.number("CATALOG_FACETS_CACHE_SECONDS", default=60, minimum=0)
# A worker whose heartbeat is older than this is reported as stale by /healthz.
WORKER_STALE_AFTER = timedelta(seconds=env.number("WORKER_STALE_AFTER", default=60, minimum=5))

# --- People -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "backoffice:login"
LOGIN_REDIRECT_URL = "backoffice:dashboard"
LOGOUT_REDIRECT_URL = "backoffice:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3

# Repeated failed sign-ins are throttled per e-mail and address (django-axes).
AXES_FAILURE_LIMIT = env.number("LOGIN_FAILURE_LIMIT", default=5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env.number("LOGIN_COOLOFF_MINUTES", default=15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# The optional TOTP second factor of staff (docs/sign-in.md). Wrong codes are throttled with the
# same numbers as wrong passwords (LOGIN_FAILURE_LIMIT, LOGIN_COOLOFF_MINUTES), per person.
STAFF_TOTP_REQUIRED_ROLES = env.items("STAFF_TOTP_REQUIRED_ROLES", default=[])
_unknown_roles = sorted(set(STAFF_TOTP_REQUIRED_ROLES) - {role.value for role in Role})
if _unknown_roles:
    raise SettingsError(
        "STAFF_TOTP_REQUIRED_ROLES",
        f"unknown role(s) {', '.join(_unknown_roles)}; use {', '.join(r.value for r in Role)}",
    )
TOTP_ISSUER = env.text("TOTP_ISSUER", default="Kramar")

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND_PATH = env.text(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS: dict[str, dict[str, Any]] = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH == "django.core.mail.backends.smtp.EmailBackend":
    MAILERS["default"]["OPTIONS"] = {
        "host": env.text("EMAIL_HOST", default="127.0.0.1"),
        "port": env.number("EMAIL_PORT", default=25, minimum=1),
        "username": env.text("EMAIL_HOST_USER", default=""),
        "password": env.text("EMAIL_HOST_PASSWORD", default=""),
        "use_tls": env.flag("EMAIL_USE_TLS", default=False),
        "use_ssl": env.flag("EMAIL_USE_SSL", default=False),
        "timeout": 20,
    }
elif EMAIL_BACKEND_PATH == "django.core.mail.backends.filebased.EmailBackend":
    MAILERS["default"]["OPTIONS"] = {"file_path": env.text("EMAIL_FILE_PATH")}
DEFAULT_FROM_EMAIL = env.text("DEFAULT_FROM_EMAIL", default="Kramar <shop@kramar.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- E-mail with clients (M8, docs/mail.md) -----------------------------------------------------
# Staff letters to clients go out from this address (the shared mailbox that the worker fetches,
# so that replies come back into the CRM); Message-IDs are made in MAIL_MESSAGE_ID_DOMAIN.
MAIL_FROM = env.text("MAIL_FROM", default=DEFAULT_FROM_EMAIL)
MAIL_MESSAGE_ID_DOMAIN = env.text(
    "MAIL_MESSAGE_ID_DOMAIN", default=MAIL_FROM.rsplit("@", 1)[-1].strip(" >") or "kramar.localhost"
)
MAIL_IMAP = {
    "name": "default",
    "host": env.text("MAIL_IMAP_HOST", default=""),
    "ssl": env.flag("MAIL_IMAP_SSL", default=True),
    "user": env.text("MAIL_IMAP_USER", default=""),
    "password": env.text("MAIL_IMAP_PASSWORD", default=""),
    "folder": env.text("MAIL_IMAP_FOLDER", default="INBOX"),
    "timeout": env.number("MAIL_IMAP_TIMEOUT", default=30, minimum=1),
}
MAIL_IMAP["port"] = env.number(
    "MAIL_IMAP_PORT", default=993 if MAIL_IMAP["ssl"] else 143, minimum=1
)
MAIL_FETCH_EVERY = timedelta(minutes=env.number("MAIL_FETCH_EVERY_MINUTES", default=5, minimum=1))
MAIL_MAX_ATTACHMENT_BYTES = env.number(
    "MAIL_MAX_ATTACHMENT_BYTES", default=10 * 1024 * 1024, minimum=0
)
MAIL_MAX_MESSAGE_BYTES = env.number("MAIL_MAX_MESSAGE_BYTES", default=50 * 1024 * 1024, minimum=1)
# Files staff send with a letter: each at most MAIL_MAX_ATTACHMENT_BYTES, all of one letter
# together at most MAIL_MAX_LETTER_ATTACHMENTS_BYTES, and at most MAIL_MAX_ATTACHMENTS of them.
MAIL_MAX_LETTER_ATTACHMENTS_BYTES = env.number(
    "MAIL_MAX_LETTER_ATTACHMENTS_BYTES", default=20 * 1024 * 1024, minimum=0
)
MAIL_MAX_ATTACHMENTS = env.number("MAIL_MAX_ATTACHMENTS", default=10, minimum=0)
# A letter still "sending" this long after a worker took it (the worker died in the SMTP call) is
# marked failed and its sender told, to resend it by hand if it did not arrive (docs/mail.md).
MAIL_SENDING_STUCK_AFTER = timedelta(
    minutes=env.number("MAIL_SENDING_STUCK_MINUTES", default=15, minimum=1)
)
# Mail attachments and quarantined raw messages: private files, served only through the office
# page that checks who may see the client (never under MEDIA_URL, which the web server publishes).
MAIL_FILES_ROOT = env.text("MAIL_FILES_ROOT", default=str(VAR_DIR / "private" / "mail"))
# New leads from unknown senders: their manager is chosen by the CRM's lead rules (channel
# "e-mail", /office/lead-rules/); the deal opens in this pipeline.
MAIL_LEAD_PIPELINE = env.text("MAIL_LEAD_PIPELINE", default="retail")
MAIL_LEAD_ANSWER_WITHIN = timedelta(
    hours=env.number("MAIL_LEAD_ANSWER_WITHIN_HOURS", default=4, minimum=1)
)
# --- Site tracking (issue 6; M6, M9; docs/tracking.md) -------------------------------------------
TRACKING_ENABLED = env.flag("TRACKING_ENABLED", default=True)
TRACKING_COOKIE = "kramar_vid"
# Events wait in a bounded in-process buffer this long before one INSERT writes them (a thread of
# each process); 0 writes them at the end of each request (docs/tracking.md, "Batching").
TRACKING_BUFFER_SECONDS = env.number("TRACKING_BUFFER_SECONDS", default=1, minimum=0)
TRACKING_COOKIE_DAYS = env.number("TRACKING_COOKIE_DAYS", default=365, minimum=1)
# A visit ends after this long without an event; the next event starts a new one.
TRACKING_SESSION_GAP = timedelta(minutes=env.number("TRACKING_SESSION_GAP_MINUTES", default=30))
# Raw events are deleted after this many days by the daily round; the visits' summaries stay.
TRACKING_RETENTION = timedelta(days=env.number("TRACKING_RETENTION_DAYS", default=90, minimum=1))
TRACKING_ABANDONED_CART_AFTER = timedelta(
    hours=env.number("TRACKING_ABANDONED_CART_HOURS", default=24, minimum=1)
)
TRACKING_ABANDONED_CART_WINDOW = timedelta(days=7)
# The manager's first step on a lead from a site form (or an abandoned cart) is due this soon.
TRACKING_LEAD_ANSWER_WITHIN = timedelta(
    hours=env.number("TRACKING_LEAD_ANSWER_WITHIN_HOURS", default=2, minimum=1)
)
# Floods (kramar/tracking/guard.py): forms and new visitor ids per address, pages per visitor.
TRACKING_FORM_RATE = env.text("TRACKING_FORM_RATE", default="5/10m")
TRACKING_NEW_VISITOR_RATE = env.text("TRACKING_NEW_VISITOR_RATE", default="60/h")
TRACKING_MAX_PAGES_PER_MINUTE = env.number("TRACKING_MAX_PAGES_PER_MINUTE", default=60, minimum=1)
KRAMAR_PERIODIC_JOBS["tracking-sessions"] = (
    "kramar.tracking.tasks.sessions_fold_task",
    timedelta(minutes=10),
)
KRAMAR_PERIODIC_JOBS["tracking-abandoned-carts"] = (
    "kramar.tracking.tasks.abandoned_carts_task",
    timedelta(hours=1),
)
KRAMAR_PERIODIC_JOBS["mail-stuck-sending"] = (
    "kramar.mail.tasks.mail_stuck_sending_task",
    timedelta(minutes=5),
)
if MAIL_IMAP["host"]:
    KRAMAR_PERIODIC_JOBS["mail-fetch"] = ("kramar.mail.tasks.mailbox_fetch_task", MAIL_FETCH_EVERY)

# --- Languages, time, money -------------------------------------------------------------------
LANGUAGE_CODE = "uk"
LANGUAGES = [("uk", _("Ukrainian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "kramar" / "locale"]
TIME_ZONE = env.text("TIME_ZONE", default="Europe/Kyiv")
USE_I18N = True
USE_TZ = True
DEFAULT_CURRENCY = "UAH"

# --- Card payments (docs/payments.md) ----------------------------------------------------------
# "sandbox" is Kramar's own pretend card processor (test cards only, for `make run` and the
# tests; `check --deploy` warns about it); "stripe" takes real money through Stripe Checkout.
PAYMENT_PROVIDER = env.choice("PAYMENT_PROVIDER", ("sandbox", "stripe"), default="sandbox")
SANDBOX_WEBHOOK_SECRET = env.text(
    "SANDBOX_WEBHOOK_SECRET", default="whsec_kramar_sandbox_development_only"
)
STRIPE_SECRET_KEY = env.secret(
    "STRIPE_SECRET_KEY", prefixes=("sk_", "rk_"), required=PAYMENT_PROVIDER == "stripe"
)
STRIPE_WEBHOOK_SECRET = env.secret(
    "STRIPE_WEBHOOK_SECRET", prefixes=("whsec_",), required=PAYMENT_PROVIDER == "stripe"
)

# --- Returns (docs/returns.md) ------------------------------------------------------------------
# How many days after the day of delivery a customer may ask to return goods (Ukraine's consumer
# protection law gives 14 days for goods of proper quality).
RETURN_DAYS = env.number("RETURN_DAYS", default=14, minimum=1)

# --- Billing (docs/billing.md) -------------------------------------------------------------------
# Reminder steps in days relative to an invoice's due date (negative: before it). Each step is
# sent once; an overdue step also plans a follow-up call for the responsible manager (M13).
# A credit limit above this many hryvnias waits for a head of sales (issue 5, M15).
BILLING_CREDIT_LIMIT_APPROVAL_ABOVE = env.number(
    "BILLING_CREDIT_LIMIT_APPROVAL_ABOVE", default=100_000, minimum=0
)
BILLING_DUNNING_STEPS = env.integers("BILLING_DUNNING_STEPS", default=[-3, 1, 7, 14, 30])
# The supplier printed on invoices.
BILLING_SELLER_NAME = env.text("BILLING_SELLER_NAME", default="ТОВ «Крамар»")
BILLING_SELLER_CODE = env.text("BILLING_SELLER_CODE", default="00000000")
BILLING_SELLER_IBAN = env.text("BILLING_SELLER_IBAN", default="UA000000000000000000000000000")
BILLING_SELLER_ADDRESS = env.text("BILLING_SELLER_ADDRESS", default="м. Київ")

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end libraries come from npm; `make assets` copies what is used into var/vendor.
STATICFILES_DIRS = [BASE_DIR / "kramar" / "static", ("vendor", VAR_DIR / "vendor")]
MEDIA_URL = "media/"
MEDIA_ROOT = env.text("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security ---------------------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.flag("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.number("SECURE_HSTS_SECONDS", default=31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.flag("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = env.flag("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.flag("CSRF_COOKIE_SECURE", default=True)

# --- API --------------------------------------------------------------------------------------
API_URL_PREFIX = "/api/"
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 200
API_TOKEN_PREFIX = "kr"  # nosec B105

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.text("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
