"""Settings of the basisjeugdhulp register.

Every value comes from the environment with a safe default for a first run (SQLite, photos on
disk, DEBUG off). ``PRODUCTION=1`` switches on the deployment settings and makes the database,
object storage, secret key and host names required: a missing one stops the start-up with the
variable's name. All variables are documented in docs/configuration.md.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from botocore.config import Config as BotoConfig
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from basisjeugdhulp.env import env, envbool, envint, envlist

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env("VAR_DIR", BASE_DIR / "var"))

PRODUCTION = envbool("PRODUCTION", False)
DEBUG = envbool("DEBUG", False)

SECRET_KEY = env("SECRET_KEY", required=PRODUCTION) or "django-insecure-only-for-the-demo-and-tests"
# The key of the keyed hash that recognises a returning family (intake/family_keys.py).
FAMILY_KEY_SECRET = env("FAMILY_KEY_SECRET", required=PRODUCTION) or f"family-key:{SECRET_KEY}"
# The key of the access log's hash chain (audit/chain.py): whoever lacks it cannot forge or
# re-chain entries. Set once, never change it: the entries written before would no longer verify.
ACCESS_LOG_KEY = env("ACCESS_LOG_KEY", required=PRODUCTION) or f"access-log:{SECRET_KEY}"
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", () if PRODUCTION else ("127.0.0.1", "localhost"))
if PRODUCTION and not ALLOWED_HOSTS:
    env("ALLOWED_HOSTS", required=True)
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Django's admin on the register's own site (accounts/admin_site.py).
    "basisjeugdhulp.accounts.apps.RegisterAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "basisjeugdhulp.accounts",
    "basisjeugdhulp.teams",
    "basisjeugdhulp.intake",
    "basisjeugdhulp.trajectories",
    "basisjeugdhulp.plans",
    "basisjeugdhulp.safety",
    "basisjeugdhulp.reporting",
    "basisjeugdhulp.audit",
    "basisjeugdhulp.cbs",
    "basisjeugdhulp.letters",
    "basisjeugdhulp.demo",
    "basisjeugdhulp.evaluation",
    "matching",
]

# Overload: a request the proxy queued longer than this (X-Request-Start) is answered with the
# Dutch 503 "Het is nu erg druk" instead of being served late (docs/configuration.md). 0: off.
QUEUE_BUDGET_MS = envint("QUEUE_BUDGET_MS", 250)
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A request that waited in the queue past QUEUE_BUDGET_MS gets the Dutch "erg druk" 503 at
    # once, before the session or the database is touched (basisjeugdhulp/shedding.py); static
    # files (the busy page's stylesheet) are still served, they cost next to nothing.
    "basisjeugdhulp.shedding.QueueTimeSheddingMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "basisjeugdhulp.accounts.language.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "basisjeugdhulp.accounts.idle.IdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "basisjeugdhulp.accounts.errors.DutchErrorPagesMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "basisjeugdhulp.accounts.access.AccessPolicyMiddleware",
    "basisjeugdhulp.accounts.kept_forms.FormPageMiddleware",
    # A write that meets a destroyed file: a Dutch page, nothing written (intake/file_lock.py).
    "basisjeugdhulp.intake.file_lock.DestroyedFileMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

# Repeated failed logins lock that username from that client for a while (django-axes): a
# shared tablet is not locked for everyone by one person's typos, and nobody elsewhere can lock
# a colleague out. Many failures from one address, whatever the usernames (password spraying),
# lock that address for all (accounts/lockout.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend; the user is loaded with their roles in one query per request.
    "basisjeugdhulp.accounts.backends.RegisterBackend",
]
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)  # per username and address
LOGIN_ADDRESS_FAILURE_LIMIT = envint("LOGIN_ADDRESS_FAILURE_LIMIT", 25)  # per address, any usernames
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], ["ip_address"]]
AXES_HANDLER = "basisjeugdhulp.accounts.lockout.LockoutHandler"
AXES_RESET_ON_SUCCESS = True  # only that user's failures from that address (accounts/lockout.py)
AXES_LOCKOUT_CALLABLE = "basisjeugdhulp.accounts.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "basisjeugdhulp.client_address.client_address"
AXES_VERBOSE = False
# The reverse proxies in front of gunicorn that each add the address they were reached from to
# X-Forwarded-For: the client's address is read from there (basisjeugdhulp/client_address.py).
PROXY_COUNT = envint("PROXY_COUNT", 1 if PRODUCTION and envbool("BEHIND_TLS_PROXY", True) else 0)
OTP_TOTP_ISSUER = "Basisjeugdhulp register"
# NEN 7510-2 / Wegiz practice: two factors for everyone who reaches health data. On (outside
# DEBUG) the triagist, jeugdprofessional, tweede lezer and beheerder enter an authenticator
# app's code after their password, whatever the per-role rules say (accounts/second_factor.py).
# The access log and the admin ask for it whatever this says. `make demo` turns it off.
SECOND_FACTOR_REQUIRED = envbool("SECOND_FACTOR_REQUIRED", not DEBUG)
# An authenticator's secret and QR code are shown to its owner only, once, while setting it up.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

ROOT_URLCONF = env("ROOT_URLCONF", "basisjeugdhulp.urls")  # bench/throughput.py adds reference views
WSGI_APPLICATION = "basisjeugdhulp.wsgi.application"

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
                "basisjeugdhulp.accounts.context_processors.navigation",
                "basisjeugdhulp.accounts.kept_forms.kept_form",
            ],
        },
    },
]

# Form widgets are drawn with Django's own Jinja2 copies of its widget templates (same HTML,
# half the time; basisjeugdhulp/form_rendering.py). The register's own templates stay Django's.
FORM_RENDERER = "basisjeugdhulp.form_rendering.WidgetsInJinja2"

# Database: SQLite file for a first run, PostgreSQL (psycopg 3) when DATABASE_URL says so.
# Connections stay open between requests: a new PostgreSQL connection costs ~3 ms
# (shared/PERFORMANCE.md).
DATABASE_URL = env("DATABASE_URL", required=PRODUCTION)
if not DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{VAR_DIR / 'register.sqlite3'}",
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Bounded waits (docs/configuration.md, "Bounded waits"): a database that does not answer a
    # connect, or a statement that hangs (a lock never released, a runaway query), ends in a Dutch
    # 503 well within gunicorn's 30 s worker timeout instead of holding the worker. 0 switches a
    # limit off (e.g. for a long maintenance job).
    DATABASES["default"]["OPTIONS"] = {
        "connect_timeout": envint("DATABASE_CONNECT_TIMEOUT", 5),
        "options": f"-c statement_timeout={envint('DATABASE_STATEMENT_TIMEOUT', 15) * 1000}",
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and envbool(
    "DATABASE_PREPARED_STATEMENTS", True
):
    # Server-side prepared statements: a query a connection has run five times is no longer
    # planned again. Planning a family file's select_related joins cost more than running them
    # (2–3 ms against 0.3 ms at 1 M trajectories). Off behind a pooler in transaction mode.
    DATABASES["default"]["OPTIONS"].update({"server_side_binding": True, "prepare_threshold": 5})
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A transaction takes the write lock at its start: two requests cannot both read the access
    # log's last hash and then chain to it (audit/chain.py); no "database is locked" halfway.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE"}
# On PostgreSQL the application runs as a role that owns nothing and may only add to and read
# the access log; `manage.py migrate` connects as the owner of the tables with this URL and then
# grants the application's role its rights (audit/database_roles.py). Unset: one URL for both.
MIGRATE_DATABASE_URL = env("MIGRATE_DATABASE_URL")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Photo storage: S3-compatible object storage when S3_BUCKET is set, else a private folder on
# disk. Either way no file is ever reachable by URL; photos go through an access-checked view.
S3_BUCKET = env("S3_BUCKET", required=PRODUCTION)
# Seconds; the worst case of one storage call is S3_ATTEMPTS × (connect + read) + 1 s of backoff
# = 2 × (1 + 3) + 1 = 9 s, within the 10 s budget a user waits at most for a storage outage.
S3_CONNECT_TIMEOUT = envint("S3_CONNECT_TIMEOUT", 1)
S3_READ_TIMEOUT = envint("S3_READ_TIMEOUT", 3)
S3_ATTEMPTS = envint("S3_ATTEMPTS", 2)
S3_TIME_BUDGET = 10
if S3_BUCKET:
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("S3_ENDPOINT_URL"),
            "region_name": env("S3_REGION", "us-east-1"),
            "access_key": env("S3_ACCESS_KEY_ID", required=PRODUCTION),
            "secret_key": env("S3_SECRET_ACCESS_KEY", required=PRODUCTION),
            # Private objects; links, when issued at all, expire within a minute.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": envint("S3_URL_EXPIRE_SECONDS", 60),
            # Never replace another object under the same name (shared/SECURITY.md).
            "file_overwrite": False,
            # botocore waits 60 s and retries by default: a dead S3 would hang a request
            # for minutes. Fail within S3_TIME_BUDGET and tell the user instead (worst case:
            # attempts × (connect + read) + one backoff of at most 1 s; plans/checks.py warns
            # when the settings exceed it). `total_max_attempts` counts the first try;
            # `max_attempts` would count only the retries (2 meant three tries: 30 s, issue 21).
            # (With a client_config django-storages ignores its own signature and addressing
            # options: they go here.)
            "client_config": BotoConfig(
                signature_version="s3v4",
                s3={"addressing_style": env("S3_ADDRESSING_STYLE", "path")},
                connect_timeout=S3_CONNECT_TIMEOUT,
                read_timeout=S3_READ_TIMEOUT,
                retries={"total_max_attempts": S3_ATTEMPTS, "mode": "standard"},
            ),
        },
    }
else:
    DEFAULT_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "private-media", "base_url": "/niet-openbaar/"},
    }

# The A3 plan photo (basisjeugdhulp/plans/pipeline.py). The pixel limit sits well under
# Pillow's own 89.5 MP: a 48 MP phone camera passes, a decompression bomb does not.
PLAN_PHOTO_MAX_BYTES = envint("PLAN_PHOTO_MAX_MB", 25) * 1024 * 1024
PLAN_PHOTO_MAX_PIXELS = envint("PLAN_PHOTO_MAX_PIXELS", 60_000_000)
PLAN_PHOTO_LONG_SIDE = envint("PLAN_PHOTO_LONG_SIDE", 2400)
PLAN_PHOTO_THUMBNAIL_SIDE = envint("PLAN_PHOTO_THUMBNAIL_SIDE", 320)
PLAN_PHOTO_QUALITY = envint("PLAN_PHOTO_QUALITY", 85)
# The municipality's figures: how long (seconds) the running month may lag behind the register
# (reporting/monthly.py). The disclosure control itself has no setting: reporting/disclosure.py.
FIGURES_RUNNING_MONTH_DELAY = envint("FIGURES_RUNNING_MONTH_DELAY", 600)

# Jeugdwet art. 7.3.8 lid 3: a file is kept twenty years from its last change, then destroyed
# by `manage.py destroy_expired_files` / the task intake.tasks.destroy_expired_files, daily.
RETENTION_YEARS = envint("RETENTION_YEARS", 20)

# The half-yearly CBS delivery (basisjeugdhulp/cbs, issue 27). Basis jeugdhulp asks no BSN by
# default; an organisation whose municipality wants exact linking turns CBS_BSN on, and then
# BSN_KEYS must hold one or more Fernet keys (comma-separated, the newest first: key rotation,
# docs/configuration.md). CBS_MUNICIPALITY_CODE stands in for an unknown postcode (protocol §2.5).
CBS_BSN = envbool("CBS_BSN", False)
CBS_ASK_SEX = envbool("CBS_ASK_SEX", False)
CBS_OUTCOMES = envbool("CBS_OUTCOMES", False)  # two optional outcome questions at close
BSN_KEYS = [key.strip() for key in (env("BSN_KEYS") or "").split(",") if key.strip()]  # also BSN_KEYS_FILE
CBS_MUNICIPALITY_CODE = env("CBS_MUNICIPALITY_CODE", "0014")

PLAN_PHOTO_MAX_FILES = 10  # per upload; parts over 2.5 MB spool to a temporary file

STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
    },
}

STATIC_URL = "static/"
# collectstatic's target, served by whitenoise in production; outside production whitenoise
# serves straight from the apps' and the project's static folders.
STATIC_ROOT = env("STATIC_ROOT", VAR_DIR / "static") if PRODUCTION else None
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = not PRODUCTION

# Accounts and login.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "login"
# Tablets at the WIJ entrance are shared: a session ends after 30 minutes without use
# (accounts/idle.py, which keeps a form sent just too late), after a working day at most, and
# when the browser closes.
SESSION_IDLE_SECONDS = envint("SESSION_IDLE_MINUTES", 30) * 60
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Language and time: Dutch first, English available.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# Content-Security-Policy (Django's own): scripts and styles only from our static files or
# with the per-request nonce, so no inline script or style can run.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
X_FRAME_OPTIONS = "DENY"
# An expired form: a Dutch page, and what was typed kept when it came from our own page.
CSRF_FAILURE_VIEW = "basisjeugdhulp.accounts.errors.csrf_failure"
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    if envbool("BEHIND_TLS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}

# --- The letter to the family (letters/) -------------------------------------------------------
# E-mail of the letter: Django's SMTP backend in production or when EMAIL_HOST is set (default
# localhost:25); outside production without EMAIL_HOST (the demo, the tests) the console.
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env("EMAIL_HOST", "localhost"), "port": envint("EMAIL_PORT", 25),
            "username": env("EMAIL_HOST_USER", ""), "password": env("EMAIL_HOST_PASSWORD", ""),
            "use_tls": envbool("EMAIL_USE_TLS", False), "timeout": envint("EMAIL_TIMEOUT", 10),
        },
    } if env("EMAIL_HOST") or PRODUCTION else {"BACKEND": "django.core.mail.backends.console.EmailBackend"},
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "WIJ Groningen <basisjeugdhulp@localhost>")
# What the letter tells the family: how to reach the team, the period to ask for a
# reconsideration, the independent vertrouwenspersoon and the complaints route.
LETTER_TEAM_PHONE = env("LETTER_TEAM_PHONE", "14 050")
LETTER_RECONSIDERATION_WEEKS = envint("LETTER_RECONSIDERATION_WEEKS", 6)
LETTER_CONFIDANT = env("LETTER_CONFIDANT", "AKJ (Advies- en Klachtenbureau Jeugdzorg), 088 555 1000, www.akj.nl")
LETTER_COMPLAINTS = env("LETTER_COMPLAINTS", "de klachtenfunctionaris van de gemeente Groningen, 14 050, www.gemeente.groningen.nl/klacht")
