"""Turn DATABASE_URL into Django's DATABASES, with the connection policy of ADR-0003.

SQLite is configured so that concurrent writers wait for each other instead of failing:
* ``transaction_mode=IMMEDIATE`` takes the write lock at BEGIN. With the default
  (DEFERRED) a transaction that reads and then writes upgrades its lock late, and when
  two overlap SQLite cannot wait (it would deadlock), so one fails at once with
  "database is locked" whatever the busy timeout says.
  https://docs.djangoproject.com/en/6.1/ref/databases/#database-is-locked-errors
* ``journal_mode=WAL`` lets readers go on while one writer writes.
* ``timeout`` is the busy timeout: how long a writer waits for the lock.
* The engine is Django's with one addition (project/sqlite/base.py): the write
  transactions of one process queue on a lock of their own before BEGIN, so that each
  commit hands SQLite's lock to the next writer at once instead of to whichever of them
  next wakes from SQLite's busy-handler sleep.

PostgreSQL uses Django's psycopg pool. Under ASGI every sync request runs on a thread of
its own, so persistent connections (CONN_MAX_AGE > 0) pile up one per thread; the pool
bounds them instead, and CONN_MAX_AGE must be 0 with it. A WSGI deployment (gunicorn
threads, ADR-0004's P0) may turn the pool off and keep per-thread persistent connections:
DB_POOL=false DB_CONN_MAX_AGE=60.

The ``readonly`` alias is the same database opened read-only (or a replica, with
DATABASE_READONLY_URL): public GET requests read through it (project/readonly.py), so the
web layer can never take a write lock that holds up the batch pipeline.
"""

import copy
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_float, env_int, env_str

SQLITE_ENGINE = "project.sqlite"


def database_from_url(url: str, *, base_dir: Path) -> dict[str, Any]:
    """Build one read-write DATABASES entry from a URL (sqlite:///path or postgres://...)."""
    try:
        config: dict[str, Any] = dj_database_url.parse(url)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
    engine = config["ENGINE"]
    conn_max_age = env_int("DB_CONN_MAX_AGE", 0)
    if engine == "django.db.backends.sqlite3":
        name = Path(config["NAME"])
        if not name.is_absolute():
            name = base_dir / name
        config["NAME"] = str(name)
        config["ENGINE"] = SQLITE_ENGINE
        journal_mode = env_str("SQLITE_JOURNAL_MODE", "WAL")
        config["OPTIONS"] = {
            # Overridable only so the regression tests can reproduce the broken defaults.
            "transaction_mode": env_str("SQLITE_TRANSACTION_MODE", "IMMEDIATE"),
            "timeout": env_float("SQLITE_BUSY_TIMEOUT_S", 20.0),
            # SQLITE_EXTRA_PRAGMAS: more per-connection pragmas (e.g. "PRAGMA cache_size=-64000").
            "init_command": ";".join(
                filter(
                    None,
                    (
                        f"PRAGMA journal_mode={journal_mode}",
                        "PRAGMA synchronous=NORMAL",
                        env_str("SQLITE_EXTRA_PRAGMAS", ""),
                    ),
                )
            ),
        }
    elif engine == "django.db.backends.postgresql":
        config["OPTIONS"] = dict(config.get("OPTIONS", {}))
        if env_bool("DB_POOL", True):
            if conn_max_age:
                raise ImproperlyConfigured(
                    "DB_CONN_MAX_AGE must be 0 with the connection pool; set DB_POOL=false "
                    "for persistent per-thread connections (WSGI only, see ADR-0003)."
                )
            config["OPTIONS"]["pool"] = pool_options()
    else:
        raise ImproperlyConfigured(f"Piezo supports SQLite and PostgreSQL, not {engine}.")
    config["CONN_MAX_AGE"] = conn_max_age
    config["CONN_HEALTH_CHECKS"] = True
    config["ATOMIC_REQUESTS"] = False
    return config


def pool_options() -> dict[str, Any]:
    """psycopg_pool sizes per worker process, from the environment."""
    return {
        "min_size": env_int("DB_POOL_MIN_SIZE", 2),
        "max_size": env_int("DB_POOL_MAX_SIZE", 10),
        # How long a request waits for a free connection before it fails (503).
        "timeout": env_float("DB_POOL_TIMEOUT_S", 10.0),
        # Recycle connections so a failover or a config reload reaches them all.
        "max_lifetime": env_float("DB_POOL_MAX_LIFETIME_S", 1800.0),
        "max_idle": env_float("DB_POOL_MAX_IDLE_S", 300.0),
    }


ASYNC_ENGINE = "django_async_backend.db.backends.postgresql"


def async_driver_enable(
    databases: dict[str, dict[str, Any]], *, setting: str, interface: str
) -> tuple[str, ...]:
    """ADR-0007's P4: django-async-backend's engine, whose async connections (psycopg's
    AsyncConnection from an AsyncConnectionPool with the alias's pool sizes) serve the public
    reads on the ``readonly`` alias without a thread. Returns the aliases it serves.

    ``default`` gets the engine too, though nothing reads through it asynchronously: the
    driver's query code consults the default alias's features (an empty-string lookup does)
    and fails without it. Sync code keeps Django's own wrapper on both aliases.
    PostgreSQL under ASGI only: SQLite has no such driver, and under WSGI there is no event
    loop to keep a connection on."""
    if setting not in ("on", "off"):
        raise ImproperlyConfigured(f"DB_ASYNC_DRIVER={setting!r}: use on or off.")
    postgres = [
        config["ENGINE"] == "django.db.backends.postgresql" for config in databases.values()
    ]
    if setting == "off" or interface == "wsgi" or not all(postgres):
        return ()
    for config in databases.values():
        config["ENGINE"] = ASYNC_ENGINE
    return ("readonly",)


def readonly_database(
    default: dict[str, Any], *, url: str | None, base_dir: Path
) -> dict[str, Any]:
    """The read-only alias: a replica's URL, or the default database opened read-only."""
    config = database_from_url(url, base_dir=base_dir) if url else copy.deepcopy(default)
    if config["ENGINE"] == SQLITE_ENGINE:
        # mode=ro: SQLite itself refuses writes. Django opens SQLite names as URIs.
        config["NAME"] = f"file:{config['NAME']}?mode=ro"
        config["OPTIONS"] = {
            "timeout": config["OPTIONS"]["timeout"],
            # No transaction_mode: IMMEDIATE would try to take the write lock.
            "init_command": "PRAGMA query_only=ON",
        }
    else:
        options = dict(config["OPTIONS"])
        options["options"] = (
            options.get("options", "") + " -c default_transaction_read_only=on"
        ).strip()
        if "pool" in options:
            options["pool"] = {
                **options["pool"],
                "max_size": env_int("DB_READONLY_POOL_MAX_SIZE", options["pool"]["max_size"]),
            }
        config["OPTIONS"] = options
    config["TEST"] = {"MIRROR": "default"}
    return config
