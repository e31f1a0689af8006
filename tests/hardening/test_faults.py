"""Faults, with real servers: PostgreSQL restarting under load, an import killed with
SIGKILL, and a SQLite database that is full or read-only. In each, every write the service
acknowledged is kept, and nothing half-written appears. (Redis going away is in
tests/live/test_across_processes.py.)"""

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from django.db import connection

from apps.monitoring.models import Observation
from tests.conftest import close_every_connection
from tests.monitoring.factories import well_create
from tests.support.server import BASE_DIR, UvicornServer, server_database_url

pytestmark = pytest.mark.django_db(transaction=True)


def reading(index: int) -> dict:
    at = datetime(2010, 1, 1, tzinfo=UTC) + timedelta(seconds=index)
    return {"observed_at": at.isoformat(), "depth_to_water_ft": 10 + index / 1000}


@pytest.mark.only_on("postgresql")
def test_postgresql_restart_during_load(pg_cluster, writer_token):
    well_create(site_no="AR0700")
    server = UvicornServer(env={"DB_POOL_TIMEOUT_S": "2"}).start()
    results: list[tuple[float, str, int, float, dict | None]] = []
    stop = threading.Event()
    started = time.monotonic()

    async def load():
        index = 0
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            while not stop.is_set():
                index += 1
                for kind, call in (
                    ("read", client.get("/api/stats")),
                    (
                        "write",
                        client.post(
                            "/api/wells/AR0700/observations",
                            json=reading(index),
                            headers={"Authorization": f"Bearer {writer_token}"},
                        ),
                    ),
                ):
                    sent = time.monotonic()
                    try:
                        response = await call
                        body = response.json()
                        results.append(
                            (
                                sent - started,
                                kind,
                                response.status_code,
                                time.monotonic() - sent,
                                body,
                            )
                        )
                    except httpx.HTTPError:
                        results.append((sent - started, kind, 0, time.monotonic() - sent, None))
                await asyncio.sleep(0.02)

    loader = threading.Thread(target=lambda: asyncio.run(load()))
    loader.start()
    windows = []
    try:
        # `make fault` restarts it several times (PIEZO_FAULT_ROUNDS).
        for _ in range(int(os.environ.get("PIEZO_FAULT_ROUNDS", "1"))):
            time.sleep(2)
            down_at = time.monotonic() - started
            pg_cluster.restart(down_for_s=3)
            windows.append((down_at, time.monotonic() - started))
        up_at = windows[-1][1]
        time.sleep(7)
    finally:
        stop.set()
        loader.join(30)
        server.stop()
    close_every_connection()  # every connection this process held died with the server
    during = [r for r in results if any(down <= r[0] <= up for down, up in windows)]
    after = [r for r in results if r[0] >= up_at + 5]
    assert during, "no request was made while PostgreSQL was down"
    assert {r[2] for r in during} <= {200, 201, 503}, {r[2] for r in during}
    outage = [r for r in during if r[2] == 503]
    assert outage, "the outage was not seen"
    assert all(r[4] and r[4]["code"] == "database_unavailable" for r in outage)
    assert max(r[3] for r in results) < 2 + 3, "a request hung past the pool timeout"
    assert after and {r[2] for r in after} <= {200, 201}, sorted({r[2] for r in after})
    acknowledged = [r[4]["results"][0]["id"] for r in results if r[1] == "write" and r[2] == 201]
    assert Observation.objects.filter(pk__in=acknowledged).count() == len(acknowledged)
    assert "Traceback" not in server.output()


def wait_until_importing(process: subprocess.Popen, timeout_s: float = 60.0) -> None:
    """Until the import is inside its transaction, writing rows: PostgreSQL shows its COPY
    into the staging table; on SQLite it holds the write lock (a second writer's
    BEGIN IMMEDIATE fails at once)."""
    import sqlite3

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and process.poll() is None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE query LIKE %s",
                    ["COPY piezo_import_staging%"],
                )
                if cursor.fetchone()[0]:
                    return
        else:
            probe = sqlite3.connect(connection.settings_dict["NAME"], timeout=0)
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.rollback()
            except sqlite3.OperationalError:  # database is locked: the import has it
                return
            finally:
                probe.close()
        time.sleep(0.02)
    raise AssertionError("the import never started writing")


def test_an_import_killed_midway_leaves_nothing_behind(tmp_path):
    well_create(site_no="AR0800")
    before = Observation.objects.count()
    path = tmp_path / "levels.csv"
    rows = int(os.environ.get("PIEZO_FAULT_ROWS", "400000"))
    with path.open("w") as handle:
        handle.write("well_name_point_id,water_level_date_time,depth_to_water_ft\n")
        start = datetime(2000, 1, 1, tzinfo=UTC)
        for minute in range(rows):
            handle.write(
                f"AR0800,{(start + timedelta(minutes=minute)).isoformat()},{minute % 500}\n"
            )
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project.settings.test",
        "DATABASE_URL": server_database_url(),
    }
    command = [sys.executable, "manage.py", "import_waterlevels", str(path)]
    process = subprocess.Popen(
        command, cwd=BASE_DIR, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wait_until_importing(process)
    assert process.poll() is None, "the import finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    assert Observation.objects.count() == before  # the old count, not part of the file
    finished = subprocess.run(
        command, cwd=BASE_DIR, env=environ, capture_output=True, text=True, timeout=300
    )
    assert finished.returncode == 0, finished.stderr
    assert Observation.objects.count() == before + rows  # then the whole file


@pytest.mark.only_on("sqlite")
@pytest.mark.parametrize(
    ("pragma", "code"),
    [
        ("PRAGMA max_page_count={pages}", "database_full"),
        ("PRAGMA query_only=ON", "database_read_only"),
    ],
    ids=["disk-full", "read-only"],
)
def test_a_full_or_read_only_sqlite_database(writer_token, pragma, code):
    well_create(site_no="AR0900")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")  # no free pages left: the next rows need new ones
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
    before = Observation.objects.count()
    server = UvicornServer(env={"SQLITE_EXTRA_PRAGMAS": pragma.format(pages=pages)}).start()
    try:
        batch = [reading(i) for i in range(3000)]
        response = httpx.post(
            f"{server.url}/api/wells/AR0900/observations",
            json=batch,
            timeout=30,
            headers={"Authorization": f"Bearer {writer_token}"},
        )
        assert response.status_code == 503, response.text[:300]
        assert response.json()["code"] == code
        assert httpx.get(f"{server.url}/api/wells/AR0900").status_code == 200  # reads go on
    finally:
        server.stop()
    assert Observation.objects.count() == before
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        assert cursor.fetchone()[0] == "ok"
