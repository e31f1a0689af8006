"""The four failures that Python web services sharing one database have hit, each
reproduced on the broken configuration and shown not to happen on Piezo's.

1. A connection shared across threads: stats read 0 while another thread's transaction was
   swapping the rows they count.
2. `database is locked`: overlapping SQLite read-then-write transactions in DEFERRED mode.
3. A cursor shared across threads: one caller's fetchall() returned another's rows.
4. The web layer locking out the batch pipeline: a reader holding a lock that writers need.
"""

import asyncio
import sqlite3
import threading
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.db.utils import ConnectionHandler

from apps.monitoring import services
from apps.monitoring.models import Observation, Well, WellSummary
from project.settings.database import database_from_url, readonly_database
from tests.support.rawdb import raw_connection
from tests.support.server import BASE_DIR, UvicornServer, server_database_url

pytestmark = pytest.mark.django_db(transaction=True)


def seed(wells: int = 6) -> None:
    services.demo_seed(
        seed=21, wells=wells, years=1, transducer_wells=0, transducer_days=1, end=date(2026, 6, 30)
    )


# 1. Shared connection -------------------------------------------------------------------


def test_1_shared_connection_reads_another_threads_half_done_swap():
    seed()
    services.well_summaries_rebuild()
    committed = WellSummary.objects.count()
    assert committed == 6
    table = WellSummary._meta.db_table
    mid_swap, read_done = threading.Event(), threading.Event()

    # Broken: one connection for the rebuild thread and the stats reader.
    shared = raw_connection()
    seen_by_reader = {}

    def rebuild_on_shared():
        shared.execute("BEGIN")
        shared.execute(f"DELETE FROM {table}")  # the swap's first half
        mid_swap.set()
        read_done.wait(10)
        shared.execute("ROLLBACK")

    def read_on_shared():
        mid_swap.wait(10)
        seen_by_reader["count"] = shared.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        read_done.set()

    threads = [threading.Thread(target=rebuild_on_shared), threading.Thread(target=read_on_shared)]
    [t.start() for t in threads]
    [t.join(15) for t in threads]
    shared.close()
    assert seen_by_reader["count"] == 0, "the broken configuration should read 0 mid-swap"

    # Piezo: each thread has its own connection, and Django refuses to share one.
    mid_swap.clear(), read_done.clear()

    def rebuild_with_django():
        try:
            with transaction.atomic():
                WellSummary.objects.all().delete()
                mid_swap.set()
                read_done.wait(10)
                transaction.set_rollback(True)
        finally:
            connections.close_all()

    def read_with_django():
        try:
            mid_swap.wait(10)
            seen_by_reader["count"] = WellSummary.objects.count()
        finally:
            read_done.set()
            connections.close_all()

    threads = [
        threading.Thread(target=rebuild_with_django),
        threading.Thread(target=read_with_django),
    ]
    [t.start() for t in threads]
    [t.join(15) for t in threads]
    assert seen_by_reader["count"] == committed

    # `connection` is a per-thread proxy; this is the main thread's actual wrapper.
    main_thread_connection = connections["default"]
    errors = []

    def use_the_main_threads_connection():
        try:
            main_thread_connection.cursor()
        except DatabaseError as exc:
            errors.append(str(exc))

    worker = threading.Thread(target=use_the_main_threads_connection)
    worker.start(), worker.join()
    assert errors and "can only be used in that same thread" in errors[0]


# 2. database is locked --------------------------------------------------------------------


async def post_readings(
    base_url: str,
    token: str,
    site_nos: list[str],
    count: int,
    concurrency: int,
    start: datetime = datetime(2001, 1, 1, tzinfo=UTC),  # before the demo data, after 1800
):
    semaphore = asyncio.Semaphore(concurrency)

    async def one(client: httpx.AsyncClient, index: int) -> int:
        body = {
            "observed_at": (start + timedelta(minutes=index)).isoformat(),
            "depth_to_water_ft": 10 + index / 1000,
        }
        async with semaphore:
            response = await client.post(
                f"/api/wells/{site_nos[index % len(site_nos)]}/observations",
                json=body,
                headers={"Authorization": f"Bearer {token}"},
            )
        return response.status_code

    async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
        return Counter(await asyncio.gather(*(one(client, i) for i in range(count))))


@pytest.mark.only_on("sqlite")
@pytest.mark.parametrize(
    ("mode", "broken"),
    [("DEFERRED", True), ("IMMEDIATE", False)],
    ids=["deferred-broken", "immediate-ours"],
)
def test_2_overlapping_sqlite_writers(mode, broken, writer_token):
    seed()
    site_nos = list(Well.objects.values_list("site_no", flat=True))
    before = Observation.objects.count()
    server = UvicornServer(workers=2, env={"SQLITE_TRANSACTION_MODE": mode}).start()
    try:
        statuses = asyncio.run(post_readings(server.url, writer_token, site_nos, 400, 40))
    finally:
        server.stop()
    accepted = statuses[201]
    assert Observation.objects.count() == before + accepted, "every accepted POST is one row"
    if broken:
        assert statuses[503] > 0, f"DEFERRED should lose writes to 'database is locked': {statuses}"
        assert "database is locked" in server.output()
    else:
        assert statuses == Counter({201: 400}), statuses


# 3. Shared cursor -------------------------------------------------------------------------


def test_3_shared_cursor_hands_one_caller_anothers_rows():
    seed()
    first, second = Well.objects.order_by("pk").values_list("pk", flat=True)[:2]
    table = Observation._meta.db_table
    sql = f"SELECT well_id FROM {table} WHERE well_id = {{}}"
    a_executed, b_executed = threading.Event(), threading.Event()
    results = {}

    # Broken: one cursor for two threads.
    shared = raw_connection()
    cursor = shared.cursor()

    def caller_a():
        cursor.execute(sql.format(first))
        a_executed.set()
        b_executed.wait(10)
        results["a"] = {row[0] for row in cursor.fetchall()}

    def caller_b():
        a_executed.wait(10)
        cursor.execute(sql.format(second))
        b_executed.set()

    threads = [threading.Thread(target=caller_a), threading.Thread(target=caller_b)]
    [t.start() for t in threads]
    [t.join(15) for t in threads]
    shared.close()
    assert results["a"] == {second}, "the broken configuration hands A the rows of B's query"

    # Piezo: each thread's connection.cursor() is its own.
    a_executed.clear(), b_executed.clear()

    def django_caller(well_id, mine: threading.Event, other: threading.Event, key: str):
        try:
            with connection.cursor() as own:
                own.execute(sql.format(well_id))
                mine.set()
                other.wait(10)
                results[key] = {row[0] for row in own.fetchall()}
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=django_caller, args=(first, a_executed, b_executed, "a")),
        threading.Thread(target=django_caller, args=(second, b_executed, a_executed, "b")),
    ]
    [t.start() for t in threads]
    [t.join(15) for t in threads]
    assert results == {"a": {first}, "b": {second}}


# 4. Web reads locking out the pipeline ----------------------------------------------------


def _sqlite_write(path, timeout_s: float) -> str:
    """A pipeline-style write transaction on its own SQLite connection, with a short wait."""
    writer = sqlite3.connect(path, timeout=timeout_s, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE monitoring_well SET name = name || ' (imported)'")
        writer.execute("COMMIT")
        return "committed"
    except sqlite3.OperationalError as exc:
        return str(exc)
    finally:
        writer.close()


def _pipeline_write(timeout_s: float) -> str:
    """The batch pipeline's write transaction, on its own connection, with a short wait."""
    if connection.vendor == "sqlite":
        return _sqlite_write(connection.settings_dict["NAME"], timeout_s)
    writer = raw_connection()
    try:
        writer.execute(f"SET lock_timeout = '{int(timeout_s * 1000)}ms'")
        with writer.transaction():
            writer.execute("UPDATE monitoring_well SET name = name || ' (imported)'")
        return "committed"
    except Exception as exc:
        return str(exc)
    finally:
        writer.close()


@pytest.mark.only_on("sqlite")
def test_4_broken_a_rollback_journal_reader_locks_out_the_pipeline(tmp_path):
    """The broken configuration on a database of its own: SQLite's rollback journal (no
    WAL), where a reader's open transaction holds a lock every writer must wait out."""
    path = tmp_path / "rollback-journal.sqlite3"
    setup = sqlite3.connect(path, isolation_level=None)
    setup.execute("PRAGMA journal_mode=DELETE")
    setup.execute("CREATE TABLE monitoring_well (name TEXT)")
    setup.execute("INSERT INTO monitoring_well VALUES ('AR0001')")
    setup.close()
    reader = sqlite3.connect(path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT COUNT(*) FROM monitoring_well").fetchone()  # a long web read
        assert _sqlite_write(path, timeout_s=0.5) == "database is locked"
    finally:
        reader.execute("ROLLBACK")
        reader.close()
    assert _sqlite_write(path, timeout_s=0.5) == "committed"  # once the reader is gone


def test_4_ours_a_readonly_reader_does_not_hold_up_the_pipeline():
    seed()
    default = database_from_url(server_database_url(), base_dir=BASE_DIR)
    handler = ConnectionHandler(
        {"default": default, "web_reads": readonly_database(default, url=None, base_dir=BASE_DIR)}
    )
    web = handler["web_reads"]
    try:
        with web.cursor() as cursor:  # a long web read, mid-transaction
            cursor.execute("BEGIN")
            cursor.execute("SELECT COUNT(*) FROM monitoring_observation")
            cursor.fetchone()
            assert _pipeline_write(timeout_s=0.5) == "committed"
            cursor.execute("COMMIT")
        with web.cursor() as cursor:  # the next request sees the pipeline's data
            cursor.execute("SELECT COUNT(*) FROM monitoring_well WHERE name LIKE '%(imported)'")
            assert cursor.fetchone()[0] == 6
    finally:
        web.close()
        if web.vendor == "postgresql":
            web.close_pool()
