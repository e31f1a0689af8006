import asyncio

import pytest

from apps.monitoring.singleflight import SingleFlight

pytestmark = pytest.mark.asyncio


async def test_concurrent_callers_share_one_run_and_later_callers_start_a_new_one():
    flight, runs = SingleFlight(), []

    async def compute():
        runs.append(len(runs))
        await asyncio.sleep(0.05)
        return len(runs)

    first = await asyncio.gather(*(flight.run(compute) for _ in range(20)))
    assert first == [1] * 20 and len(runs) == 1
    # Nothing is kept: a caller after the run (after a write, say) gets a fresh answer.
    assert await flight.run(compute) == 2


async def test_a_follower_runs_its_own_when_the_shared_run_fails():
    flight, calls = SingleFlight(), []

    async def compute():
        calls.append(None)
        await asyncio.sleep(0.02)
        if len(calls) == 1:
            raise ConnectionError("the leader's database call failed")
        return "ok"

    leader, follower = await asyncio.gather(
        flight.run(compute), flight.run(compute), return_exceptions=True
    )
    assert isinstance(leader, ConnectionError) and follower == "ok"


async def test_a_cancelled_leader_does_not_cancel_its_followers():
    flight = SingleFlight()

    async def compute():
        await asyncio.sleep(0.05)
        return 42

    leader = asyncio.create_task(flight.run(compute))
    await asyncio.sleep(0)
    follower = asyncio.create_task(flight.run(compute))
    await asyncio.sleep(0.01)
    leader.cancel()
    assert await follower == 42
    with pytest.raises(asyncio.CancelledError):
        await leader
