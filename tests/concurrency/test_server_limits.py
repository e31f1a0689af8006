"""Limits a real server must keep under load: a bounded number of PostgreSQL connections,
and an event loop that async endpoints never block."""

import asyncio
import time
from datetime import date

import httpx
import pytest

from apps.monitoring import services
from apps.ops.loadcheck import ConnectionSampler, Oracle, run_load
from project.looplag import LoopLag
from tests.support.server import UvicornServer

pytestmark = pytest.mark.django_db(transaction=True)

POOL_MAX = 4  # per alias per worker, small so that the bound is tight


def seed() -> None:
    services.demo_seed(
        seed=8, wells=20, years=2, transducer_wells=1, transducer_days=10, end=date(2026, 6, 30)
    )


def peak_connections_under_load(
    env: dict[str, str], *, requests: int = 1000, app: str = "project.asgi:application"
) -> tuple[int, object]:
    """Peak connections held by a two-worker server (tagged by libpq's PGAPPNAME, so the
    test process's own connections are not counted)."""
    oracle = Oracle.read()
    server = UvicornServer(workers=2, env={**env, "PGAPPNAME": "piezo-under-test"}, app=app).start()
    try:
        with ConnectionSampler(interval_s=0.02, application_name="piezo-under-test") as sampler:
            report = asyncio.run(
                run_load(base_url=server.url, oracle=oracle, requests=requests, concurrency=50)
            )
            time.sleep(0.2)
    finally:
        server.stop()
    return sampler.peak, report


@pytest.mark.only_on("postgresql")
def test_connections_stay_within_the_pools():
    seed()
    env = {"DB_POOL_MIN_SIZE": "1", "DB_POOL_MAX_SIZE": str(POOL_MAX)}
    peak, report = peak_connections_under_load(env)
    assert report.ok, (report.statuses, report.wrong[:5])
    # Two workers, each with a pool for "default" and one for "readonly".
    budget = 2 * (POOL_MAX + POOL_MAX)
    assert 0 < peak <= budget, f"peak {peak} > budget {budget}"


@pytest.mark.only_on("postgresql")
def test_persistent_connections_without_a_pool_pile_up():
    """The control: CONN_MAX_AGE>0 under ASGI (what piezo.E001 and project/asgi.py refuse)
    leaves a connection per request thread, well past what the pools allow."""
    seed()
    env = {"DB_POOL": "false", "DB_CONN_MAX_AGE": "60"}
    peak, report = peak_connections_under_load(
        env, requests=600, app="tests.support.unguarded_asgi:application"
    )
    assert peak > 2 * (POOL_MAX + POOL_MAX), f"expected a pile-up, saw {peak}"


def test_async_endpoints_do_not_block_the_event_loop():
    """At light concurrency (so CPU and GIL contention from the load itself stay small),
    any sync call inside an async view would show as loop lag of its own duration."""
    seed()
    server = UvicornServer(workers=1).start()
    try:
        oracle = Oracle.read()
        report = asyncio.run(
            run_load(base_url=server.url, oracle=oracle, requests=400, concurrency=4)
        )
        lag = httpx.get(f"{server.url}/api/health").json()["event_loop"]
    finally:
        server.stop()
    assert report.ok, report.wrong[:5]
    assert lag["samples"] > 10
    assert lag["max_ms"] < 50, lag


def test_the_probe_sees_a_blocking_call():
    """The probe itself: a coroutine that blocks the loop for 120 ms shows as lag."""

    async def main() -> LoopLag:
        probe = LoopLag(interval_s=0.01, threshold_ms=50)
        probe.ensure_running()
        await asyncio.sleep(0.05)
        time.sleep(0.12)  # noqa: ASYNC251 - deliberately the call an async view must never make
        await asyncio.sleep(0.05)
        return probe

    probe = asyncio.run(main())
    assert probe.max_ms >= 100 and probe.over_threshold >= 1
