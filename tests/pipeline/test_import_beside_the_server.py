"""A batch import runs while a real uvicorn serves reads: no request fails, and the next
request after the import sees the new readings without a restart."""

import asyncio
import threading
import time
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from apps.monitoring import services
from apps.monitoring.models import Observation, Well

from .conftest import run


def wait_until_flowing(statuses: list[int], timeout_s: float = 10.0) -> None:
    """Block until the load has answers, so the command really runs beside it."""
    deadline = time.monotonic() + timeout_s
    while not statuses and time.monotonic() < deadline:
        time.sleep(0.01)
    assert statuses, "the read load never got going"


@pytest.mark.django_db(transaction=True)
def test_import_during_read_load(uvicorn_server, tmp_path):
    services.demo_seed(
        seed=9, wells=8, years=1, transducer_wells=0, transducer_days=1, end=date(2026, 6, 30)
    )
    site_no = Well.objects.order_by("site_no").values_list("site_no", flat=True).first()
    path = tmp_path / "big.csv"
    first = datetime(2020, 1, 1, tzinfo=UTC)
    with path.open("w") as handle:
        handle.write("well_name_point_id,water_level_date_time,depth_to_water_ft\n")
        for minute in range(20_000):
            observed_at = (first + timedelta(minutes=minute)).isoformat()
            handle.write(f"{site_no},{observed_at},{50 + minute / 1000}\n")
    before = httpx.get(f"{uvicorn_server.url}/api/stats").json()["observations"]
    statuses: list[int] = []
    done = threading.Event()

    async def load():
        async with httpx.AsyncClient(base_url=uvicorn_server.url, timeout=30) as client:
            while not done.is_set():
                responses = await asyncio.gather(
                    client.get("/api/stats"),
                    client.get(f"/api/wells/{site_no}"),
                    client.get(f"/api/wells/{site_no}/observations?page_size=100"),
                )
                statuses.extend(r.status_code for r in responses)

    loader = threading.Thread(target=lambda: asyncio.run(load()))
    loader.start()
    wait_until_flowing(statuses)
    try:
        result = run("import_waterlevels", str(path), "--output", "json")
    finally:
        done.set()
        loader.join(timeout=60)
    assert result.code == 0, result.err
    assert result.json()["imported"] == 20_000
    assert len(statuses) > 0 and set(statuses) == {200}, sorted(set(statuses))
    after = httpx.get(f"{uvicorn_server.url}/api/stats").json()["observations"]
    assert after == before + 20_000


@pytest.mark.django_db(transaction=True)
def test_rebuild_stats_during_read_load(uvicorn_server):
    services.demo_seed(
        seed=10, wells=6, years=3, transducer_wells=0, transducer_days=1, end=date(2026, 6, 30)
    )
    site_no = Well.objects.order_by("site_no").values_list("site_no", flat=True).first()
    assert httpx.get(f"{uvicorn_server.url}/api/wells/{site_no}").json()["summary"] is None
    statuses: list[int] = []
    done = threading.Event()

    async def load():
        async with httpx.AsyncClient(base_url=uvicorn_server.url, timeout=30) as client:
            while not done.is_set():
                responses = await asyncio.gather(
                    client.get("/api/stats"), client.get(f"/api/wells/{site_no}")
                )
                statuses.extend(r.status_code for r in responses)

    loader = threading.Thread(target=lambda: asyncio.run(load()))
    loader.start()
    wait_until_flowing(statuses)
    try:
        for _ in range(3):
            assert run("rebuild_stats").code == 0
    finally:
        done.set()
        loader.join(timeout=60)
    assert statuses and set(statuses) == {200}
    summary = httpx.get(f"{uvicorn_server.url}/api/wells/{site_no}").json()["summary"]
    assert summary["observation_count"] == Observation.objects.filter(well__site_no=site_no).count()
    assert summary["trend_ft_per_year"] is not None
