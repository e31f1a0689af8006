"""ADR-0004's phase matrix: every phase that exists runs as a real server on PostgreSQL and
passes the same concurrency oracle (apps/ops/loadcheck.py, `manage.py loadcheck`): mixed
concurrent reads and writes, each answer compared with the database, every acknowledged
write found. P0 also proves what it promises: one persistent connection per thread, reused
across requests, renewed when older than CONN_MAX_AGE or broken.

P0: gunicorn threads, WSGI, per-thread persistent connections, no pool (the README's recipe).
P1: uvicorn, every view the oracle calls sync (project/urls_sync.py), the psycopg pool.
P2: uvicorn, today's async reads.
P3 and P4 do not exist yet; their rows in ADR-0004 say so."""

import asyncio
import time
from datetime import date

import httpx
import pytest
from django.contrib.auth import get_user_model

from apps.api.services import api_token_create
from apps.monitoring import services
from apps.ops.loadcheck import ConnectionSampler, Oracle, run_load, verify_writes
from tests.support.rawdb import raw_connection
from tests.support.server import GunicornServer, UvicornServer

pytestmark = [pytest.mark.only_on("postgresql"), pytest.mark.django_db(transaction=True)]

APP = "piezo-phase"
P0 = {"PIEZO_INTERFACE": "wsgi", "DB_POOL": "false", "DB_CONN_MAX_AGE": "60", "PGAPPNAME": APP}
WORKERS, THREADS = 2, 4
# Each thread may hold two persistent connections: default (writes) and readonly (reads).
P0_BOUND = WORKERS * THREADS * 2


def phase_server(phase: str, **env: str):
    if phase == "P0":
        return GunicornServer(workers=WORKERS, threads=THREADS, env={**P0, **env})
    if phase == "P1":
        return UvicornServer(workers=2, env={"PIEZO_URLCONF": "project.urls_sync", **env})
    return UvicornServer(workers=2, env=env)


@pytest.fixture
def token(transactional_db) -> str:
    services.demo_seed(
        seed=31, wells=20, years=2, transducer_wells=1, transducer_days=20, end=date(2026, 6, 30)
    )
    user = get_user_model().objects.create_superuser("phase", "p@example.org", "pw-12345!")
    return api_token_create(user=user)[1]


def load(server, token: str, *, requests: int = 800, concurrency: int = 32):
    report = asyncio.run(
        run_load(
            base_url=server.url,
            oracle=Oracle.read(),
            requests=requests,
            concurrency=concurrency,
            write_token=token,
        )
    )
    verify_writes(report)
    return report


@pytest.mark.parametrize("phase", ["P0", "P1", "P2"])
def test_every_phase_passes_the_concurrency_oracle(phase, token):
    server = phase_server(phase).start()
    try:
        if phase == "P1":
            # The reads really are the sync twins here.
            title = httpx.get(f"{server.url}/api/openapi.json").json()["info"]["title"]
            assert "sync twins" in title
        report = load(server, token)
    finally:
        server.stop()
    assert report.wrong == [], f"{phase}: {len(report.wrong)} wrong, e.g. {report.wrong[:5]}"
    assert set(report.statuses) <= {200, 201}, (phase, report.statuses)
    assert report.writes_accepted, "the load wrote nothing"
    assert "Traceback" not in server.output()


def backends() -> set[int]:
    with raw_connection() as probe:
        rows = probe.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [APP]
        ).fetchall()
    return {pid for (pid,) in rows}


def terminate(pids: set[int]) -> None:
    with raw_connection() as probe:
        for pid in pids:
            probe.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_p0_keeps_one_connection_per_thread_and_replaces_broken_ones(token):
    server = phase_server("P0").start()  # CONN_MAX_AGE=60, the recipe's
    try:
        with ConnectionSampler(interval_s=0.02, application_name=APP) as sampler:
            first = load(server, token, requests=600)
        kept = backends()
        terminate(kept)  # broken under the threads' feet
        second = load(server, token, requests=400)
    finally:
        server.stop()
    # Persistent: the connections outlive the requests, and over 600 requests no more than
    # a pair per thread was ever opened (a connection per request would be hundreds).
    assert 0 < len(kept) <= P0_BOUND and len(sampler.pids) <= P0_BOUND, (kept, sampler.pids)
    # CONN_HEALTH_CHECKS: a request that finds its thread's connection dead reconnects
    # instead of failing.
    for report in (first, second):
        assert report.wrong == [] and set(report.statuses) <= {200, 201}, report.statuses


def test_p0_renews_connections_older_than_conn_max_age(token):
    server = phase_server("P0", DB_CONN_MAX_AGE="1").start()
    try:
        first = load(server, token, requests=300)
        kept = backends()
        time.sleep(1.5)  # every kept connection is older than CONN_MAX_AGE now
        # Long enough that every thread of the first load serves again (at 600, a run on
        # PostgreSQL left 7 of 11 threads idle and their old connections in place).
        second = load(server, token, requests=1500)
        renewed = backends()
    finally:
        server.stop()
    # Django closes an old connection at a request's start or end, so a thread that served
    # none in the second load may keep its own; most served, and theirs were replaced.
    assert kept and renewed and len(renewed & kept) <= len(kept) // 2, (kept, renewed)
    for report in (first, second):
        assert report.wrong == [] and set(report.statuses) <= {200, 201}, report.statuses
