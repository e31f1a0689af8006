"""Pick the database for a test run before pytest-django configures Django.

`pytest` runs on SQLite (a file under var/); `pytest --database=postgres` starts a
throwaway PostgreSQL cluster (tests/support/pgcluster.py), points DATABASE_URL at it,
and removes it at the end. Without PostgreSQL binaries the PostgreSQL run is skipped
with a message saying how to enable it, except under CI=true, where it fails.
"""

import os
from pathlib import Path

import pytest

from tests.support.pgcluster import PostgresCluster, postgres_bin_dir

IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database",
        choices=("sqlite", "postgres"),
        default="sqlite",
        help="Run the suite on SQLite (default) or on a throwaway PostgreSQL cluster.",
    )
    parser.addoption(
        "--async-driver",
        choices=("on", "off"),
        default="on",
        help="DB_ASYNC_DRIVER for the servers the tests start (ADR-0007's P4 on PostgreSQL; "
        "default on, as in production). The test process itself reads through P2.",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, parser, args) -> None:
    backend = early_config.known_args_namespace.database
    # The servers (tests/support/server.py) get the P4 switch; this process keeps P2: the
    # async driver's connections would not follow the test database's renaming and mirror.
    os.environ["PIEZO_SERVERS_ASYNC_DRIVER"] = early_config.known_args_namespace.async_driver
    os.environ["DB_ASYNC_DRIVER"] = "off"
    early_config.stash[CLUSTER] = None
    early_config.stash[UNAVAILABLE] = None
    if backend == "sqlite":
        var_dir = Path(__file__).resolve().parents[2] / "var"
        var_dir.mkdir(exist_ok=True)
        # The test database itself is settings.DATABASES["default"]["TEST"]["NAME"].
        os.environ["DATABASE_URL"] = f"sqlite:///{var_dir / 'piezo-test.sqlite3'}"
        return
    if postgres_bin_dir() is None:
        message = (
            "PostgreSQL is not installed, so the PostgreSQL run is skipped. Install it "
            "(Debian: apt-get install postgresql-15) and run `pytest --database=postgres`."
        )
        if IN_CI:
            raise pytest.UsageError("CI=true: " + message)
        early_config.stash[UNAVAILABLE] = message
        return
    cluster = PostgresCluster().start()
    early_config.stash[CLUSTER] = cluster
    os.environ["DATABASE_URL"] = cluster.url


CLUSTER = pytest.StashKey["PostgresCluster | None"]()
UNAVAILABLE = pytest.StashKey["str | None"]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    message = config.stash.get(UNAVAILABLE, None)
    if message:
        for item in items:
            item.add_marker(pytest.mark.skip(reason=message))


def pytest_report_header(config: pytest.Config) -> str:
    cluster = config.stash.get(CLUSTER, None)
    if cluster:
        return (
            f"database: PostgreSQL (throwaway cluster on port {cluster.port}); "
            f"servers' async driver: {config.getoption('async_driver')}"
        )
    return f"database: {config.getoption('database')}"


def pytest_unconfigure(config: pytest.Config) -> None:
    cluster = config.stash.get(CLUSTER, None)
    if cluster:
        cluster.remove()


@pytest.fixture(scope="session")
def pg_cluster(request: pytest.FixtureRequest) -> PostgresCluster:
    """The PostgreSQL cluster of this run (only in `--database=postgres` runs)."""
    cluster = request.config.stash.get(CLUSTER, None)
    if cluster is None:
        pytest.fail("pg_cluster needs `pytest --database=postgres`.")
    return cluster
