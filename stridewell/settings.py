"""Stridewell settings: one file, every knob an environment variable.

Every variable read here is documented in README.md ("Configuration"); a test
fails when one is not.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    return int(os.getenv(name, str(default)))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


# Insights fit many small regressions; one BLAS thread does them several times
# faster than a pool of threads fighting over two cores (set before numpy loads).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.getenv("STRIDEWELL_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one made once and kept in the data folder."""
    if key := os.getenv("SECRET_KEY"):
        return key
    keyfile = DATA_DIR / "secret_key"
    if not keyfile.exists():
        keyfile.write_text(secrets.token_urlsafe(50))
        keyfile.chmod(0o600)
    return keyfile.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG", "False")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_NAME = os.getenv("SITE_NAME", "Stridewell")
# The address people reach this instance at, for links in emails (no trailing slash).
SITE_URL = os.getenv("STRIDEWELL_SITE_URL", "").rstrip("/")
# Whether visitors who are not signed in may see runs and stories marked public.
PUBLIC_PAGES = envbool("STRIDEWELL_PUBLIC_PAGES", "False")
# (how many, in how many seconds) per person, for what others receive.
RATE_LIMITS = {
    "story": (envint("STRIDEWELL_LIMIT_STORIES_PER_HOUR", 5), 3600),
    "comment": (envint("STRIDEWELL_LIMIT_COMMENTS_PER_HOUR", 60), 3600),
    "buddy_request": (envint("STRIDEWELL_LIMIT_BUDDY_REQUESTS_PER_DAY", 20), 86400),
    "nudge": (envint("STRIDEWELL_LIMIT_NUDGES_PER_DAY", 20), 86400),
    "report": (envint("STRIDEWELL_LIMIT_REPORTS_PER_HOUR", 20), 3600),
}

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
    "django_tasks",
    "django_tasks_db",
    # Only for its vendored Swagger UI: without it /api/v1/docs loads scripts from a CDN.
    "ninja",
    "stridewell.accounts",
    "stridewell.runs",
    "stridewell.wellbeing",
    "stridewell.insights",
    "stridewell.community",
    "stridewell.steps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "stridewell.lib.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "stridewell.accounts.middleware.UserTimezoneMiddleware",
]

ROOT_URLCONF = "stridewell.urls"
WSGI_APPLICATION = "stridewell.wsgi.application"

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
                "stridewell.accounts.context.profile",
                "stridewell.wellbeing.context.reminders",
                "stridewell.steps.context.reminder",
            ]
        },
    }
]

# Databases: SQLite in the data folder by default, anything dj-database-url reads otherwise.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'stridewell.sqlite3'}", conn_max_age=60
    )
}


def _cache(url: str) -> dict[str, str]:
    """A cache from a URL: files in the data folder by default, Redis or memory if asked."""
    if url.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url.startswith("locmem://"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": url.removeprefix("file://") or str(DATA_DIR / "cache"),
    }


# Computed insights are cached per person (keyed on their data, so never stale).
CACHES = {"default": _cache(os.getenv("STRIDEWELL_CACHE_URL", ""))}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; IMMEDIATE transactions
    # and a generous timeout avoid "database is locked" under concurrent writes.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work: Django's Tasks API; the database backend needs nothing else,
# Redis (through RQ) suits several machines.
TASK_BACKEND = os.getenv("STRIDEWELL_TASK_BACKEND", "database")
REDIS_URL = os.getenv("REDIS_URL", "redis://127.0.0.1:6379/0")
if TASK_BACKEND == "redis":
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASK_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Argon2 for every new or changed password; the others stay so old hashes still
# verify (and are upgraded to Argon2 at the next sign-in).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/runs/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = os.getenv("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_SESSION_REMEMBER = True
# Lockout: after this many failed sign-ins for one address, every attempt for it
# (even with the right password) is refused until the window has passed.
LOGIN_FAILURES = envint("STRIDEWELL_LOGIN_FAILURES", 5)
LOGIN_LOCKOUT_SECONDS = envint("STRIDEWELL_LOGIN_LOCKOUT_SECONDS", 900)
LOGIN_FAILURES_PER_IP = envint("STRIDEWELL_LOGIN_FAILURES_PER_IP_PER_MINUTE", 10)
LOGINS_PER_IP = envint("STRIDEWELL_LOGINS_PER_IP_PER_MINUTE", 30)
ACCOUNT_RATE_LIMITS = {
    "login": f"{LOGINS_PER_IP}/m/ip",
    "login_failed": f"{LOGIN_FAILURES_PER_IP}/m/ip,{LOGIN_FAILURES}/{LOGIN_LOCKOUT_SECONDS}s/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
# API tokens: failed Bearer attempts one address may make in a ten-minute window
# before every token from it is refused until the window ends.
API_TOKEN_FAILURES = envint("STRIDEWELL_API_TOKEN_FAILURES", 20)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME

# Email: printed to the console unless an SMTP host is given.
EMAIL_HOST = os.getenv("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = envint("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "True")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "stridewell@localhost")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "files"

# Map tiles: the only external request a page may make, and it is configurable.
TILE_URL = os.getenv("STRIDEWELL_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
TILE_ATTRIBUTION = os.getenv("STRIDEWELL_TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors")

# Private notes are encrypted with the first of these keys (comma-separated, base64url);
# every key decrypts, which is how a key is rotated (README: "Rotating the note key").
NOTE_KEYS = os.getenv("STRIDEWELL_NOTE_KEYS")
NOTE_KEY_FILE = os.getenv("STRIDEWELL_NOTE_KEY_FILE", "")
CRISIS_LINES_FILE = os.getenv("STRIDEWELL_CRISIS_LINES_FILE", "")

# Import limits. Every refusal names the limit it hit.
MAX_FILE_MB = envint("STRIDEWELL_MAX_FILE_MB", 64)
MAX_ARCHIVE_MB = envint("STRIDEWELL_MAX_ARCHIVE_MB", 4096)
MAX_COMPRESSION_RATIO = envint("STRIDEWELL_MAX_COMPRESSION_RATIO", 200)
MAX_ARCHIVE_MEMBERS = envint("STRIDEWELL_MAX_ARCHIVE_MEMBERS", 50000)
IMPORT_PROCESSES = envint("STRIDEWELL_IMPORT_PROCESSES", os.cpu_count() or 1)
# An import whose worker has not been heard from for this long is retried (runs/tasks.py).
IMPORT_STALE_SECONDS = envint("STRIDEWELL_IMPORT_STALE_SECONDS", 120)
DATA_UPLOAD_MAX_NUMBER_FILES = envint("STRIDEWELL_MAX_UPLOAD_FILES", 5000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Security. STRIDEWELL_HTTPS=1 says people reach this instance over TLS: then
# cookies are sent over HTTPS only, plain HTTP is redirected and browsers are told
# (HSTS) never to try HTTP again. Headers every response carries (CSP and more)
# are set in stridewell/lib/security.py.
HTTPS = envbool("STRIDEWELL_HTTPS", "False")
SECURE_SSL_REDIRECT = HTTPS and envbool("STRIDEWELL_SSL_REDIRECT", "True")
SECURE_HSTS_SECONDS = envint("STRIDEWELL_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("STRIDEWELL_HSTS_SUBDOMAINS", "True")
# Harmless on its own: only a domain's owner submitting it to hstspreload.org acts on it.
SECURE_HSTS_PRELOAD = envbool("STRIDEWELL_HSTS_PRELOAD", "True")
if not envbool("STRIDEWELL_SSL_REDIRECT", "True"):
    # The proxy in front redirects HTTP to HTTPS itself (README, Configuration).
    SILENCED_SYSTEM_CHECKS = ["security.W008"]
# Behind a reverse proxy (nginx, Caddy) that terminates TLS: how many proxies to trust
# for X-Forwarded-Proto and X-Forwarded-For (the client address rate limits count by).
TRUSTED_PROXIES = envint("STRIDEWELL_TRUSTED_PROXIES", 0)
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXIES
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "True" if HTTPS else "False")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "WARNING")},
}
