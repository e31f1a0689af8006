"""Concurrent readers get correct answers, against a real uvicorn with two workers.

A landing page once fired /api/stats and a well detail at the same time, and a connection
shared between threads made the stats read 0 now and then; elsewhere a cursor shared by
threads handed one caller another's rows. These tests send thousands of concurrent mixed
requests (and run concurrent queries on threads) and compare every answer with the
database (apps/ops/loadcheck.py, the same code as `manage.py loadcheck`)."""

import asyncio
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import httpx
import pytest
from django.db import connection, connections

from apps.monitoring import services
from apps.monitoring.models import Observation, Well
from apps.ops.loadcheck import Oracle, run_load
from tests.support.server import UvicornServer

REQUESTS = 2000
CONCURRENCY = 50


@pytest.fixture
def served_demo(transactional_db):
    services.demo_seed(
        seed=5, wells=30, years=3, transducer_wells=2, transducer_days=30, end=date(2026, 6, 30)
    )
    server = UvicornServer(workers=2).start()
    yield server
    server.stop()


def test_concurrent_mixed_reads_are_all_correct(served_demo):
    oracle = Oracle.read()
    assert oracle.stats["observations"] > 1000
    report = asyncio.run(
        run_load(
            base_url=served_demo.url, oracle=oracle, requests=REQUESTS, concurrency=CONCURRENCY
        )
    )
    assert report.statuses == Counter({200: REQUESTS}), report.statuses
    assert report.wrong == [], f"{len(report.wrong)} wrong answers, e.g. {report.wrong[:5]}"
    assert "Traceback" not in served_demo.output()


def test_landing_page_pair_never_reads_zero(served_demo):
    """The landing page's two fetches, fired together many times over."""
    oracle = Oracle.read()
    site_no = oracle.wells[0]

    async def landing(client: httpx.AsyncClient):
        return await asyncio.gather(client.get("/api/stats"), client.get(f"/api/wells/{site_no}"))

    async def main():
        async with httpx.AsyncClient(base_url=served_demo.url, timeout=30.0) as client:
            return await asyncio.gather(*(landing(client) for _ in range(200)))

    for stats, detail in asyncio.run(main()):
        assert stats.json()["observations"] == oracle.stats["observations"]
        assert stats.json()["wells"] == oracle.stats["wells"]
        assert detail.json()["series"]["count"] == oracle.counts[site_no]


@pytest.mark.django_db(transaction=True)
def test_threads_running_different_queries_get_their_own_rows():
    services.demo_seed(
        seed=6, wells=16, years=2, transducer_wells=0, transducer_days=1, end=date(2026, 6, 30)
    )
    well_ids = list(Well.objects.values_list("pk", flat=True))
    table = Observation._meta.db_table

    def worker(well_id: int) -> list[str]:
        problems = []
        try:
            for _ in range(25):
                orm_rows = list(
                    Observation.objects.filter(well_id=well_id).values_list("well_id", flat=True)
                )
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT well_id FROM {table} WHERE well_id = %s", [well_id])
                    raw_rows = [row[0] for row in cursor.fetchall()]
                if not orm_rows or set(orm_rows) != {well_id} or set(raw_rows) != {well_id}:
                    problems.append(f"well {well_id} got rows of {set(orm_rows) | set(raw_rows)}")
        finally:
            connections.close_all()
        return problems

    with ThreadPoolExecutor(max_workers=len(well_ids)) as pool:
        results = list(pool.map(worker, well_ids))
    assert [p for problems in results for p in problems] == []
