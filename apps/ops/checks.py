"""System checks for the connection policy (ADR-0003) and the protective middleware, run
by `manage.py check`."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.utils.module_loading import import_string


@register("connections")
def connection_policy_check(app_configs, **kwargs):
    """Persistent connections leak under ASGI (one per request thread): refuse them there,
    allow them under WSGI (P0's per-thread connections), and say so when the interface is
    not known (a management command run without PIEZO_INTERFACE)."""
    persistent = [
        (alias, config["CONN_MAX_AGE"])
        for alias, config in settings.DATABASES.items()
        if config.get("CONN_MAX_AGE", 0) != 0
    ]
    if settings.PIEZO_INTERFACE == "wsgi" or not persistent:
        return []
    if settings.PIEZO_INTERFACE == "asgi":
        return [
            Error(
                f"DATABASES[{alias!r}]['CONN_MAX_AGE'] is {age} under ASGI.",
                hint=(
                    "Under ASGI every sync request runs on a new thread, and each thread "
                    "keeps its own persistent connection, so they pile up. Use "
                    "CONN_MAX_AGE=0 (with the psycopg pool on PostgreSQL). See ADR-0003."
                ),
                id="piezo.E001",
            )
            for alias, age in persistent
        ]
    return [
        Warning(
            f"CONN_MAX_AGE is {persistent[0][1]}, and PIEZO_INTERFACE does not say whether "
            "this deployment serves ASGI (where that is refused) or WSGI (where it is P0's "
            "per-thread connections).",
            hint="Set PIEZO_INTERFACE=wsgi beside DB_POOL=false DB_CONN_MAX_AGE=... for the "
            "WSGI deployment (README, ADR-0004's P0), or DB_CONN_MAX_AGE=0 for ASGI.",
            id="piezo.W004",
        )
    ]


def connection_policy_enforce() -> None:
    """Refuse to serve when the policy check errs: system checks do not run when uvicorn or
    gunicorn imports the application, so each entry point calls this itself."""
    errors = [m for m in connection_policy_check(None) if m.is_serious()]
    if errors:
        raise ImproperlyConfigured("\n".join(f"{m.id}: {m.msg} {m.hint}" for m in errors))


def connection_budget() -> int:
    """Connections this deployment may open: every worker's pools, plus task workers. An
    alias on the async driver (ADR-0007) has two pools of that size per process: Django's
    for its sync code and the driver's for async reads."""
    per_process = sum(
        config["OPTIONS"].get("pool", {}).get("max_size", 0)
        * (2 if alias in settings.PIEZO_ASYNC_DRIVER_ALIASES else 1)
        for alias, config in settings.DATABASES.items()
        if config["ENGINE"].endswith(".postgresql")
    )
    return per_process * (settings.WEB_CONCURRENCY + settings.PIEZO_TASK_WORKERS)


@register(Tags.database)
def connection_budget_check(app_configs, databases=None, **kwargs):
    """Warn when workers x pool sizes exceed what PostgreSQL accepts (max_connections).

    It asks the server, so, like Django's own database checks, it runs only when a database
    is named: by `migrate`, and by `check --database default`."""
    if "default" not in (databases or ()):
        return []
    if not settings.DATABASES["default"]["ENGINE"].endswith(".postgresql"):
        return []
    budget = connection_budget()
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SHOW max_connections")
            max_connections = int(cursor.fetchone()[0])
            cursor.execute("SHOW superuser_reserved_connections")
            reserved = int(cursor.fetchone()[0])
    except Exception as exc:  # the check must report, not crash, when the server is away
        return [
            Warning(
                f"Could not read max_connections from PostgreSQL ({type(exc).__name__}); "
                f"this deployment may open {budget} connections.",
                id="piezo.W002",
            )
        ]
    available = max_connections - reserved
    if budget > available:
        return [
            Warning(
                f"{settings.WEB_CONCURRENCY} worker(s) + {settings.PIEZO_TASK_WORKERS} task "
                f"worker(s) x pools may open {budget} connections, more than the "
                f"{available} PostgreSQL accepts (max_connections {max_connections} - "
                f"{reserved} reserved).",
                hint="Lower DB_POOL_MAX_SIZE or WEB_CONCURRENCY, raise max_connections, or "
                "put PgBouncer in front. See ADR-0003.",
                id="piezo.W001",
            )
        ]
    return []


# Django's deploy checks look for these by their dotted path; Piezo installs subclasses
# that run their hooks on the event loop (project/middleware.py), so it silences those
# three checks and makes the same demand here, subclasses included.
PROTECTIVE_MIDDLEWARE = {
    "security.W001": "django.middleware.security.SecurityMiddleware",
    "security.W002": "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "security.W003": "django.middleware.csrf.CsrfViewMiddleware",
}


@register("security", deploy=True)
def protective_middleware_check(app_configs, **kwargs):
    installed = [import_string(path) for path in settings.MIDDLEWARE]
    return [
        Warning(
            f"{required} (or a subclass) is not in MIDDLEWARE.",
            hint=f"Piezo replaces Django's {django_check}; see project/middleware.py.",
            id="piezo.W003",
        )
        for django_check, required in PROTECTIVE_MIDDLEWARE.items()
        if not any(
            isinstance(cls, type) and issubclass(cls, import_string(required)) for cls in installed
        )
    ]
