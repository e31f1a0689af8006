"""Batch commands run while a real uvicorn serves reads: no request fails, and the next
request after the command sees its result without a restart."""

import asyncio
import threading
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from apps.monitoring import services
from apps.monitoring.models import Observation, WellSummary
from tests.support.visibility import public_series_site_no

from .conftest import run

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def read_load(base_url: str, paths: list[str]):
    """Fire the paths concurrently, over and over, on a thread, until the block ends; yields
    the statuses seen. Waits until answers flow, so the block really runs beside the load."""
    statuses: list[int] = []
    done, flowing = threading.Event(), threading.Event()

    async def load():
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            while not done.is_set():
                responses = await asyncio.gather(*(client.get(path) for path in paths))
                statuses.extend(r.status_code for r in responses)
                flowing.set()

    loader = threading.Thread(target=lambda: asyncio.run(load()))
    loader.start()
    try:
        assert flowing.wait(10), "the read load never got going"
        yield statuses
    finally:
        done.set()
        loader.join(timeout=60)


def test_import_during_read_load(uvicorn_server, tmp_path):
    services.demo_seed(
        seed=9, wells=8, years=1, transducer_wells=0, transducer_days=1, end=date(2026, 6, 30)
    )
    site_no = public_series_site_no()
    path = tmp_path / "big.csv"
    first = datetime(2020, 1, 1, tzinfo=UTC)
    with path.open("w") as handle:
        handle.write("well_name_point_id,water_level_date_time,depth_to_water_ft\n")
        for minute in range(20_000):
            observed_at = (first + timedelta(minutes=minute)).isoformat()
            handle.write(f"{site_no},{observed_at},{50 + minute / 1000}\n")
    before = httpx.get(f"{uvicorn_server.url}/api/stats").json()["observations"]
    paths = [
        "/api/stats",
        f"/api/wells/{site_no}",
        f"/api/wells/{site_no}/observations?page_size=100",
    ]
    with read_load(uvicorn_server.url, paths) as statuses:
        result = run("import_waterlevels", str(path), "--output", "json")
    assert result.code == 0, result.err
    assert result.json()["imported"] == 20_000
    assert set(statuses) == {200}, sorted(set(statuses))
    after = httpx.get(f"{uvicorn_server.url}/api/stats").json()["observations"]
    assert after == before + 20_000


def test_rebuild_stats_during_read_load(uvicorn_server):
    services.demo_seed(
        seed=10, wells=6, years=3, transducer_wells=0, transducer_days=1, end=date(2026, 6, 30)
    )
    site_no = public_series_site_no()
    # The seed leaves every figure in place; the rebuild swaps them all under the readers.
    WellSummary.objects.all().delete()
    assert httpx.get(f"{uvicorn_server.url}/api/wells/{site_no}").json()["summary"] is None
    with read_load(uvicorn_server.url, ["/api/stats", f"/api/wells/{site_no}"]) as statuses:
        for _ in range(3):
            assert run("rebuild_stats").code == 0
    assert set(statuses) == {200}
    assert run("rebuild_stats", "--check").code == 0
    summary = httpx.get(f"{uvicorn_server.url}/api/wells/{site_no}").json()["summary"]
    assert summary["observation_count"] == Observation.objects.filter(well__site_no=site_no).count()
    assert summary["trend_ft_per_year"] is not None
