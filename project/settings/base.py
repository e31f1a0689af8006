"""Settings shared by every environment. Values that differ between deployments come
from the environment (see env.py); the per-environment modules only pick defaults."""

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .database import async_driver_enable, database_from_url, readonly_database
from .env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "axes",
    "simple_history",
    "apps.monitoring",
    "apps.api",
    "apps.pipeline",
    "apps.ops",
    "apps.live",
    "apps.web",
]

MIDDLEWARE = [
    "apps.api.middleware.request_id_middleware",
    "project.storable.storable_input_middleware",
    "project.readonly.readonly_reads_middleware",
    # Django's own, with their in-memory hooks run on the event loop (project/middleware.py).
    "project.middleware.Security",
    "project.middleware.Session",
    "project.middleware.Common",
    "project.middleware.Csrf",
    "project.middleware.Authentication",
    "project.middleware.Messages",
    # Who made a change, for the audit trail (django-simple-history reads the request's user).
    "simple_history.middleware.HistoryRequestMiddleware",
    "project.middleware.XFrameOptions",
    # Last, as django-axes asks: turns a locked-out login into the 429 below.
    "axes.middleware.AxesMiddleware",
]

# Django's deploy checks find these middleware by dotted path only; piezo.W003 makes the
# same demand of project/middleware.py's subclasses.
SILENCED_SYSTEM_CHECKS = ["security.W001", "security.W002", "security.W003"]

ROOT_URLCONF = "project.urls"
ASGI_APPLICATION = "project.asgi.application"
WSGI_APPLICATION = "project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "project" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'piezo.sqlite3'}"), base_dir=BASE_DIR
    ),
}
DATABASES["readonly"] = readonly_database(
    DATABASES["default"], url=env_str("DATABASE_READONLY_URL", "") or None, base_dir=BASE_DIR
)
DATABASE_ROUTERS = ["project.readonly.ReadOnlyRouter"]
# How many server processes and task workers share the database: the connection budget
# that `manage.py check` compares with PostgreSQL's max_connections (ADR-0003).
WEB_CONCURRENCY = env_int("WEB_CONCURRENCY", 1)
PIEZO_TASK_WORKERS = env_int("PIEZO_TASK_WORKERS", 0)
# Which interface serves this deployment: "asgi" (uvicorn; project/asgi.py sets it) or
# "wsgi" (gunicorn, ADR-0004's P0; project/wsgi.py sets it). A management command cannot
# tell by itself: the P0 recipe sets PIEZO_INTERFACE=wsgi for both (README), and the
# connection check says so when it is unset (ADR-0003).
PIEZO_INTERFACE = env_str("PIEZO_INTERFACE", "unknown")
# ADR-0007's P4: public reads on PostgreSQL through django-async-backend's asyncio
# connections instead of the async ORM's thread per query. "on" by default, from the
# measurements the ADR records; SQLite, WSGI and "off" keep P2's path. The aliases it serves
# (the read-only one, or none).
PIEZO_ASYNC_DRIVER_ALIASES = async_driver_enable(
    DATABASES, setting=env_str("DB_ASYNC_DRIVER", "on"), interface=PIEZO_INTERFACE
)
if PIEZO_ASYNC_DRIVER_ALIASES:
    INSTALLED_APPS.append("django_async_backend")
    # Its warning is about pools under WSGI, where Piezo never turns the driver on.
    ASYNC_BACKEND_DISABLE_POOL_WARNING = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "") or None
# Websocket events: in memory within one process, through Redis between worker processes.
# A short connect timeout: with Redis down, a write's on-commit publish fails fast (and is
# logged) instead of holding the request. The read timeout is the layer's own: it must
# outlast the blocking receive of an idle websocket (apps/live/layers.py, ADR-0006).
CHANNEL_LAYERS = {
    "default": (
        {
            "BACKEND": "apps.live.layers.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_connect_timeout": 1}],
                "capacity": 1000,
                "expiry": 30,
            },
        }
        if REDIS_URL
        else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    )
}

# Failed sign-ins (the admin's login form and POST /api/tokens) are counted per username and
# client address by django-axes, in the database: after PIEZO_LOGIN_FAILURE_LIMIT failures
# that pair is refused with 429 and Retry-After for PIEZO_LOGIN_COOLOFF_MINUTES, and each
# lockout is logged. `manage.py axes_reset` lifts them early.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("PIEZO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("PIEZO_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "project.lockout.lockout_response"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Naive field times (a logger's clock, a field sheet) are local to the monitoring
# programme, not to the server: importers read them in this zone unless told otherwise.
# A new well's release status (ADR-0012): private until a data manager releases it.
PIEZO_NEW_WELL_RELEASE = env_str("PIEZO_NEW_WELL_RELEASE", "private")
if PIEZO_NEW_WELL_RELEASE not in ("public", "private"):
    raise ImproperlyConfigured(
        f"PIEZO_NEW_WELL_RELEASE must be public or private, not {PIEZO_NEW_WELL_RELEASE!r}."
    )
PIEZO_LOCAL_TIMEZONE = env_str("PIEZO_LOCAL_TIMEZONE", "America/Denver")

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# uPlot, installed from the npm registry by `make setup` (package.json), served as
# /static/vendor/uplot/...; nothing is copied into the repository.
STATICFILES_DIRS = [("vendor/uplot", BASE_DIR / "node_modules" / "uplot" / "dist")]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # One line per request from loadcheck's client would drown its report.
        "httpx": {"level": "WARNING"},
        # Lockouts are warnings; its start-up banner and each failed attempt are not news.
        "axes": {"level": "WARNING"},
    },
}
# Rate limits, tuned per deployment: writes per user, token requests per client address.
PIEZO_WRITE_RATE = env_str("PIEZO_WRITE_RATE", "1200/m")
PIEZO_TOKEN_RATE = env_str("PIEZO_TOKEN_RATE", "5/m")
# The throttles count in the cache: shared by all workers through Redis when there is one.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Fail fast when Redis is away (the throttles then let requests through).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# The largest request body accepted (a batch of 10,000 readings is about 2 MB of JSON):
# project/bodylimit.py refuses bigger ones with 413 before reading them.
PIEZO_MAX_BODY_BYTES = env_int("PIEZO_MAX_BODY_BYTES", 10 * 1024 * 1024)
# Plausibility checks (apps/monitoring/plausibility.py): readings further than this from
# the well's two-year range (or half that range), or changing more than JUMP plus RATE per
# day since the previous reading, are stored with a warning flag.
PIEZO_PLAUSIBLE_MARGIN_FT = env_float("PIEZO_PLAUSIBLE_MARGIN_FT", 10.0)
PIEZO_PLAUSIBLE_JUMP_FT = env_float("PIEZO_PLAUSIBLE_JUMP_FT", 5.0)
PIEZO_PLAUSIBLE_RATE_FT_PER_DAY = env_float("PIEZO_PLAUSIBLE_RATE_FT_PER_DAY", 1.0)
# The loop guard (project/loopguard.py): log each stall of the event loop of this many ms
# or more with its route and stack. For development and tests; 0 turns it off.
PIEZO_LOOP_GUARD_MS = env_int("PIEZO_LOOP_GUARD_MS", 0)
DATA_UPLOAD_MAX_MEMORY_SIZE = PIEZO_MAX_BODY_BYTES
# Fetch mode for the read selectors' querysets (Django 6.1): FETCH_ONE is Django's default;
# the tests use FETCH_RAISE so that any lazy load on a read path fails.
PIEZO_READ_FETCH_MODE = env_str("PIEZO_READ_FETCH_MODE", "FETCH_ONE")
# Serve static files from the ASGI app (local and tests); production leaves it to the proxy.
PIEZO_SERVE_STATIC = env_bool("PIEZO_SERVE_STATIC", False)
