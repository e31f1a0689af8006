"""The Redis channel layer with Piezo's timeouts and failure policy (ADR-0006).

channels_redis receives with a blocking BZPOPMIN of ``brpop_timeout`` seconds on the same
connection pool that sends, so the pool's ``socket_timeout`` must outlast that wait: a
shorter one cut every idle websocket after it (``TimeoutError: Timeout reading from``).
Here the blocking wait is short and the layer sets the socket timeout a little longer than
it (``RECEIVE_SOCKET_TIMEOUT_S``, whatever the settings say), which keeps a write's publish
failing within seconds when Redis hangs, while a quiet websocket waits as long as it likes.

When Redis goes away, the receive loop fails. channels_redis raises that failure in the one
consumer that happened to be receiving and then in the next one, each dying with an
internal error. Instead, every consumer of this process is told the feed was lost (a
``feed.lost`` message), closes with 4503 and reconnects: its group memberships died with
Redis, so staying connected would mean receiving nothing."""

import asyncio
import logging

from channels_redis.core import RedisChannelLayer as BaseRedisChannelLayer
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

FEED_LOST = {"type": "feed.lost"}
# BZPOPMIN's wait: an idle process asks Redis once a second, which costs nothing.
BLOCKING_RECEIVE_S = 1
# Longer than the blocking wait, so only a Redis that stopped answering trips it.
RECEIVE_SOCKET_TIMEOUT_S = BLOCKING_RECEIVE_S + 2


class RedisChannelLayer(BaseRedisChannelLayer):
    brpop_timeout = BLOCKING_RECEIVE_S

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for host in self.hosts:
            host["socket_timeout"] = RECEIVE_SOCKET_TIMEOUT_S
        # One event per receive() under way in this process: all are set when one fails.
        self._receivers: set[asyncio.Event] = set()

    async def receive(self, channel: str) -> dict:
        lost = asyncio.Event()
        self._receivers.add(lost)
        receiving = asyncio.ensure_future(super().receive(channel))
        told = asyncio.ensure_future(lost.wait())
        try:
            done, _ = await asyncio.wait({receiving, told}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self._receivers.discard(lost)
            told.cancel()
            if not receiving.done():
                # Nothing is lost by cancelling: channels_redis keeps a message in a backup
                # queue until it is handed over.
                receiving.cancel()
        if receiving not in done:
            return FEED_LOST
        try:
            return receiving.result()
        except (RedisError, OSError) as exc:
            # Expected while Redis restarts: one line, not a traceback per consumer.
            logger.warning(
                "Live feed lost (%s: %s); closing %d more consumer(s) with 4503",
                type(exc).__name__,
                exc,
                len(self._receivers),
            )
            for event in self._receivers:
                event.set()
            return FEED_LOST
