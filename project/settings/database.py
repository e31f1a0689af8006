"""Turn DATABASE_URL into Django's DATABASES entry, with the concurrency settings
that ADR-0003 explains.

SQLite is configured so that concurrent writers wait for each other instead of failing:
* ``transaction_mode=IMMEDIATE`` takes the write lock at BEGIN. With the default
  (DEFERRED) a transaction that reads and then writes upgrades its lock late, and when
  two overlap SQLite cannot wait (it would deadlock), so one fails at once with
  "database is locked" whatever the busy timeout says.
  https://docs.djangoproject.com/en/6.1/ref/databases/#database-is-locked-errors
* ``journal_mode=WAL`` lets readers go on while one writer writes.
* ``timeout`` is the busy timeout: how long a writer waits for the lock.

PostgreSQL uses Django's psycopg pool. Under ASGI every sync request runs on a thread
of its own, so persistent connections (CONN_MAX_AGE > 0) pile up one per thread;
the pool bounds them instead, and CONN_MAX_AGE must be 0 with it.
"""

from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .env import env_float, env_int

SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL")


def database_from_url(url: str, *, base_dir: Path) -> dict[str, Any]:
    """Build one DATABASES entry from a URL (sqlite:///path or postgres://...)."""
    try:
        config: dict[str, Any] = dj_database_url.parse(url)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
    engine = config["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        name = Path(config["NAME"])
        if not name.is_absolute():
            name = base_dir / name
        config["NAME"] = str(name)
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": env_float("SQLITE_BUSY_TIMEOUT_S", 20.0),
            "init_command": ";".join(SQLITE_PRAGMAS),
        }
    elif engine == "django.db.backends.postgresql":
        config["OPTIONS"] = {
            **config.get("OPTIONS", {}),
            "pool": {
                "min_size": env_int("DB_POOL_MIN_SIZE", 2),
                "max_size": env_int("DB_POOL_MAX_SIZE", 10),
                # How long a request waits for a free connection before it fails.
                "timeout": env_float("DB_POOL_TIMEOUT_S", 10.0),
                # Recycle connections so a failover or a config reload reaches them all.
                "max_lifetime": env_float("DB_POOL_MAX_LIFETIME_S", 1800.0),
                "max_idle": env_float("DB_POOL_MAX_IDLE_S", 300.0),
            },
        }
    else:
        raise ImproperlyConfigured(f"Piezo supports SQLite and PostgreSQL, not {engine}.")
    # The pool requires CONN_MAX_AGE=0; for SQLite a new connection is nearly free.
    config["CONN_MAX_AGE"] = 0
    config["CONN_HEALTH_CHECKS"] = True
    config["ATOMIC_REQUESTS"] = False
    return config
