"""Websocket consumers. Async; the database only through database_sync_to_async, after
aclose_old_connections() (a websocket has no request end at which Django would close them)."""

import asyncio
import json
import logging
import time

from channels.db import aclose_old_connections, database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from apps.monitoring import selectors

from .groups import STATS_GROUP, well_group

logger = logging.getLogger(__name__)

NOT_FOUND = 4404
TOO_MANY_MESSAGES = 4429
FEED_UNAVAILABLE = 4503


async def join_group(consumer: AsyncWebsocketConsumer, group: str) -> bool:
    """Join a channel-layer group; if the layer (Redis) is down, tell the client the feed
    is unavailable and close, so it can retry later. HTTP is not affected."""
    try:
        await consumer.channel_layer.group_add(group, consumer.channel_name)
    except Exception:
        logger.warning("Live feed unavailable: cannot join %s", group, exc_info=True)
        await consumer.send(
            text_data=json.dumps(
                {
                    "type": "error",
                    "code": "feed_unavailable",
                    "detail": "Live updates are unavailable right now; reconnect later.",
                }
            )
        )
        await consumer.close(code=FEED_UNAVAILABLE)
        return False
    return True


class RateLimitedJsonConsumer(AsyncWebsocketConsumer):
    """JSON in and out; bad or unknown client messages get an error frame and the
    connection stays open; a flood is rate-limited (a token bucket), not buffered."""

    rate_per_s = 5.0
    burst = 10
    max_dropped = 200  # then the client is disconnected

    async def websocket_connect(self, message):
        self.tokens = float(self.burst)
        self.refilled_at = time.monotonic()
        self.dropped = 0
        await super().websocket_connect(message)

    async def send_json(self, content: dict) -> None:
        await self.send(text_data=json.dumps(content, default=str))

    async def receive(self, text_data=None, bytes_data=None):
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.refilled_at) * self.rate_per_s)
        self.refilled_at = now
        if self.tokens < 1:
            self.dropped += 1
            if self.dropped >= self.max_dropped:
                await self.close(code=TOO_MANY_MESSAGES)
            elif self.dropped == 1 or self.dropped % 50 == 0:
                await self.send_json(
                    {
                        "type": "error",
                        "code": "rate_limited",
                        "detail": f"At most {self.rate_per_s:g} messages a second.",
                    }
                )
            return
        self.tokens -= 1
        try:
            content = json.loads(text_data if text_data is not None else bytes_data)
        except (TypeError, ValueError, UnicodeDecodeError):
            await self.send_json(
                {"type": "error", "code": "invalid_json", "detail": "Send JSON objects."}
            )
            return
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_json(
                {
                    "type": "error",
                    "code": "unknown_message",
                    "detail": f'Unknown message type {kind!r}; send {{"type": "ping"}}.',
                }
            )


class WellConsumer(RateLimitedJsonConsumer):
    """ws/wells/<site_no>/: each new reading of that well, shaped as the REST API's."""

    async def connect(self):
        self.site_no = self.scope["url_route"]["kwargs"]["site_no"]
        await aclose_old_connections()
        exists = await database_sync_to_async(selectors.well_exists)(site_no=self.site_no)
        await self.accept()
        if not exists:
            await self.close(code=NOT_FOUND)
            return
        group = well_group(self.site_no)
        if not await join_group(self, group):
            return
        self.group = group
        await self.send_json({"type": "subscribed", "site_no": self.site_no})

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def observation_created(self, event):
        await self.send_json({"type": "observation", "observation": event["observation"]})


class StatsConsumer(RateLimitedJsonConsumer):
    """ws/stats/: the /api/stats figures now, then whenever they change, at most once a
    second: a burst of changes (an import of 100,000 rows, a busy logger) is one message."""

    min_interval_s = 1.0

    async def connect(self):
        await self.accept()
        self.sent_at = 0.0
        self.pending = None
        if not await join_group(self, STATS_GROUP):
            return
        self.joined = True
        await self._send_stats()

    async def disconnect(self, code):
        if getattr(self, "pending", None):
            self.pending.cancel()
        if getattr(self, "joined", False):
            await self.channel_layer.group_discard(STATS_GROUP, self.channel_name)

    async def stats_changed(self, event):
        if self.pending is None or self.pending.done():
            self.pending = asyncio.get_running_loop().create_task(self._send_later())

    async def _send_later(self):
        wait = self.sent_at + self.min_interval_s - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        await self._send_stats()

    async def _send_stats(self):
        await aclose_old_connections()
        stats = await database_sync_to_async(selectors.stats_get)()
        self.sent_at = time.monotonic()
        await self.send_json({"type": "stats", "stats": stats})
