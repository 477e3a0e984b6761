"""Settings, read from the environment with safe defaults.

DATABASE_URL   default: an SQLite file under var/ (WAL, busy timeout, immediate transactions)
SECRET_KEY     default: generated on first run and kept in var/secret_key
DEBUG          default: off ("1", "true", "yes" or "on" turn it on)
ALLOWED_HOSTS  default: localhost only; comma-separated
CHALLENGELOG_VAR_DIR  where the SQLite file and the generated key live (default: ./var)
SITE_URL       the address people use, for links in e-mails (default: http://localhost:8000)
EMAIL_HOST     an SMTP server: set it and e-mail is sent by SMTP; unset, it is printed to the
               console. With EMAIL_PORT (587), EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
               EMAIL_USE_TLS (on), EMAIL_USE_SSL, EMAIL_TIMEOUT (30 s), DEFAULT_FROM_EMAIL.
HTTPS          default: on when ALLOWED_HOSTS is set and DEBUG is off (a real deployment):
               secure cookies, HSTS, redirect to https, X-Forwarded-Proto from the proxy
SESSION_IDLE_MINUTES  default 30: signed-in sessions end after this long without a request
PROTECTIVE_MARKING    default OFFICIAL-SENSITIVE: on every internal page and download
OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET  single sign-on through OpenID Connect (all
               three set turn it on); OIDC_LABEL, OIDC_EMAIL_CLAIM (email), OIDC_MFA_AMR (mfa)
"""

import datetime
import os
import re
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("CHALLENGELOG_VAR_DIR", Path.cwd() / "var")).resolve()


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # Written with owner-only permissions: the key signs sessions and reset links.
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


SECRET_KEY = _secret_key()
DEBUG = _flag("DEBUG")
# A real deployment names its hosts; it is then served over HTTPS behind a proxy.
HTTPS = _flag("HTTPS", default=bool(os.environ.get("ALLOWED_HOSTS")) and not DEBUG)
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "challengelog.accounts",
    "challengelog.register",
    "challengelog.importing",
    "challengelog.publishing",
    "challengelog.insights",
    "challengelog.followup",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "challengelog.api",
    "challengelog.ops",
    "challengelog.workspace",
    "challengelog.site",
    "challengelog.demo",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out sign-in first
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "challengelog.accounts.sso.Backend",  # only from the single sign-on callback
]
LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "my-work"
LOGOUT_REDIRECT_URL = "sign-in"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "challengelog.ops.security.SecurityHeaders",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Public pages already kept are answered here, before sessions and sign-in.
    "challengelog.site.views.PublicPages",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "challengelog.ops.security.IdleSessions",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "challengelog.accounts.twofactor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Two-factor sign-in (django-otp, an authenticator app's code): required for these roles and for
# superusers; anyone may turn it on. TWO_FACTOR_ROLES="" requires it of nobody.
TWO_FACTOR_ROLES = [
    role.strip()
    for role in os.environ.get("TWO_FACTOR_ROLES", "administrator,chair").split(",")
    if role.strip()
]
OTP_TOTP_ISSUER = "Challenge Log"

# Lock-out (django-axes): after SIGN_IN_ATTEMPTS failures for one e-mail address from one
# address, signing in is refused for LOCKOUT_MINUTES, the right password included.
AXES_FAILURE_LIMIT = int(os.environ.get("SIGN_IN_ATTEMPTS", 5))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LOCKOUT_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "challengelog.accounts.lockout.username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "challengelog.accounts.lockout.locked_out"
AXES_VERBOSE = False

# Single sign-on through OpenID Connect (challengelog/accounts/sso.py): on when the issuer, the
# client id and the client secret are set. People are matched by e-mail address to accounts an
# administrator made; sign-on makes none.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").strip()
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "").strip()
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "").strip()
OIDC_LABEL = os.environ.get("OIDC_LABEL", "").strip() or "Sign in with your organisation's account"
OIDC_EMAIL_CLAIM = os.environ.get("OIDC_EMAIL_CLAIM", "").strip() or "email"
# The `amr` values that mean the provider asked for a second factor (RFC 8176).
OIDC_MFA_AMR = [
    value.strip() for value in os.environ.get("OIDC_MFA_AMR", "mfa").split(",") if value.strip()
]
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "sso-callback"
OIDC_REDIRECT_REQUIRE_HTTPS = False  # the next page is on this site; its scheme is this site's
LOGIN_REDIRECT_URL_FAILURE = "sign-in"

# Each server process keeps recent public pages in memory (challengelog.site.views._kept):
# they change only at a publish, which makes new keys.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "challengelog",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("PUBLIC_CACHE_ENTRIES", 500))},
    }
}
# At most 500 pages of 256 KB each (a page of the log is about 60 KB): whatever addresses
# anyone asks for, a process keeps at most 128 MB.
PUBLIC_CACHE_MAX_BYTES = 256 * 1024

ROOT_URLCONF = "challengelog.urls"
WSGI_APPLICATION = "challengelog.wsgi.application"

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
                "challengelog.register.context_processors.staff_permissions",
            ],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        return dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "challengelog.sqlite3",
        "OPTIONS": {
            # WAL lets readers carry on while one writer writes; IMMEDIATE takes the write
            # lock at the start of a transaction so two writers queue instead of failing.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
        # Kept open between requests, as for PostgreSQL: opening one and running its PRAGMAs
        # cost more than the query of a page answered from the cache.
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise looks here first
STATICFILES_DIRS = [BASE_DIR / "static"]

# Uploaded evidence lives here, outside the web root: it is served only through a view that
# checks who is asking.
MEDIA_ROOT = VAR_DIR / "files"
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))

# Static files: WhiteNoise serves them. `challengelog serve` collects them first and turns on
# compressed files with hashed names (cached for a year); elsewhere they come straight from
# the source folders.
STATIC_MANIFEST = _flag("STATIC_MANIFEST")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
# Source maps and files already compressed are not worth compressing again.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = ["map", "png", "jpg", "gif", "woff", "woff2", "gz", "br"]

# Sessions end after SESSION_IDLE_MINUTES without a request (the expiry moves on at most once
# a minute: see ops.security.IdleSessions), and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", 30)) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# The protective marking on internal pages and downloads (letters, digits, spaces, - : / ( )).
PROTECTIVE_MARKING = os.environ.get("PROTECTIVE_MARKING", "OFFICIAL-SENSITIVE").strip()
if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 :/()-]{0,59}", PROTECTIVE_MARKING):
    raise ImproperlyConfigured(
        f"PROTECTIVE_MARKING “{PROTECTIVE_MARKING[:80]}” is not a marking: use up to 60 "
        "letters, digits, spaces and - : / ( ), for example OFFICIAL-SENSITIVE"
    )

# Security headers (ops.security adds the Content-Security-Policy and Permissions-Policy).
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Behind the proxy, the person's address is the last the proxy adds.
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    AXES_IPWARE_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", 1))

# Imports larger than this are refused before they are read.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", 20 * 1024 * 1024))

# E-mail: notices and digests. Printed to the console unless an SMTP server is configured.
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 587))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_SSL = _flag("EMAIL_USE_SSL")
EMAIL_USE_TLS = _flag("EMAIL_USE_TLS", default=not EMAIL_USE_SSL)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", 30))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "challenge-log@localhost")

# The API: tokens (or the web session), JSON only, errors in words.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "challengelog.api.authentication.BearerToken",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "challengelog.api.errors.handle",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Challenge Log API",
    "DESCRIPTION": "The challenge log of a safeguarding partnership: the published log for "
    "anyone, the internal log for staff with an API token, sent as the header "
    '"Authorization: Bearer" followed by the token.',
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"ChallengeStatus": "challengelog.register.models.Challenge.Status"},
}
