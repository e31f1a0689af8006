"""Concurrent readers get correct answers, against a real uvicorn with two workers.

A landing page once fired /api/stats and a well detail at the same time, and a connection
shared between threads made the stats read 0 now and then; elsewhere a cursor shared by
threads handed one caller another's rows. These tests send thousands of concurrent mixed
requests (and run concurrent queries on threads) and compare every answer with the
database."""

import asyncio
import random
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import httpx
import pytest
from django.db import connection, connections
from django.db.models import Count

from apps.monitoring import services
from apps.monitoring.models import Observation, Sample, Well
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


def oracle() -> dict:
    """What every answer must be, read straight from the database."""
    wells = list(Well.objects.order_by("site_no", "pk").values_list("site_no", flat=True))
    by_well = {
        row["well__site_no"]: row
        for row in Observation.objects.values("well__site_no").annotate(n=Count("id"))
    }
    latest = {
        site_no: Observation.objects.filter(well__site_no=site_no)
        .order_by("-observed_at")
        .values_list("pk", flat=True)
        .first()
        for site_no in wells
    }
    first_pages = {
        site_no: list(
            Observation.objects.filter(well__site_no=site_no)
            .order_by("observed_at")
            .values_list("pk", flat=True)[:50]
        )
        for site_no in wells
    }
    return {
        "wells": wells,
        "stats": {
            "wells": len(wells),
            "active_wells": Well.objects.filter(status="active").count(),
            "observations": Observation.objects.count(),
            "samples": Sample.objects.count(),
        },
        "counts": {site_no: by_well[site_no]["n"] for site_no in wells},
        "latest": latest,
        "first_pages": first_pages,
    }


async def run_mixed_load(base_url: str, expected: dict, *, requests: int, concurrency: int):
    rng = random.Random(1234)
    wrong: list[str] = []
    statuses: Counter = Counter()
    semaphore = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def one(client: httpx.AsyncClient, kind: str, site_no: str, page: int) -> None:
        async with semaphore:
            if kind == "stats":
                response = await client.get("/api/stats")
            elif kind == "detail":
                response = await client.get(f"/api/wells/{site_no}")
            elif kind == "list":
                response = await client.get(f"/api/wells?page_size=5&page={page}")
            else:
                response = await client.get(f"/api/wells/{site_no}/observations?page_size=50")
        statuses[response.status_code] += 1
        if response.status_code != 200:
            wrong.append(f"{kind} {site_no}: HTTP {response.status_code}")
            return
        body = response.json()
        if kind == "stats":
            got = {key: body[key] for key in expected["stats"]}
            if got != expected["stats"]:
                wrong.append(f"stats: {got} != {expected['stats']}")
        elif kind == "detail":
            if (
                body["site_no"] != site_no
                or body["series"]["count"] != expected["counts"][site_no]
                or body["latest_observation"]["id"] != expected["latest"][site_no]
            ):
                wrong.append(f"detail {site_no}: {body['site_no']} {body['series']['count']}")
        elif kind == "list":
            want = expected["wells"][(page - 1) * 5 : page * 5]
            got = [w["site_no"] for w in body["results"]]
            if got != want or body["count"] != len(expected["wells"]):
                wrong.append(f"list page {page}: {got} != {want}")
        else:
            got = [row["id"] for row in body["results"]]
            if got != expected["first_pages"][site_no] or {
                row["site_no"] for row in body["results"]
            } != {site_no}:
                wrong.append(f"series {site_no}: first ids {got[:3]}")

    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30.0) as client:
        pages = -(-len(expected["wells"]) // 5)
        await asyncio.gather(
            *(
                one(
                    client,
                    rng.choice(("stats", "detail", "list", "series")),
                    rng.choice(expected["wells"]),
                    rng.randint(1, pages),
                )
                for _ in range(requests)
            )
        )
    return wrong, statuses


def test_concurrent_mixed_reads_are_all_correct(served_demo):
    expected = oracle()
    assert expected["stats"]["observations"] > 1000
    wrong, statuses = asyncio.run(
        run_mixed_load(served_demo.url, expected, requests=REQUESTS, concurrency=CONCURRENCY)
    )
    assert statuses == Counter({200: REQUESTS}), statuses
    assert wrong == [], f"{len(wrong)} wrong answers, e.g. {wrong[:5]}"
    assert "Traceback" not in served_demo.output()


def test_landing_page_pair_never_reads_zero(served_demo):
    """The landing page's two fetches, fired together many times over."""
    expected = oracle()
    site_no = expected["wells"][0]

    async def landing(client: httpx.AsyncClient):
        return await asyncio.gather(client.get("/api/stats"), client.get(f"/api/wells/{site_no}"))

    async def main():
        async with httpx.AsyncClient(base_url=served_demo.url, timeout=30.0) as client:
            return await asyncio.gather(*(landing(client) for _ in range(200)))

    for stats, detail in asyncio.run(main()):
        assert stats.json()["observations"] == expected["stats"]["observations"]
        assert stats.json()["wells"] == expected["stats"]["wells"]
        assert detail.json()["series"]["count"] == expected["counts"][site_no]


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
