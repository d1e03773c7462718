"""icsat settings: everything comes from the environment (see README's table).

With nothing set, icsat runs on SQLite under var/, the embedded Celery broker
(kombu's filesystem transport under var/broker/) and writes e-mails as .eml
files under var/mail/.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
import xstatic.pkg.bootstrap as xstatic_bootstrap
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env") if (BASE_DIR / ".env").exists() else None

VAR_DIR = Path(env.str("ICSAT_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)
if DEBUG:
    # A development key only: DEBUG never runs in production.
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
else:
    SECRET_KEY = env.str("SECRET_KEY")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "axes",  # sign-in lockout per (username, IP)
    "outbox",  # every e-mail: a row first, sent by a worker
    "requests_app",
    "surveys",
    "loop",  # closing the loop: follow-ups on low scores, comment themes, "you said, we did"
    "insights",  # measurement: rollups kept by hooks, medians, scorecards, dashboards
    "audit",  # the configuration audit trail (rows only); its page is in console
    "console",  # HR admins' pages over the other apps: audit log, e-mail delivery
    "sso",  # single sign-on with OpenID Connect (off unless ICSAT_OIDC_ISSUER is set)
    "scim",  # provisioning from a directory (SCIM 2.0): its API, tokens, group mappings
    "demo",  # the demo company and seed_demo: spans both apps
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "requests_app.middleware.EmployeeLanguageMiddleware",
    "requests_app.middleware.EmployeeTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "icsat.urls"
WSGI_APPLICATION = "icsat.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "requests_app.context_processors.navigation",
                "surveys.context_processors.survey_inbox",
            ],
            # |tr and |person on every page without a {% load %}.
            "builtins": ["requests_app.templatetags.icsat"],
        },
    },
]

# --- Database ---------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'icsat.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A web process and a Celery worker write at once: without IMMEDIATE
    # transactions and WAL, SQLite answers "database is locked" (STACK-NOTES).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Covering indexes (INCLUDE) are for PostgreSQL's index-only scans; SQLite keeps
    # the key columns, which is all the small embedded default needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -------------------------------------------------------------------
# Argon2id first (icsat/hashers.py: why); the others still verify older hashes, which are
# rehashed with the first at the next sign-in.
PASSWORD_HASHERS = [
    "icsat.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "requests_app:home"
LOGOUT_REDIRECT_URL = "login"
# Single sign-on (its block below) adds its backend, and can take the password one away.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked (username, IP) first
    "requests_app.backends.PasswordBackend",
]

# --- Sign-in lockout and throttles ------------------------------------------------
# Behind N reverse proxies, the client is the Nth address from the right of
# X-Forwarded-For; with 0 (the default) the header is ignored and REMOTE_ADDR counts,
# so a client cannot pick its own address. Set it only when every request comes through
# the proxies (requests_app.throttle.client_ip).
ICSAT_TRUSTED_PROXIES = env.int("ICSAT_TRUSTED_PROXIES", default=0)
ICSAT_LOGIN_FAILURE_LIMIT = env.int("ICSAT_LOGIN_FAILURE_LIMIT", default=5)
ICSAT_LOGIN_COOLOFF_MINUTES = env.int("ICSAT_LOGIN_COOLOFF_MINUTES", default=15)
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = ICSAT_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=ICSAT_LOGIN_COOLOFF_MINUTES)
# The pair, not either alone: a typo-prone colleague does not lock out the whole office
# behind one NAT, and a guesser cannot lock a known person out from everywhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A guess during the lockout starts the cool-off again: the page's wait stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_CLIENT_IP_CALLABLE = "requests_app.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "requests_app.throttle.sign_in_locked_out"
AXES_HTTP_RESPONSE_CODE = 429
# Password reset: per address asked for and per client, in a fixed window.
ICSAT_PASSWORD_RESET_LIMIT_PER_EMAIL = env.int("ICSAT_PASSWORD_RESET_LIMIT_PER_EMAIL", default=3)
ICSAT_PASSWORD_RESET_LIMIT_PER_IP = env.int("ICSAT_PASSWORD_RESET_LIMIT_PER_IP", default=10)
ICSAT_PASSWORD_RESET_WINDOW_MINUTES = env.int("ICSAT_PASSWORD_RESET_WINDOW_MINUTES", default=60)
# Survey links: wrong or malformed tokens per client, in a fixed window.
ICSAT_SURVEY_TOKEN_FAILURE_LIMIT = env.int("ICSAT_SURVEY_TOKEN_FAILURE_LIMIT", default=20)
ICSAT_SURVEY_TOKEN_WINDOW_MINUTES = env.int("ICSAT_SURVEY_TOKEN_WINDOW_MINUTES", default=15)

# --- i18n -------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish")), ("nb", _("Norwegian Bokmål"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["icsat.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Oslo")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("ICSAT_STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Bootstrap comes from the xstatic-bootstrap package, never a CDN or a committed copy.
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor/bootstrap", xstatic_bootstrap.BASE_DIR)]
# Uploads live outside the static/web root and are served only by a view that
# checks who may see the ticket; MEDIA_URL is deliberately not routed.
MEDIA_ROOT = Path(env.str("ICSAT_UPLOAD_DIR", default=str(VAR_DIR / "uploads")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_PERMISSIONS = 0o640

# --- icsat limits -----------------------------------------------------------
ICSAT_BASE_URL = env.str("ICSAT_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
ICSAT_MAX_UPLOAD_MB = env.int("ICSAT_MAX_UPLOAD_MB", default=25)
ICSAT_MAX_FILES_PER_UPLOAD = env.int("ICSAT_MAX_FILES_PER_UPLOAD", default=10)
ICSAT_PAGE_SIZE = env.int("ICSAT_PAGE_SIZE", default=25)
ICSAT_MIN_RESPONSES = env.int("ICSAT_MIN_RESPONSES", default=5)
# Days a follow-up of a low score has before it is overdue (loop).
ICSAT_FOLLOW_UP_DAYS = env.int("ICSAT_FOLLOW_UP_DAYS", default=5)
ICSAT_HR_ADMIN_GROUP = "HR admins"
# Multipart bodies up to the file limit times the files allowed in one form.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail -----------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="icsat <icsat@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if env.str("EMAIL_URL", default=""):
    _email = env.email_url("EMAIL_URL")
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email.get("EMAIL_HOST") or "localhost",
                "port": _email.get("EMAIL_PORT") or 25,
                "username": _email.get("EMAIL_HOST_USER") or None,
                "password": _email.get("EMAIL_HOST_PASSWORD") or None,
                "use_tls": bool(_email.get("EMAIL_USE_TLS")),
                "use_ssl": bool(_email.get("EMAIL_USE_SSL")),
                "timeout": env.int("EMAIL_TIMEOUT", default=10),
            },
        }
    }
else:
    # One readable .eml file per message, so a person can open what was sent.
    MAILERS = {
        "default": {
            "BACKEND": "icsat.mail.EmlFileBackend",
            "OPTIONS": {"directory": env.str("ICSAT_MAIL_DIR", default=str(VAR_DIR / "mail"))},
        }
    }

# --- Cache (the throttles' counters) --------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")


def cache_config(redis_url: str, var_dir: Path, redis_db: int = 1) -> dict:
    """Redis when there is one (a database of its own, not the broker's), else files under
    var/: either way every web process counts the same attempts."""
    if redis_url:
        location = urlunsplit(urlsplit(redis_url)._replace(path=f"/{redis_db}"))
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": location,
                # A hanging Redis must not hold a page: the dashboards then decide for
                # themselves (insights.scorecards.shared_decisions).
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        }
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(var_dir / "cache"),
            # Culling drops a third of the files at random: keep it for real overflow.
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }


CACHES = cache_config(REDIS_URL, VAR_DIR, env.int("ICSAT_CACHE_REDIS_DB", default=1))

# --- Celery -----------------------------------------------------------------
BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Longer than the longest ETA or retry backoff, so a message waiting
        # for its ETA is not redelivered to a second worker meanwhile.
        "visibility_timeout": 6 * 3600,
        "socket_timeout": 5,
        "socket_connect_timeout": 5,
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    for _sub in ("queue", "control"):
        (BROKER_DIR / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 5
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "close-resolved-tickets": {
        "task": "requests_app.tasks.close_resolved_tickets",
        "schedule": 15 * 60,
    },
    # Retries, sends the broker missed and dead workers' claims, handed out to the workers.
    "dispatch-due-emails": {
        "task": "outbox.tasks.dispatch_due_emails",
        "schedule": 30,
    },
    "dispatch-due-invitations": {
        "task": "surveys.tasks.dispatch_due_invitations",
        "schedule": 60,
    },
    "send-survey-reminders": {
        "task": "surveys.tasks.send_survey_reminders",
        "schedule": 15 * 60,
    },
    "expire-invitations": {
        "task": "surveys.tasks.expire_invitations",
        "schedule": 15 * 60,
    },
    # Hourly, though it tells each week once: a beat that was down on Monday catches up.
    "send-anonymous-digests": {
        "task": "surveys.tasks.send_anonymous_digests",
        "schedule": 60 * 60,
    },
    # Hourly too: each reader's week is told once, the first run of the week (Monday).
    "send-weekly-digests": {
        "task": "insights.tasks.send_weekly_digests",
        "schedule": 60 * 60,
    },
}

# --- Security ---------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Single sign-on (OpenID Connect) -----------------------------------------------
# Off unless ICSAT_OIDC_ISSUER is set; then the client and the endpoints are required.
# README: "Single sign-on (OpenID Connect)". The endpoints are variables of their own, not
# discovered from ISSUER/.well-known/openid-configuration at startup: a provider that is
# slow or down would stop every web process from starting, and what icsat trusts would
# change with whatever that URL answered. `manage.py sso_discover` prints them once.
ICSAT_OIDC_ISSUER = env.str("ICSAT_OIDC_ISSUER", default="")
ICSAT_SSO = bool(ICSAT_OIDC_ISSUER)


def _sso_setting(name: str) -> str:
    return env.str(name) if ICSAT_SSO else env.str(name, default="")


# mozilla-django-oidc's names (it reads them when each request needs them).
OIDC_RP_CLIENT_ID = _sso_setting("ICSAT_OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = _sso_setting("ICSAT_OIDC_CLIENT_SECRET")
OIDC_OP_AUTHORIZATION_ENDPOINT = _sso_setting("ICSAT_OIDC_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = _sso_setting("ICSAT_OIDC_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = _sso_setting("ICSAT_OIDC_USERINFO_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = _sso_setting("ICSAT_OIDC_JWKS_ENDPOINT")
OIDC_RP_SIGN_ALGO = env.str("ICSAT_OIDC_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("ICSAT_OIDC_SCOPES", default="openid email profile")
OIDC_USE_PKCE = True  # also for a confidential client: a stolen code is useless alone
OIDC_TIMEOUT = env.int("ICSAT_OIDC_TIMEOUT", default=10)
OIDC_AUTHENTICATION_CALLBACK_URL = "sso:callback"
# Optional: with it, signing out of icsat also ends the session at the provider.
ICSAT_OIDC_END_SESSION_ENDPOINT = env.str("ICSAT_OIDC_END_SESSION_ENDPOINT", default="")
ICSAT_OIDC_PROVIDER_NAME = env.str("ICSAT_OIDC_PROVIDER_NAME", default="") or _(
    "your company account"
)
ICSAT_OIDC_EMAIL_CLAIM = env.str("ICSAT_OIDC_EMAIL_CLAIM", default="email")
ICSAT_OIDC_GIVEN_NAME_CLAIM = env.str("ICSAT_OIDC_GIVEN_NAME_CLAIM", default="given_name")
ICSAT_OIDC_FAMILY_NAME_CLAIM = env.str("ICSAT_OIDC_FAMILY_NAME_CLAIM", default="family_name")
ICSAT_OIDC_LOCALE_CLAIM = env.str("ICSAT_OIDC_LOCALE_CLAIM", default="locale")
ICSAT_OIDC_DEPARTMENT_CLAIM = env.str("ICSAT_OIDC_DEPARTMENT_CLAIM", default="")
ICSAT_OIDC_CREATE_USERS = env.bool("ICSAT_OIDC_CREATE_USERS", default=False)
ICSAT_PASSWORD_LOGIN = env.bool("ICSAT_PASSWORD_LOGIN", default=True)
if not ICSAT_PASSWORD_LOGIN and not ICSAT_SSO:
    raise ImproperlyConfigured(
        "ICSAT_PASSWORD_LOGIN=off needs single sign-on (ICSAT_OIDC_ISSUER): nobody could sign in."
    )
if ICSAT_SSO:
    # Axes first, guarding the password backend; without password sign-in Django's
    # password backend goes, so no password form (the admin's included) can sign anyone in.
    AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        *(["requests_app.backends.PasswordBackend"] if ICSAT_PASSWORD_LOGIN else []),
        "sso.backends.OidcBackend",
    ]
    if ICSAT_OIDC_END_SESSION_ENDPOINT:
        # The sign-out form's redirect goes on to the provider: form-action covers redirects.
        _end_session = urlsplit(ICSAT_OIDC_END_SESSION_ENDPOINT)
        SECURE_CSP["form-action"] = [
            CSP.SELF,
            urlunsplit((_end_session.scheme, _end_session.netloc, "", "", "")),
        ]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Survey pipeline ----------------------------------------------------------
ICSAT_SURVEY_MAX_ATTEMPTS = env.int("ICSAT_SURVEY_MAX_ATTEMPTS", default=6)
# A send claimed longer ago than this belongs to a worker that died: send again.
ICSAT_SURVEY_LEASE_SECONDS = env.int("ICSAT_SURVEY_LEASE_SECONDS", default=60)
ICSAT_SURVEY_BACKOFF_SECONDS = env.int("ICSAT_SURVEY_BACKOFF_SECONDS", default=60)

# --- Publishing to the broker (outbox/publishing.py) ------------------------------
# How long a request waits for the broker to take a message before leaving its row to the
# dispatcher, and how long after a refusal no message is tried.
ICSAT_BROKER_PUBLISH_WAIT = env.float("ICSAT_BROKER_PUBLISH_WAIT", default=0.05)
ICSAT_BROKER_RETRY_AFTER = env.float("ICSAT_BROKER_RETRY_AFTER", default=10.0)

# --- Outbox (every e-mail) -------------------------------------------------------
ICSAT_OUTBOX_MAX_ATTEMPTS = env.int("ICSAT_OUTBOX_MAX_ATTEMPTS", default=8)
# Longer than a send can take (EMAIL_TIMEOUT per connection step): a claim older than
# this belongs to a worker that died mid-send, and the dispatcher hands it out again.
ICSAT_OUTBOX_LEASE_SECONDS = env.int("ICSAT_OUTBOX_LEASE_SECONDS", default=60)
ICSAT_OUTBOX_BACKOFF_SECONDS = env.int("ICSAT_OUTBOX_BACKOFF_SECONDS", default=30)

# --- Provisioning (SCIM 2.0) -------------------------------------------------------
# The most resources one list page returns (advertised in /scim/v2/ServiceProviderConfig).
ICSAT_SCIM_MAX_PAGE_SIZE = env.int("ICSAT_SCIM_MAX_PAGE_SIZE", default=200)
