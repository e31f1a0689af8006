"""Websocket consumers. Async; they read through the same async selectors as the API, after
aclose_old_connections() (a websocket has no request end at which Django would close the
connections the async ORM's thread holds)."""

import asyncio
import json
import logging
import time

from channels.db import aclose_old_connections
from channels.generic.websocket import AsyncWebsocketConsumer

from apps.monitoring import selectors
from apps.monitoring.storable import text_problem

from .groups import STATS_GROUP, well_group

logger = logging.getLogger(__name__)

NOT_FOUND = 4404
TOO_MANY_MESSAGES = 4429
FEED_UNAVAILABLE = 4503


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


class LiveConsumer(RateLimitedJsonConsumer):
    """A subscriber to channel-layer groups. If the layer (Redis) is down when it joins, or
    is lost while it is connected (ADR-0006), the client gets a ``feed_unavailable`` frame
    and close code 4503 so that it reconnects and re-reads. HTTP is not affected.

    Memberships expire in the layer (channels_redis's ``group_expiry``, a day), so a
    long-lived connection renews them well before that."""

    membership_renewal_s = 3600.0

    async def join(self, group: str) -> bool:
        try:
            await self.channel_layer.group_add(group, self.channel_name)
        except Exception:
            logger.warning("Live feed unavailable: cannot join %s", group, exc_info=True)
            await self.feed_lost({})
            return False
        self.groups_joined = [*getattr(self, "groups_joined", []), group]
        if getattr(self, "renewal", None) is None:
            self.renewal = asyncio.get_running_loop().create_task(self._renew_memberships())
        return True

    async def _renew_memberships(self) -> None:
        while True:
            await asyncio.sleep(self.membership_renewal_s)
            for group in self.groups_joined:
                try:
                    await self.channel_layer.group_add(group, self.channel_name)
                except Exception:
                    logger.warning("Cannot renew membership of %s", group, exc_info=True)

    async def disconnect(self, code):
        if getattr(self, "renewal", None) is not None:
            self.renewal.cancel()
        for group in getattr(self, "groups_joined", []):
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:
                logger.info("Cannot leave %s (the feed is down)", group)

    async def feed_lost(self, event):
        # Every receive after the first failure says so again until the close is through.
        if getattr(self, "feed_closed", False):
            return
        self.feed_closed = True
        await self.send_json(
            {
                "type": "error",
                "code": "feed_unavailable",
                "detail": "Live updates are unavailable right now; reconnect later.",
            }
        )
        await self.close(code=FEED_UNAVAILABLE)


async def audience_of(scope: dict) -> selectors.Audience:
    """What the websocket's user (its session's, or anonymous) may see (ADR-0012)."""
    return await selectors.audience_aget(user=scope["user"])


class WellConsumer(LiveConsumer):
    """ws/wells/<site_no>/: each new reading of that well that the subscriber may see,
    shaped as the REST API's. A well the subscriber may not see is closed with 4404, as one
    that does not exist."""

    async def connect(self):
        self.site_no = self.scope["url_route"]["kwargs"]["site_no"]
        await aclose_old_connections()
        self.audience = await audience_of(self.scope)
        # A site number no database can store names no well (apps/monitoring/storable.py).
        well = text_problem(self.site_no) is None and await selectors.well_scope_aget(
            site_no=self.site_no, audience=self.audience
        )
        await self.accept()
        if not well:
            await self.close(code=NOT_FOUND)
            return
        if await self.join(well_group(self.site_no)):
            await self.send_json({"type": "subscribed", "site_no": self.site_no})

    async def observations_created(self, event):
        # One layer message per well per commit carries the batch for every subscriber
        # (apps/live/publisher.py), each reading marked public or not; the client hears one
        # frame per reading it may see.
        for observation in event["observations"]:
            if observation["public"] or self.audience.private_data:
                shown = {k: v for k, v in observation.items() if k != "public"}
                await self.send_json({"type": "observation", "observation": shown})


class StatsConsumer(LiveConsumer):
    """ws/stats/: the /api/stats figures now, then whenever they change, at most once a
    second: a burst of changes (an import of 100,000 rows, a busy logger) is one message."""

    min_interval_s = 1.0

    async def connect(self):
        self.audience = await audience_of(self.scope)
        await self.accept()
        self.sent_at = 0.0
        self.pending = None
        if await self.join(STATS_GROUP):
            await self._send_stats()

    async def disconnect(self, code):
        if getattr(self, "pending", None):
            self.pending.cancel()
        await super().disconnect(code)

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
        stats = await selectors.stats_aget(audience=self.audience)
        self.sent_at = time.monotonic()
        await self.send_json({"type": "stats", "stats": stats})
