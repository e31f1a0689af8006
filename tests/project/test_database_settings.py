"""The concurrency settings are really in effect: read back from live connections."""

import os
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction

from project.settings.database import database_from_url


@pytest.mark.only_on("sqlite")
@pytest.mark.django_db
def test_sqlite_pragmas_are_in_effect():
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == 20_000


def _try_write_lock(path: str) -> str:
    """From a second connection, try to take the write lock without waiting."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return "acquired"
    except sqlite3.OperationalError as exc:
        return str(exc)
    finally:
        other.close()


@pytest.mark.only_on("sqlite")
@pytest.mark.django_db(transaction=True)
def test_sqlite_transactions_take_the_write_lock_at_begin():
    path = connection.settings_dict["NAME"]
    assert connection.transaction_mode == "IMMEDIATE"
    with transaction.atomic():
        # Nothing written yet: with DEFERRED the lock would still be free here.
        connection.cursor().execute("SELECT 1")
        assert _try_write_lock(path) == "database is locked"
    assert _try_write_lock(path) == "acquired"


@pytest.mark.only_on("sqlite")
@pytest.mark.django_db(transaction=True)
def test_a_deferred_transaction_would_not_hold_the_lock():
    """The control for the test above: a plain BEGIN leaves the lock free until the
    first write, which is how two read-then-write transactions end in 'locked'."""
    path = connection.settings_dict["NAME"]
    deferred = sqlite3.connect(path, isolation_level=None)
    try:
        deferred.execute("BEGIN")
        deferred.execute("SELECT 1").fetchall()
        assert _try_write_lock(path) == "acquired"
        deferred.execute("ROLLBACK")
    finally:
        deferred.close()


@pytest.mark.only_on("postgresql")
@pytest.mark.django_db(transaction=True)
def test_postgresql_uses_the_psycopg_pool():
    from psycopg_pool import ConnectionPool

    assert isinstance(connection.pool, ConnectionPool)
    assert connection.settings_dict["CONN_MAX_AGE"] == 0
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    before = connection.pool.get_stats().get("requests_num", 0)
    connection.close()  # returns the connection to the pool
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    # The new connection was taken from the pool, not opened by Django itself.
    assert connection.pool.get_stats()["requests_num"] > before
    connection.close()
    assert connection.pool.get_stats()["pool_available"] >= 1


def test_no_atomic_requests():
    assert settings.DATABASES["default"]["ATOMIC_REQUESTS"] is False


def test_postgres_url_gets_pool_sizes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DB_POOL_MAX_SIZE", "7")
    config = database_from_url("postgres://u:p@db.example:5433/piezo", base_dir=tmp_path)
    assert config["OPTIONS"]["pool"]["max_size"] == 7
    assert config["CONN_MAX_AGE"] == 0
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example", 5433, "piezo")


def test_relative_sqlite_path_is_under_the_project(tmp_path):
    config = database_from_url("sqlite:///var/x.sqlite3", base_dir=tmp_path)
    assert config["NAME"] == str(tmp_path / "var" / "x.sqlite3")
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_unsupported_database_is_refused(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="SQLite and PostgreSQL"):
        database_from_url("mysql://u:p@h/db", base_dir=tmp_path)


def _django_check(settings_module: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    environ.update(DJANGO_SETTINGS_MODULE=settings_module, **env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        capture_output=True,
        text=True,
        env=environ,
        cwd=settings.BASE_DIR,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _django_check("project.settings.production")
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable." in result.stderr


def test_production_starts_with_a_secret_key():
    result = _django_check("project.settings.production", SECRET_KEY="x" * 60)
    assert result.returncode == 0, result.stderr
