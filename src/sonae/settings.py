"""Django settings for Sonae, read from the environment.

Two modes, chosen by ``SONAE_ENV``:
- ``development`` (default): DEBUG on unless ``SONAE_DEBUG=0``; a secret key and data keys are generated under
  ``var/`` the first time and reused afterwards (the run says so once).
- ``production``: DEBUG off, and start-up refuses without ``SONAE_SECRET_KEY`` and ``SONAE_DATA_KEYS`` /
  ``SONAE_DATA_KEYS_FILE``; secure cookies, HSTS and the other deploy checks are on.

The database is SQLite under ``var/`` unless ``DATABASE_URL`` is set (PostgreSQL in production).
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("SONAE_HOME", Path.cwd()))
VAR_DIR = Path(os.environ.get("SONAE_VAR_DIR", PROJECT_DIR / "var"))

TESTING = os.environ.get("SONAE_TESTING") == "1" or "pytest" in sys.modules
SONAE_ENV = os.environ.get("SONAE_ENV", "development").strip().lower()
if SONAE_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("SONAE_ENV must be 'development' or 'production'.")
PRODUCTION = SONAE_ENV == "production"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = False if PRODUCTION else _env_bool("SONAE_DEBUG", not TESTING)


def _say(message: str) -> None:
    print(f"[sonae] {message}", file=sys.stderr)


def _dev_secret(path: Path, make) -> str:
    """Read a development secret from ``var/``, creating it once."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    path.write_text(value + "\n")
    path.chmod(0o600)
    _say(f"development: generated {path} (never use it in production)")
    return value


# --- secrets ------------------------------------------------------------------------------------------------

SECRET_KEY = os.environ.get("SONAE_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SONAE_SECRET_KEY is required in production.")
    if TESTING:
        SECRET_KEY = "test-" + secrets.token_urlsafe(40)
    else:
        SECRET_KEY = _dev_secret(VAR_DIR / "secret-key.txt", lambda: secrets.token_urlsafe(50))


def _load_data_keys() -> str:
    if os.environ.get("SONAE_DATA_KEYS"):
        return os.environ["SONAE_DATA_KEYS"]
    key_file = os.environ.get("SONAE_DATA_KEYS_FILE")
    if key_file:
        try:
            return Path(key_file).read_text()
        except OSError as exc:
            raise ImproperlyConfigured(f"SONAE_DATA_KEYS_FILE cannot be read: {exc}") from exc
    if PRODUCTION:
        raise ImproperlyConfigured("SONAE_DATA_KEYS or SONAE_DATA_KEYS_FILE is required in production.")
    from sonae.core.crypto import generate_keyring_json

    if TESTING:
        return generate_keyring_json()
    return _dev_secret(VAR_DIR / "data-keys.json", generate_keyring_json)


SONAE_DATA_KEYS = _load_data_keys()

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("SONAE_ALLOWED_HOSTS", "").split(",") if h.strip()]
if not ALLOWED_HOSTS and not PRODUCTION:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("SONAE_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

# --- applications -------------------------------------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "simple_history",
    "django_htmx",
    "template_partials",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "sonae.core",
    "sonae.programme",
    "sonae.enrolment",
    "sonae.selfcheck",
    "sonae.incidents",
    "sonae.duties",
    "sonae.victims",
    "sonae.claims",
    "sonae.hospitals",
    "sonae.rights",
    "sonae.documents",
    "sonae.webhooks",
]
if TESTING:
    INSTALLED_APPS.append("tests.testapp")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "sonae.core.security.RateLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "sonae.core.csp.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "sonae.core.security.StaffSessionTimeoutMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "sonae.core.middleware.ActiveMembershipMiddleware",
    "sonae.core.middleware.RequireMfaMiddleware",
    "axes.middleware.AxesMiddleware",
]

# The token lane (sonae.api.lane): the API's direct routes, asked with a bearer token and no cookie, run through
# these only. The others serve browser sessions (session, CSRF, user, messages, htmx, allauth, staff time-out,
# membership, MFA, lock-out) or static files, and do nothing for such a request. SONAE_TOKEN_LANE=0 turns it off.
SONAE_TOKEN_LANE = _env_bool("SONAE_TOKEN_LANE", True)
SONAE_TOKEN_LANE_MIDDLEWARE = [
    m
    for m in MIDDLEWARE
    if m
    in {
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.locale.LocaleMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "sonae.core.csp.CSPMiddleware",
        "simple_history.middleware.HistoryRequestMiddleware",
    }
]

ROOT_URLCONF = "sonae.urls"
WSGI_APPLICATION = "sonae.wsgi.application"
ASGI_APPLICATION = "sonae.asgi.application"
AUTH_USER_MODEL = "core.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "csp.context_processors.nonce",
                "sonae.core.context_processors.sonae",
            ],
        },
    },
]

# --- database -----------------------------------------------------------------------------------------------

if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True)
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's cursors bind on the client and never prepare; this only lets ``sonae.core.hotsql`` prepare its
        # few hot statements explicitly (psycopg prepares nothing by itself below this threshold).
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 2**31 - 1)
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "sonae.sqlite3",
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth ---------------------------------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "sonae.core.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
MFA_ADAPTER = "sonae.core.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Sonae"

# Organisation kinds whose members must enrol a TOTP device before using anything (DESIGN §1).
SONAE_MFA_REQUIRED_KINDS = ("agency", "insurer", "desk")

AXES_FAILURE_LIMIT = int(os.environ.get("SONAE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "errors/lockout.html"
AXES_ENABLED = _env_bool("SONAE_AXES_ENABLED", True)
# Behind nginx: how many proxies append to X-Forwarded-For (0: use REMOTE_ADDR). Rate limits and axes use it.
SONAE_PROXY_COUNT = int(os.environ.get("SONAE_PROXY_COUNT", "0"))
if SONAE_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = SONAE_PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# --- i18n / time --------------------------------------------------------------------------------------------

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("日本語")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# --- static and media ---------------------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("SONAE_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
WHITENOISE_USE_FINDERS = DEBUG or TESTING
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if (DEBUG or TESTING)
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
if os.environ.get("SONAE_S3_BUCKET"):
    # Uploaded files in S3-compatible object storage (needs the django-storages[s3] package; docs/operations.md).
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["SONAE_S3_BUCKET"],
            "endpoint_url": os.environ.get("SONAE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("SONAE_S3_REGION") or None,
            "access_key": os.environ.get("SONAE_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("SONAE_S3_SECRET_KEY") or None,
            "location": os.environ.get("SONAE_S3_PREFIX", ""),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# --- cache (shared between processes: TOTP replay protection, rate limits) ---------------------------------

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if TESTING
    else (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["SONAE_REDIS_URL"]}
        if os.environ.get("SONAE_REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "sonae_cache"}
    )
}

# --- background tasks ---------------------------------------------------------------------------------------

TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TESTING
        else "django_tasks_db.DatabaseBackend"
    }
}

# --- e-mail -------------------------------------------------------------------------------------------------

EMAIL_BACKEND = os.environ.get(
    "SONAE_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("SONAE_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("SONAE_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("SONAE_FROM_EMAIL", "Sonae <no-reply@sonae.example.jp>")

# --- security -----------------------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Staff of agency, insurer and desk (sonae.core.security): signed out after 30 min idle and 8 h after sign-in.
SONAE_STAFF_IDLE_TIMEOUT = int(os.environ.get("SONAE_STAFF_IDLE_TIMEOUT", str(30 * 60)))
SONAE_STAFF_SESSION_MAX_AGE = int(os.environ.get("SONAE_STAFF_SESSION_MAX_AGE", str(8 * 60 * 60)))
# Exports of personal data need a sign-in or re-authentication within 10 min. Off under pytest by default:
# force_login records no authentication time (tests/core/test_security.py turns it on).
SONAE_REQUIRE_RECENT_AUTH = _env_bool("SONAE_REQUIRE_RECENT_AUTH", not TESTING)


def _rate(name: str, default: str) -> tuple[int, int]:
    """A rate limit "N/SECONDS" from the environment (sonae.core.ratelimit; 0/… turns it off)."""
    raw = os.environ.get(name, default)
    try:
        count, window = raw.split("/")
        return int(count), int(window)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must look like 30/600 (requests/seconds), not {raw!r}") from None


SONAE_RATE_LIMITS = {
    "login": _rate("SONAE_RATE_LOGIN", "30/600"),  # sign-in POSTs per IP
    "api_token": _rate("SONAE_RATE_API_TOKEN", "600/60"),  # API requests per token
    "api_bad_token": _rate("SONAE_RATE_API_BAD_TOKEN", "60/600"),  # failed token attempts per IP
    "lookup": _rate("SONAE_RATE_LOOKUP", "60/600"),  # victim look-ups per user
    "public": _rate("SONAE_RATE_PUBLIC", "20/600"),  # public inquiry form posts per IP
}
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("SONAE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SONAE_LOG_LEVEL", "WARNING")},
}

# --- Sonae --------------------------------------------------------------------------------------------------

# Parallel audit chains (one lock each; a process appends to chain pid % N). See sonae.core.audit.
SONAE_AUDIT_CHAINS = int(os.environ.get("SONAE_AUDIT_CHAINS", "16"))
# Look-ups' audit events written behind, within this many milliseconds (PostgreSQL; 0: appended by the look-up's
# own statement). See sonae.core.audit_writer. Tests use 0 unless they test the writer.
SONAE_AUDIT_WRITE_BEHIND_MS = int(os.environ.get("SONAE_AUDIT_WRITE_BEHIND_MS", "0" if TESTING else "100"))
# A task worker that has not beaten for this long is dead; its RUNNING tasks are queued again (sonae.core.workers).
SONAE_WORKER_STALE_SECONDS = int(os.environ.get("SONAE_WORKER_STALE_SECONDS", "300"))
SONAE_DESK_PHONE = os.environ.get("SONAE_DESK_PHONE", "0120-000-000")
SONAE_SITE_URL = os.environ.get("SONAE_SITE_URL", "http://127.0.0.1:8000")
# Webhooks to loopback/private addresses: allowed in development and tests, refused in production unless set.
SONAE_WEBHOOKS_ALLOW_PRIVATE = _env_bool("SONAE_WEBHOOKS_ALLOW_PRIVATE", not PRODUCTION)
SONAE_WEBHOOKS_TIMEOUT = float(os.environ.get("SONAE_WEBHOOKS_TIMEOUT", "10"))
