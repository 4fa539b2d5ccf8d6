"""Settings of huiketing, read from environment variables (DESIGN.md §5).

Production is the default: DEBUG off, HTTPS-only cookies and HSTS, a secret key that must be given.
`huiketing demo` and the test suite switch to the relaxed values they need through the same variables.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("HUIKETING_DATA_DIR", "var")).resolve()
DEBUG = env_bool("HUIKETING_DEBUG", False)
TESTING = env_bool("HUIKETING_TESTING", False)
DEMO = env_bool("HUIKETING_DEMO", False)


def _secret_key() -> str:
    key = os.environ.get("HUIKETING_SECRET_KEY", "")
    if key:
        return key
    # Without one, an installation generates a key once and keeps it in its data directory, readable by the
    # owner only (the field keys are never derived from it).
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(64))
    key = path.read_text().strip()
    if not key:
        raise ImproperlyConfigured(f"{path} is empty: delete it or set HUIKETING_SECRET_KEY.")
    return key


SECRET_KEY = _secret_key()


def _field_keys() -> str:
    """Keys for personal fields (DESIGN.md §6), comma-separated, newest first; never derived from SECRET_KEY.

    Production passes them in HUIKETING_FIELD_KEYS from a secret store. A demo or development installation
    generates one into its own file, apart from the secret key's, so a copy of one file is not both.
    """
    keys = os.environ.get("HUIKETING_FIELD_KEYS", "")
    if keys:
        return keys
    path = DATA_DIR / "field_keys"
    if not path.exists() and (DEBUG or DEMO or TESTING):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip() if path.exists() else ""


FIELD_KEYS = _field_keys()

ALLOWED_HOSTS = env_list("HUIKETING_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
if TESTING:
    ALLOWED_HOSTS += ["testserver"]
CSRF_TRUSTED_ORIGINS = env_list("HUIKETING_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "huiketing.core",
    "huiketing.people",
    "huiketing.places",
    "huiketing.matters",
    "huiketing.open311",
    "huiketing.points",
    "huiketing.meetings",
    "huiketing.projects",
    "huiketing.hall",
    "huiketing.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "huiketing.core.middleware.LanguageParameterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "huiketing.core.middleware.UserLanguageMiddleware",
    "huiketing.core.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "huiketing.people.middleware.AssistedModeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Login security (huiketing.core.security): after messages, so that an ended session can say why.
    "huiketing.core.security.SessionLifetimeMiddleware",
    "huiketing.core.security.SecondFactorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "huiketing.urls"
WSGI_APPLICATION = "huiketing.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "huiketing.core.context_processors.site",
                "huiketing.people.context_processors.assisted_mode",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'huiketing.sqlite3'}",
        conn_max_age=int(os.environ.get("HUIKETING_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL and a busy timeout let the web process and the worker share the file.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database fails a request within seconds instead of holding it until the client gives up.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("HUIKETING_DB_CONNECT_TIMEOUT", "5"))
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out account or address is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Login security (huiketing.core.security; docs/architecture.md "Login security") --------------------
# Lockout (django-axes): HUIKETING_LOGIN_FAILURE_LIMIT failed sign-ins lock the username, and separately the
# client address, for HUIKETING_LOGIN_LOCKOUT_MINUTES. The address is found by the same rule as the audit log
# and the API throttles (REST_FRAMEWORK["NUM_PROXIES"]).
AXES_FAILURE_LIMIT = int(os.environ.get("HUIKETING_LOGIN_FAILURE_LIMIT", "5"))
HUIKETING_LOGIN_LOCKOUT_MINUTES = int(os.environ.get("HUIKETING_LOGIN_LOCKOUT_MINUTES", "15"))
AXES_COOLOFF_TIME = "huiketing.core.security.lockout_cool_off"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "huiketing.core.middleware.client_ip"
AXES_LOCKOUT_CALLABLE = "huiketing.core.security.lockout_response"
# Attempts made while locked do not prolong the lock: the owner can sign in again when the time is up.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp", "otp_token"]
# Sessions end after HUIKETING_SESSION_IDLE_MINUTES without a request, and HUIKETING_SESSION_MAX_HOURS after
# sign-in whatever happens; the cookie itself never outlives the longer of the two.
HUIKETING_SESSION_IDLE_MINUTES = int(os.environ.get("HUIKETING_SESSION_IDLE_MINUTES", "30"))
HUIKETING_SESSION_MAX_HOURS = int(os.environ.get("HUIKETING_SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = HUIKETING_SESSION_MAX_HOURS * 3600
# A second factor (TOTP) for every staff role, all of which read personal data
# (core.security.SECOND_FACTOR_ROLES). The demo, whose logins are printed for everyone, does without unless
# HUIKETING_REQUIRE_OTP=1.
HUIKETING_REQUIRE_OTP = env_bool("HUIKETING_REQUIRE_OTP", not DEMO)
OTP_TOTP_ISSUER = os.environ.get("HUIKETING_OTP_ISSUER", "huiketing")
if TESTING:
    # The suite signs staff in with force_login and the test client's login(), which passes no request;
    # tests/core/test_login_security.py turns both on again through the `settings` fixture.
    HUIKETING_REQUIRE_OTP = False
    AXES_ENABLED = False
# --- End of login security ---------------------------------------------------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
    }
else:
    # Without Redis a database table keeps rate-limit counters shared between processes.
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "huiketing_cache"},
    }
if TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Hashing is deliberately slow; the suite creates hundreds of accounts.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Languages (DESIGN.md §5). kk is Kazakh in the Arabic script used in Xinjiang, right-to-left;
# huiketing.core.i18n (installed by CoreConfig.ready) keeps Django's own Cyrillic Kazakh catalogue out.
# The installation's default language (Chinese unless an installation serves mostly Uyghur or Kazakh readers).
LANGUAGE_CODE = os.environ.get("HUIKETING_LANGUAGE_CODE", "zh-hans")
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("ug", "ئۇيغۇرچە"),
    ("kk", "قازاقشا"),
    ("en", "English"),
]
LANGUAGES_BIDI = ["he", "ar", "ar-dz", "ckb", "fa", "ur", "ug", "kk"]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["huiketing.formats"]
LANGUAGE_COOKIE_NAME = "huiketing_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("HUIKETING_STATIC_ROOT", DATA_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# HTTPS hardening: on by default; a loopback demo turns it off with HUIKETING_HTTPS=0.
HTTPS = env_bool("HUIKETING_HTTPS", not (DEBUG or DEMO or TESTING))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("HUIKETING_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("HUIKETING_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["huiketing.core.api_access.RulesPermission"],
    "DEFAULT_PAGINATION_CLASS": "huiketing.core.api_access.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "huiketing.core.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("HUIKETING_RATE_ANON", "120/minute"),
        "user": os.environ.get("HUIKETING_RATE_USER", "600/minute"),
        "login": os.environ.get("HUIKETING_RATE_LOGIN", "10/minute"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Trusted reverse proxies in front of the web tier (0: clients connect directly).
    "NUM_PROXIES": int(os.environ.get("HUIKETING_NUM_PROXIES", "0")),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "huiketing API",
    "DESCRIPTION": "会客厅 community platform: REST API v1.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

# Sends notifications on outside channels (SMS): a class with send(*, to, text) that raises on failure
# (huiketing.core.notifications). The default only writes each message to the log, the phone masked.
HUIKETING_MESSAGE_ADAPTER = os.environ.get(
    "HUIKETING_MESSAGE_ADAPTER", "huiketing.core.notifications.LoggingAdapter"
)

# Worker liveness (core.liveness): every worker records a heartbeat every HUIKETING_WORKER_HEARTBEAT_SECONDS;
# jobs left RUNNING by a worker not seen for HUIKETING_WORKER_STALE_SECONDS go back to the queue, and a job
# whose worker died HUIKETING_WORKER_MAX_ATTEMPTS times is marked failed instead (it may be what kills it).
HUIKETING_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("HUIKETING_WORKER_HEARTBEAT_SECONDS", "5"))
HUIKETING_WORKER_STALE_SECONDS = float(os.environ.get("HUIKETING_WORKER_STALE_SECONDS", "60"))
HUIKETING_WORKER_MAX_ATTEMPTS = int(os.environ.get("HUIKETING_WORKER_MAX_ATTEMPTS", "3"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HUIKETING_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

SITE_NAME = _("City living room")
# The city this installation serves: its code is the root of every territorial scope.
CITY_CODE = os.environ.get("HUIKETING_CITY_CODE", "654301")
DEMO_PASSWORD = os.environ.get("HUIKETING_DEMO_PASSWORD", "altay-demo-2026")
