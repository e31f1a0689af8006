"""ADR-0007's switch: with DB_ASYNC_DRIVER=on a server on PostgreSQL serves its public reads
through django-async-backend (P4), with it off through the async ORM (P2), and both give the
same answers on every hot read; SQLite keeps P2 whatever the switch says. Connections stay
within the budget that piezo.W001 counts, async pool included."""

import asyncio
from datetime import date

import httpx
import pytest

from apps.monitoring import services
from apps.monitoring.models import Well
from apps.ops.loadcheck import ConnectionSampler, Oracle, run_load
from tests.support.server import UvicornServer

pytestmark = pytest.mark.django_db(transaction=True)

POOL_MAX = 4


@pytest.fixture
def seeded(transactional_db) -> str:
    services.demo_seed(
        seed=41, wells=15, years=2, transducer_wells=1, transducer_days=30, end=date(2026, 6, 30)
    )
    return Well.objects.filter(deployments__isnull=False).order_by("site_no").first().site_no


def hot_reads(site_no: str) -> list[str]:
    return [
        "/api/stats",
        "/api/wells?page_size=10&page=2",
        "/api/wells.geojson?county=Bernalillo",
        f"/api/wells/{site_no}",
        f"/api/wells/{site_no}/observations?page_size=200",
        f"/api/wells/{site_no}/observations?format=csv",
        f"/api/wells/{site_no}/hydrograph?max_points=300",
        f"/wells/{site_no}/",
    ]


def answers(server: UvicornServer, paths: list[str]) -> dict[str, tuple[int, bytes]]:
    with httpx.Client(base_url=server.url, timeout=60) as client:
        # Links carry the server's own address; compare them without it.
        return {
            path: (r.status_code, r.content.replace(server.url.encode(), b"<server>"))
            for path in paths
            for r in [client.get(path)]
        }


@pytest.mark.only_on("postgresql")
def test_p4_and_p2_give_the_same_answers_on_every_hot_read(seeded):
    p4 = UvicornServer(env={"DB_ASYNC_DRIVER": "on"}).start()
    p2 = UvicornServer(env={"DB_ASYNC_DRIVER": "off"}).start()
    try:
        assert httpx.get(f"{p4.url}/api/health").json()["reads"] == "async-driver"
        assert httpx.get(f"{p2.url}/api/health").json()["reads"] == "async-orm"
        paths = hot_reads(seeded)
        on, off = answers(p4, paths), answers(p2, paths)
    finally:
        p4.stop(), p2.stop()
    for path in paths:
        assert on[path][0] == 200, (path, on[path][1][:300])
        assert on[path] == off[path], path
    assert "Traceback" not in p4.output()


@pytest.mark.only_on("sqlite")
def test_sqlite_keeps_the_async_orm_whatever_the_switch_says(seeded):
    server = UvicornServer(env={"DB_ASYNC_DRIVER": "on"}).start()
    try:
        assert httpx.get(f"{server.url}/api/health").json()["reads"] == "async-orm"
    finally:
        server.stop()


@pytest.mark.only_on("postgresql")
def test_p4_connections_stay_within_the_budget_under_load(seeded):
    env = {
        "DB_ASYNC_DRIVER": "on",
        "DB_POOL_MIN_SIZE": "1",
        "DB_POOL_MAX_SIZE": str(POOL_MAX),
        "PGAPPNAME": "piezo-p4",
    }
    server = UvicornServer(workers=2, env=env).start()
    try:
        with ConnectionSampler(interval_s=0.02, application_name="piezo-p4") as sampler:
            report = asyncio.run(
                run_load(base_url=server.url, oracle=Oracle.read(), requests=1500, concurrency=64)
            )
    finally:
        server.stop()
    assert report.ok, (report.statuses, report.wrong[:5])
    # Per worker: default's pool, and readonly's two (Django's sync pool, the driver's).
    budget = 2 * (POOL_MAX + 2 * POOL_MAX)
    assert 0 < sampler.peak <= budget, f"peak {sampler.peak} > budget {budget}"
