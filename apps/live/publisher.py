"""Forwards committed domain events (apps/monitoring/events.py) to websocket clients
through the channel layer: a well's new readings to its group, one message per well per
commit carrying the batch, and a "stats changed" notice to the stats group (whose consumers
coalesce bursts to one message a second).

The fan-out leaves the writer's request (issue 22): on commit, in the thread that
committed, the event is only handed to the server's event loop, where one task per loop
forwards events in commit order, reading the readings through the async selectors. A
10,000-reading POST returns without waiting for a query or a single ``group_send``. Where
there is no server loop (a management command, P0's WSGI workers) the event is forwarded
synchronously, as a command can afford.

If the channel layer fails (Redis down), the failure is logged and the write stands;
channels_redis reconnects on the next call once Redis is back."""

import asyncio
import contextvars
import logging
import os
import time
import weakref

import psycopg
from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.db import InterfaceError, OperationalError
from psycopg_pool import PoolTimeout

from apps.monitoring import selectors
from apps.monitoring.asyncdriver import on_own_connection
from apps.monitoring.contract import EventKind

from .groups import STATS_GROUP, well_group

logger = logging.getLogger(__name__)

# Readings per channel-layer message: a 10,000-reading batch is five messages, not 10,000
# (channels_redis drops what overflows a channel's capacity of 100 messages).
BATCH_MESSAGE_SIZE = 2000

_queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Queue] = (
    weakref.WeakKeyDictionary()
)
_forwarders: set[asyncio.Task] = set()


def live_event_forward(event: dict) -> None:
    """The events subscriber: hand ``event`` to the server's loop, or forward it now."""
    if get_channel_layer() is None:
        return
    loop = _server_loop()
    if loop is None:
        _forward_now(event)
    else:
        # A fresh context: the committing thread's belongs to its request (asgiref marks it
        # as inside the thread-sensitive executor, so the forwarder's reads would refuse to
        # run: "Single thread executor already being used, would deadlock").
        loop.call_soon_threadsafe(_enqueue, event, context=contextvars.Context())


def _server_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop of the ASGI server this thread works for (asgiref records it in the
    threads that run sync code for it), or None."""
    try:
        return asyncio.get_running_loop()  # an async caller: already on the loop
    except RuntimeError:
        pass
    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    return loop if loop is not None and loop.is_running() else None


def _enqueue(event: dict) -> None:
    """On the loop: queue the event for this loop's forwarder, starting it if need be."""
    loop = asyncio.get_running_loop()
    queue = _queues.get(loop)
    if queue is None:
        queue = _queues[loop] = asyncio.Queue()
        task = loop.create_task(_forward_queued(queue), name="piezo-live-forwarder")
        _forwarders.add(task)
        task.add_done_callback(_forwarders.discard)
    queue.put_nowait(event)


# The database being away (restarting, its pool exhausted) while an event waits: the write
# it announces is committed and stands, the API answers 503 meanwhile and says so; a
# subscriber re-reads when it reconnects. A warning, as the API logs it, not a traceback.
DATABASE_AWAY = (OperationalError, InterfaceError, psycopg.OperationalError, PoolTimeout)


async def _forward_queued(queue: asyncio.Queue) -> None:
    while True:
        event = await queue.get()
        try:
            await _aforward(event)
        except DATABASE_AWAY as error:
            logger.warning(
                "Live forwarding skipped %s: the database is away (%s)", event["kind"], error
            )
        except Exception:
            logger.exception("Live forwarding failed for %s", event["kind"])


def _messages(event: dict, readings: list[dict]) -> list[tuple[str, dict]]:
    """What ``event`` sends, as (group, message): its well's new readings in batches, then
    the stats notice that every kind of event (a reading, a well, a sample, an import, a
    rebuild) calls for."""
    messages = [
        (
            well_group(event["site_no"]),
            {"type": "observations.created", "observations": readings[i : i + BATCH_MESSAGE_SIZE]},
        )
        for i in range(0, len(readings), BATCH_MESSAGE_SIZE)
    ]
    return [*messages, (STATS_GROUP, {"type": "stats.changed"})]


def _created_ids(event: dict) -> list[int]:
    return event["observation_ids"] if event["kind"] == EventKind.OBSERVATIONS_CREATED else []


async def _aforward(event: dict) -> None:
    layer = get_channel_layer()
    started = time.perf_counter()
    readings = []
    if ids := _created_ids(event):
        readings = await on_own_connection(selectors.observation_apayloads(ids=ids))
    for group, message in _messages(event, readings):
        await layer.group_send(group, message)
    logger.debug("Forwarded %s in %.1f ms", event["kind"], (time.perf_counter() - started) * 1000)


def _forward_now(event: dict) -> None:
    """The synchronous path, for a thread that serves no event loop."""
    ids = _created_ids(event)
    readings = selectors.observation_payloads(ids=ids) if ids else []
    send = async_to_sync(get_channel_layer().group_send)
    for group, message in _messages(event, readings):
        send(group, message)
