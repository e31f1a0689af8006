"""The loop guard (project/loopguard.py, ADR-0004's runtime confirmation): a route that
blocks the event loop is reported with its route, how long and the stack; blocking outside
a request is not blamed on a route; ``pytest --loop-block-ms`` fails the test; a server
with PIEZO_LOOP_GUARD_MS logs it."""

import asyncio
import subprocess
import sys
import time

import httpx
import pytest
from django.conf import settings
from django.test import AsyncClient

from project.loopguard import LoopGuard

# tests/ops/checklist_fixtures.py: /sleeping/ calls time.sleep(0.1) in an async view.
FIXTURE_URLCONF = "tests.ops.checklist_fixtures"


@pytest.fixture
def fixture_routes(settings):
    settings.ROOT_URLCONF = FIXTURE_URLCONF


@pytest.mark.asyncio
async def test_a_blocking_route_is_named_with_its_duration_and_stack(fixture_routes):
    guard = LoopGuard(50, on_block=lambda block: None).install(asyncio.get_running_loop())
    await asyncio.sleep(0.05)  # the first heartbeat
    try:
        assert (await AsyncClient().get("/sleeping/")).status_code == 200
        assert (await AsyncClient().post("/class/")).status_code == 200  # awaits only
        await asyncio.sleep(0.05)
    finally:
        guard.uninstall()
    # Only the sleep is the route's blocking (a first request may also import its URLconf
    # on the loop, which the guard reports too, under the same route).
    (block,) = [b for b in guard.blocks if "time.sleep(0.1)" in "".join(b.stack)]
    assert block.route == "GET /sleeping/"
    assert block.duration_ms >= 80  # the sleep's 100 ms, less at most one heartbeat interval
    assert "checklist_fixtures.py" in "".join(block.stack)
    assert "GET /sleeping/" in str(block)
    assert not [b for b in guard.blocks if b.route == "POST /class/"]  # it only awaits


@pytest.mark.asyncio
async def test_blocking_outside_a_request_names_no_route():
    guard = LoopGuard(50, on_block=lambda block: None).install(asyncio.get_running_loop())
    await asyncio.sleep(0.05)
    time.sleep(0.1)  # noqa: ASYNC251 - the test's own blocking: not a route's
    await asyncio.sleep(0.05)
    guard.uninstall()
    assert guard.blocks and {b.route for b in guard.blocks} == {""}


def test_the_pytest_option_fails_a_test_whose_route_blocks():
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/project/loopguard_probe.py",
            "--loop-block-ms=50",
            "-p",
            "no:cacheprovider",
            "-q",
        ],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stdout[-2000:]
    assert "1 failed, 1 passed" in done.stdout
    assert "FAILED tests/project/loopguard_probe.py::test_route_that_sleeps" in done.stdout
    assert "during GET /sleeping/" in done.stdout
    assert "time.sleep(0.1)" in done.stdout


@pytest.mark.django_db(transaction=True)
def test_a_server_with_the_guard_logs_the_blocking_route():
    from tests.support.server import UvicornServer

    server = UvicornServer(
        env={"PIEZO_URLCONF": FIXTURE_URLCONF, "PIEZO_LOOP_GUARD_MS": "50"}
    ).start(healthy=False)
    try:
        assert httpx.get(f"{server.url}/sleeping/", timeout=10).status_code == 200
        deadline = time.monotonic() + 5
        while "during GET /sleeping/" not in server.output() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        server.stop()
    log = server.output()
    assert "event loop blocked for" in log and "during GET /sleeping/" in log, log[-2000:]
    assert "time.sleep(0.1)" in log
