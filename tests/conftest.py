from datetime import date

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection

from apps.api.services import api_token_create
from apps.monitoring import services


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect (not skip) tests marked only_on another database vendor: the other run
    covers them, so a skip here would only hide nothing behind a warning.

    Also let every database test use the ``readonly`` alias, which public reads go through
    and which mirrors ``default`` in-process (the same connection, so tests see their own
    uncommitted data)."""
    selected, deselected = [], []
    for item in items:
        db_marker = item.get_closest_marker("django_db")
        if db_marker and "databases" not in db_marker.kwargs:
            transactional = db_marker.kwargs.get(
                "transaction", db_marker.args[0] if db_marker.args else False
            )
            # Prepended, so it is the closest marker even beside a function's own.
            item.add_marker(
                pytest.mark.django_db(transaction=transactional, databases="__all__"), append=False
            )
        marker = item.get_closest_marker("only_on")
        if marker and marker.args[0] != connection.vendor:
            deselected.append(item)
        else:
            selected.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.fixture(autouse=True)
def _vocabulary(request: pytest.FixtureRequest) -> None:
    """Transactional tests flush every table, including the lexicon and the roles that data
    migrations made; put them back so validation and permissions see them."""
    if request.node.get_closest_marker("django_db") is None:
        return
    from django.contrib.auth.models import Group

    from apps.monitoring.models import LexiconTerm
    from apps.monitoring.roles import VIEWER, roles_ensure
    from apps.monitoring.services import lexicon_seed

    if not LexiconTerm.objects.exists():
        lexicon_seed()
    if not Group.objects.filter(name=VIEWER).exists():
        roles_ensure(group_model=Group, permission_model=Permission)


@pytest.fixture
def uvicorn_server(transactional_db):
    """A real uvicorn process serving the test database (data must be committed)."""
    from tests.support.server import UvicornServer

    server = UvicornServer().start()
    yield server
    server.stop()


def close_every_connection() -> None:
    """Close every connection this test process holds: the main thread's, those that async
    tests opened on asgiref's thread-sensitive executor thread, and every psycopg pool (the
    readonly alias mirrors default in tests but has a pool of its own, which Django's
    teardown does not close). After a database restart they are all broken; at the end of
    the run PostgreSQL will not drop the test database while any is open."""
    from asgiref.sync import SyncToAsync
    from django.db import connections

    connections.close_all()
    SyncToAsync.single_thread_executor.submit(connections.close_all).result()
    for each in connections.all():
        if each.vendor == "postgresql":
            each.close_pool()


@pytest.fixture(scope="session", autouse=True)
def _close_every_connection_at_the_end(django_db_setup, django_db_blocker):
    yield
    with django_db_blocker.unblock():
        close_every_connection()


@pytest.fixture
def redis_server():
    """A throwaway Redis. Without redis-server: skipped with how to enable it, but under
    CI=true a failure (CI installs it)."""
    from tests.plugins.database import IN_CI
    from tests.support.redis import RedisServer

    try:
        server = RedisServer().start()
    except RuntimeError as exc:
        if IN_CI:
            pytest.fail(f"CI=true and Redis is unavailable: {exc}")
        pytest.skip(f"{exc} Then run the live-update tests again.")
    yield server
    server.stop()


# Shared data and credentials -------------------------------------------------------------


@pytest.fixture
def writer_token(db) -> str:
    """A token whose user may do every write (a superuser)."""
    user = get_user_model().objects.create_superuser("writer", "w@example.org", "pw-12345!")
    return api_token_create(user=user, name="tests")[1]


@pytest.fixture
def reader_token(db) -> str:
    """A valid token whose user holds no write permission."""
    user = get_user_model().objects.create_user("reader", "r@example.org", "pw-12345!")
    return api_token_create(user=user)[1]


@pytest.fixture
def observer_token(db) -> str:
    """A token that may add observations and nothing else."""
    user = get_user_model().objects.create_user("logger", "l@example.org", "pw-12345!")
    user.user_permissions.add(Permission.objects.get(codename="add_observation"))
    return api_token_create(user=user)[1]


DEMO = {
    "seed": 11,
    "wells": 12,
    "years": 2,
    "transducer_wells": 1,
    "transducer_days": 20,
    "end": date(2025, 6, 30),
}


@pytest.fixture
def demo(db) -> dict[str, int]:
    """A small deterministic demo data set, for a test that also writes."""
    return services.demo_seed(**DEMO)


# The database the settings name before pytest-django swaps in the test database.
CONFIGURED_DATABASE = settings.DATABASES["default"]["NAME"]


@pytest.fixture(scope="module")
def demo_for_reads(django_db_setup, django_db_blocker) -> dict[str, int]:
    """The same data set, committed once for a whole module whose tests only read it (no
    per-test seed and flush): use it with ``reads_only`` instead of a django_db marker. The
    tables are emptied when the module is done.

    pytest-django sets up only the databases that a collected test's marker or ``db``
    fixture asks for, so a run of such a module alone has none: this fixture then sets
    them up itself. Without that it seeded, and flushed, the database the settings name
    (a developer's own)."""
    from django.core.management import call_command
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        own = None
        if connection.settings_dict["NAME"] == CONFIGURED_DATABASE:
            own = setup_databases(verbosity=0, interactive=False, aliases=set(settings.DATABASES))
        services.lexicon_seed()
        counts = services.demo_seed(**DEMO)
    yield counts
    with django_db_blocker.unblock():
        close_every_connection()
        call_command("flush", interactive=False, verbosity=0)
        if own is not None:
            teardown_databases(own, verbosity=0)


@pytest.fixture
def reads_only(demo_for_reads, django_db_blocker):
    """Database access for a test that only reads the module's committed demo data."""
    with django_db_blocker.unblock():
        yield demo_for_reads
