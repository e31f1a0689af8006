"""``pytest --loop-block-ms=N``: fail an async test during which a route blocked the event
loop for N ms or more (project/loopguard.py, ADR-0004's runtime confirmation).

In this process the guard watches each async test's loop (the test client serves requests
on it); the servers the tests start (tests/support/server.py) get ``PIEZO_LOOP_GUARD_MS``
and log their stalls. Blocking outside a request (the test's own set-up) is not a route's
fault and does not fail the test."""

import os

import pytest
from pytest_asyncio import is_async_test

from project.loopguard import LoopGuard

GUARDS = pytest.StashKey[LoopGuard]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--loop-block-ms",
        type=int,
        default=0,
        help="Fail an async test when a route blocks the event loop this long (ms; 0: off).",
    )


def pytest_configure(config: pytest.Config) -> None:
    threshold = config.getoption("--loop-block-ms")
    if threshold:
        os.environ["PIEZO_LOOP_GUARD_MS"] = str(threshold)


@pytest.fixture(autouse=True)
def _loop_guard(request: pytest.FixtureRequest):
    threshold = request.config.getoption("--loop-block-ms")
    if not threshold or not is_async_test(request.node):
        yield None
        return
    # pytest-asyncio's runner for function-scoped loops: the loop this test will run on.
    runner = request.getfixturevalue("_function_scoped_runner")
    guard = LoopGuard(threshold, on_block=lambda block: None).install(runner.get_loop())
    request.node.stash[GUARDS] = guard
    yield guard
    guard.uninstall()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    result = yield
    guard = item.stash.get(GUARDS, None)
    blocks = [b for b in guard.blocks if b.route] if guard is not None else []
    if blocks:
        limit = item.config.getoption("--loop-block-ms")
        pytest.fail(
            f"a route blocked the event loop for {limit} ms or more "
            f"(--loop-block-ms={limit}):\n\n" + "\n".join(str(b) for b in blocks),
            pytrace=False,
        )
    return result
