"""Zhifa's one settings module, driven by environment variables (see docs/operations.md).

All local state — the SQLite database, evidence files, the signing key, the secret key — lives in
ZHIFA_DATA_DIR, so that a copy of that folder is a whole backup.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

from zhifa.env import SettingError, env_bool, env_int, env_list, env_str
from zhifa.ops import logs

BASE_DIR = Path(__file__).resolve().parent

# Everything this process creates — the database, evidence, keys, the spool — is readable by its own user
# only: folders 0700, files 0600 (a copy of the data folder is a whole case archive; 等保 data at rest).
os.umask(0o077)
DATA_DIR = Path(env_str("ZHIFA_DATA_DIR", "./var")).expanduser().resolve()
if not DATA_DIR.exists():
    DATA_DIR.mkdir(parents=True, mode=0o700)
EVIDENCE_DIR = DATA_DIR / "evidence"
KEYS_DIR = DATA_DIR / "keys"


def _secret_key() -> str:
    """The secret key from the environment, else one made on first run and kept in the data folder."""
    configured = env_str("ZHIFA_SECRET_KEY", "")
    if configured:
        if len(configured) < 50:
            raise SettingError("ZHIFA_SECRET_KEY must be at least 50 characters long")
        return configured
    key_file = DATA_DIR / "secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("ZHIFA_DEBUG", False)
ALLOWED_HOSTS = env_list("ZHIFA_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("ZHIFA_CSRF_TRUSTED_ORIGINS", [])

# Behind TLS (production) every cookie is secure and browsers are told to keep to HTTPS.
HTTPS = env_bool("ZHIFA_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
BEHIND_PROXY = env_bool("ZHIFA_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The load balancer's and the monitoring's probes reach the app nodes directly, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp; Django has its own only from 6.0): scripts and styles only from the
# app's own static files, no inline script; style attributes stay allowed (bar widths on the home page;
# an attribute cannot run code). data: images for the API docs' icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "zhifa.core",
    "zhifa.personnel",
    "zhifa.ledger",
    "zhifa.api",
    "ninja",
    "zhifa.cases",
    "zhifa.recordings",
    "zhifa.laws",
    "zhifa.powers",
    "zhifa.publicity",
    "zhifa.documents",
    "zhifa.audit",
    "zhifa.complaints",
    "zhifa.portal",
    "zhifa.desk",
    "zhifa.supervision",
    "zhifa.inspections",
    "zhifa.devices",
    "zhifa.archives",
    "zhifa.ops",
    "zhifa.jobs",
    "zhifa.stack",
    "csp",
]

MIDDLEWARE = [
    # First, so that every log record of the request, and the time measured, cover all the rest.
    "zhifa.ops.logs.RequestIdMiddleware",
    "zhifa.ops.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "zhifa.core.middleware.AccessLogMiddleware",
    "zhifa.core.middleware.NoStoreMiddleware",
    # Refuses a flood of login attempts from one address before authentication hashes anything.
    "zhifa.core.middleware.LoginRateLimitMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "zhifa.audit.middleware.RefusalAuditMiddleware",
    "zhifa.core.middleware.SessionLimitMiddleware",
    "zhifa.core.middleware.UserLanguageMiddleware",
    # Until a person has changed an initial or reset password, or set up a required second factor, he
    # sees only the pages that do that.
    "zhifa.core.middleware.AccountGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-axes must come last: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhifa.urls"
WSGI_APPLICATION = "zhifa.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhifa.core.context_processors.navigation",
            ],
        },
    },
]

# SQLite by default: WAL so readers never block the writer, FULL sync so an acknowledged commit
# survives power loss, IMMEDIATE transactions so concurrent writers queue (busy timeout) instead of
# failing with "database is locked" half-way through a transaction.
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # No JIT: the desk's and queues' conditions are many small subplans whose estimated cost triggers
        # compilation — ~1.4 s of it for a 130 ms query at 10⁵ cases (docs/decisions.md, load test).
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
else:
    DATABASES = {
        "default": {
            "ENGINE": "zhifa.core.sqlite",  # Django's, beginning transactions on the driver's connection
            "NAME": str(DATA_DIR / "zhifa.sqlite3"),
            # Kept connections pay under a threaded server (gunicorn); runserver starts a thread per request.
            "CONN_MAX_AGE": env_int("ZHIFA_SQLITE_CONN_MAX_AGE", 0),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=FULL;PRAGMA busy_timeout=30000",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "zhifa.core.passwords.MaximumLengthValidator"},
    {"NAME": "zhifa.core.passwords.CharacterClassValidator"},
    {"NAME": "zhifa.core.passwords.ChineseCommonPasswordValidator"},
    {"NAME": "zhifa.core.passwords.PatternPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Lock a login after repeated failures (等保 L3-CES1-02), by user name *and* address: an attacker at one
# address locks only himself out of that name, never its owner at his desk (docs/decisions.md). A slower
# limit per user name from any address still stops a distributed guess; a locked name's API tokens are refused.
AXES_HANDLER = "zhifa.core.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "zhifa.core.lockout.client_address"  # the proxy's X-Forwarded-For when behind one
# The admin site must not show authenticator secrets (django-otp's QR view) nor let lockout rows be deleted
# there unnoticed (axes' admin); the security administrator's pages show and lift lockouts, recorded.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
AXES_ENABLE_ADMIN = False
AXES_FAILURE_LIMIT = env_int("ZHIFA_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ZHIFA_LOGIN_LOCKOUT_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # the per-username count below reads it
# Attempts refused during a lockout neither count nor extend it (and the refusal is axes' lockout page).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Failures for one user name from any address within an hour that lock the name (slower than the above).
LOGIN_USER_FAILURE_LIMIT = env_int("ZHIFA_LOGIN_USER_FAILURE_LIMIT", 20, minimum=1)
# Login attempts per client address per window, refused (HTTP 429) before any password is hashed: each
# Argon2 check costs ~100 MiB, so a flood of wrong passwords must not reach it.
LOGIN_RATE_LIMIT = env_int("ZHIFA_LOGIN_RATE_LIMIT", 30, minimum=1)
LOGIN_RATE_WINDOW_SECONDS = env_int("ZHIFA_LOGIN_RATE_WINDOW_SECONDS", 300, minimum=1)
# API tokens expire this many days after they are issued.
API_TOKEN_DAYS = env_int("ZHIFA_API_TOKEN_DAYS", 90, minimum=1)
# Two-factor login (TOTP): the issuer name an authenticator app shows beside the account.
OTP_TOTP_ISSUER = env_str("ZHIFA_OTP_ISSUER", "Zhifa 行政执法")

# Sessions end after a period without activity and, whatever the activity, after a maximum span.
SESSION_IDLE_MINUTES = env_int("ZHIFA_SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_MAX_HOURS = env_int("ZHIFA_SESSION_MAX_HOURS", 8, minimum=1)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = False  # renewed at most once a minute: core.middleware.SessionLimitMiddleware
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise looks here as well as in the source folders
# The app serves its own static files (no CDN, no internet): straight from the source folders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Evidence files: a folder in the data folder, or S3-compatible object storage (SeaweedFS or another) through
# django-storages (ZHIFA_EVIDENCE_STORAGE=storages.backends.s3.S3Storage; credentials from AWS_ACCESS_KEY_ID/…).
# The installation's public address, printed on documents under their QR code to the public check page.
ZHIFA_PUBLIC_URL = env_str("ZHIFA_PUBLIC_URL", "http://127.0.0.1:8000")
EVIDENCE_BACKEND = env_str("ZHIFA_EVIDENCE_STORAGE", "django.core.files.storage.FileSystemStorage")
EVIDENCE_OPTIONS: dict[str, str] = (
    {"location": str(EVIDENCE_DIR)}
    if EVIDENCE_BACKEND.endswith("FileSystemStorage")
    else {
        option: value
        for option, value in (
            ("bucket_name", env_str("ZHIFA_EVIDENCE_S3_BUCKET", "")),
            ("endpoint_url", env_str("ZHIFA_EVIDENCE_S3_ENDPOINT", "")),
            ("region_name", env_str("ZHIFA_EVIDENCE_S3_REGION", "")),
        )
        if value
    }
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "evidence": {"BACKEND": EVIDENCE_BACKEND, "OPTIONS": EVIDENCE_OPTIONS},
}

# The whole-process record: the name in its signed checkpoints, and how often a grown log is signed.
LEDGER_ORIGIN = env_str("ZHIFA_LEDGER_ORIGIN", "zhifa.local/ledger")
LEDGER_CHECKPOINT_MINUTES = env_int("ZHIFA_LEDGER_CHECKPOINT_MINUTES", 10, minimum=1)
# The checkpoint signing key. A copy of the data folder must not be able to sign a rewritten history, so in
# production the key lives elsewhere: a file at ZHIFA_LEDGER_KEY_FILE (made on first use when absent), or
# the PEM itself as a secret, ZHIFA_LEDGER_KEY_PEM or ZHIFA_LEDGER_KEY_PEM_FILE (which wins; never made).
# `zhifa check --deploy` warns when the key sits inside the data folder (ledger.W001).
LEDGER_KEY_FILE = Path(env_str("ZHIFA_LEDGER_KEY_FILE", str(KEYS_DIR / "ledger-ed25519.pem"))).expanduser().resolve()
LEDGER_KEY_PEM = env_str("ZHIFA_LEDGER_KEY_PEM", "")
# Entries not yet in the leaf-hash lookup (ledger_leaf_index) after which a commit indexes them, in one
# run sorted by key; lookups scan that tail meanwhile, so they never miss an entry (docs/ledger.md).
LEDGER_LOOKUP_LAG = env_int("ZHIFA_LEDGER_LOOKUP_LAG", 16384, minimum=1)

# Widgets render with the project's templates too (the evidence upload widget lives in templates/ledger/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Django's storage would otherwise chmod stored files to 0644 whatever the umask.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Every upload is spooled to disk and hashed as it arrives; the handler enforces the limits below as it streams.
FILE_UPLOAD_HANDLERS = ["zhifa.ledger.blobs.HashingUploadHandler"]
# Evidence limits (docs/operations.md): one file's size; per agency, the bytes uploaded but not yet named by
# any of its entries; and how long such an upload is kept before `zhifa evidence cleanup` removes it.
EVIDENCE_MAX_BYTES = env_int("ZHIFA_EVIDENCE_MAX_MB", 2048, minimum=1) * 1024 * 1024
EVIDENCE_QUOTA_BYTES = env_int("ZHIFA_EVIDENCE_QUOTA_MB", 20480, minimum=1) * 1024 * 1024
EVIDENCE_RETENTION_DAYS = env_int("ZHIFA_EVIDENCE_RETENTION_DAYS", 7, minimum=1)
# Uploads and evidence are spooled here, beside the evidence folder, so a finished file is moved, not copied.
FILE_UPLOAD_TEMP_DIR = str(DATA_DIR / "tmp")
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# /metrics (zhifa/ops/metrics.py): from these networks (CIDRs), or anywhere with the bearer token.
METRICS_ALLOW = env_list("ZHIFA_METRICS_ALLOW", ["127.0.0.0/8", "::1/128"])
for _network in METRICS_ALLOW:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise SettingError(
            f"ZHIFA_METRICS_ALLOW holds {_network!r}, which is not a network (e.g. 10.0.0.0/8)"
        ) from None
METRICS_TOKEN = env_str("ZHIFA_METRICS_TOKEN", "")
if METRICS_TOKEN and len(METRICS_TOKEN) < 32:
    raise SettingError("ZHIFA_METRICS_TOKEN must be at least 32 characters long")

# Every record names its request and user (zhifa/ops/logs.py); ZHIFA_LOG_FORMAT=json writes one JSON object a line.
LOG_FORMAT = env_str("ZHIFA_LOG_FORMAT", "plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise SettingError(f"ZHIFA_LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "zhifa.ops.logs.RequestContextFilter"}},
    "formatters": logs.formatters(),
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request"], "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("ZHIFA_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "zhifa.access": {"level": env_str("ZHIFA_ACCESS_LOG_LEVEL", "INFO")}},
}

# Background work (zhifa/jobs, huey): the queue is a SQLite file in the data folder when ZHIFA_QUEUE is unset, run by
# `zhifa jobs work` beside the server; at scale Redis, ZHIFA_QUEUE=redis://host:port/db (or unix:///path?db=0).
QUEUE_URL = env_str("ZHIFA_QUEUE", "")
if QUEUE_URL and not QUEUE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise SettingError(f"ZHIFA_QUEUE must be a redis://, rediss:// or unix:// address, not {QUEUE_URL!r}")
# The warning rules are looked at this often and run on the first look of a day; the daily jobs (upload clean-up)
# run at this local time.
JOBS_WARNINGS_LOOK_MINUTES = env_int("ZHIFA_JOBS_WARNINGS_LOOK_MINUTES", 10, minimum=1)


def _daily_at(raw: str) -> tuple[int, int]:
    hour, _, minute = raw.partition(":")
    if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
        raise SettingError(f"ZHIFA_JOBS_DAILY_AT must be a time of day such as 03:00, not {raw!r}")
    return int(hour), int(minute)


JOBS_DAILY_AT = _daily_at(env_str("ZHIFA_JOBS_DAILY_AT", "03:00"))

# Static files collected by `zhifa collectstatic` into STATIC_ROOT, with hashed names (served with a year's cache)
# and compressed copies (gzip, and brotli when installed): the production stack (`zhifa stack up`) turns this on.
# Off, they are served straight from the source folders (make run, the tests), which needs no step.
STATIC_COLLECTED = env_bool("ZHIFA_STATIC_COLLECTED", False)
if STATIC_COLLECTED:
    STORAGES["staticfiles"] = {"BACKEND": "zhifa.stack.static.StaticStorage"}
    WHITENOISE_USE_FINDERS = False
