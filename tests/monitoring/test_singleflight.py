"""SingleFlight, driven by events rather than sleeps: each computation waits for the test to
release it, so "concurrent" means exactly the callers that joined before the release."""

import asyncio

import pytest

from apps.monitoring.singleflight import SingleFlight

pytestmark = pytest.mark.asyncio


async def joined() -> None:
    """Let every task created so far run to its first wait (one turn of the loop each)."""
    for _ in range(3):
        await asyncio.sleep(0)


async def test_concurrent_callers_share_one_run_and_later_callers_start_a_new_one():
    flight, runs, release = SingleFlight(), [], asyncio.Event()

    async def compute():
        runs.append(len(runs))
        await release.wait()
        return len(runs)

    callers = [asyncio.create_task(flight.run(compute)) for _ in range(20)]
    await joined()
    assert len(runs) == 1  # nineteen followers wait on the leader's run
    release.set()
    assert await asyncio.gather(*callers) == [1] * 20
    # Nothing is kept: a caller after the run (after a write, say) gets a fresh answer.
    assert await flight.run(compute) == 2


async def test_a_follower_runs_its_own_when_the_shared_run_fails():
    flight, calls, release = SingleFlight(), [], asyncio.Event()

    async def compute():
        calls.append(None)
        if len(calls) == 1:
            await release.wait()
            raise ConnectionError("the leader's database call failed")
        return "ok"

    leader = asyncio.create_task(flight.run(compute))
    follower = asyncio.create_task(flight.run(compute))
    await joined()
    release.set()
    results = await asyncio.gather(leader, follower, return_exceptions=True)
    assert isinstance(results[0], ConnectionError) and results[1] == "ok"
    assert len(calls) == 2


async def test_a_cancelled_leader_does_not_cancel_its_followers():
    flight, release = SingleFlight(), asyncio.Event()

    async def compute():
        await release.wait()
        return 42

    leader = asyncio.create_task(flight.run(compute))
    await joined()
    follower = asyncio.create_task(flight.run(compute))
    await joined()
    leader.cancel()
    release.set()
    assert await follower == 42
    with pytest.raises(asyncio.CancelledError):
        await leader
