"""project/requestthreads.py: a request's thread-sensitive work runs on one thread of its
own, lent from a pool, and a thread is reused only after its request ended normally."""

import asyncio
import threading

import pytest
from asgiref.sync import sync_to_async

from project.requestthreads import RequestThreadMiddleware

HTTP = {"type": "http"}


def recording_app(threads: list[set[int]], *, meet: asyncio.Barrier | None = None, fail=False):
    """An ASGI app that makes three thread-sensitive calls and notes their threads; with
    ``meet``, every request waits after each call until all of them have made it."""

    async def app(scope, receive, send):
        seen = set()
        for _ in range(3):
            seen.add(await sync_to_async(threading.get_ident)())
            if meet is not None:
                await meet.wait()
        threads.append(seen)
        if fail:
            raise RuntimeError("the view failed")

    return app


@pytest.mark.asyncio
async def test_a_request_keeps_one_thread_and_the_next_request_reuses_it():
    threads: list[set[int]] = []
    middleware = RequestThreadMiddleware(recording_app(threads))
    await middleware(HTTP, None, None)
    await middleware(HTTP, None, None)

    first, second = threads
    assert len(first) == 1 and first == second
    assert threading.get_ident() not in first


@pytest.mark.asyncio
async def test_concurrent_requests_never_share_a_thread():
    threads: list[set[int]] = []
    # The barrier holds all four inside at once, however slow the machine.
    middleware = RequestThreadMiddleware(recording_app(threads, meet=asyncio.Barrier(4)))
    requests = asyncio.gather(*(middleware(HTTP, None, None) for _ in range(4)))
    await asyncio.wait_for(requests, timeout=30)  # requests run one by one would never meet

    assert all(len(seen) == 1 for seen in threads)
    assert len(set.union(*threads)) == 4


@pytest.mark.asyncio
async def test_a_thread_whose_request_failed_is_not_lent_again():
    threads: list[set[int]] = []
    failing = RequestThreadMiddleware(recording_app(threads, fail=True))
    with pytest.raises(RuntimeError, match="the view failed"):
        await failing(HTTP, None, None)
    assert failing._idle == []

    failing.app = recording_app(threads)
    await failing(HTTP, None, None)
    assert threads[0] != threads[1]
    assert len(failing._idle) == 1


@pytest.mark.asyncio
async def test_only_http_is_lent_a_thread():
    threads: list[set[int]] = []
    middleware = RequestThreadMiddleware(recording_app(threads))
    await middleware({"type": "websocket"}, None, None)
    assert middleware._idle == []
