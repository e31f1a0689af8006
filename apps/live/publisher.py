"""Forwards committed domain events (apps/monitoring/events.py) to websocket clients
through the channel layer: each new reading to its well's group, and a "stats changed"
notice to the stats group (whose consumers coalesce bursts to one message a second).

It runs on commit, in whatever thread committed (an API write, an admin save, an import).
If the channel layer fails (Redis down), the failure is logged and the write stands: the
events module catches and logs subscriber errors, and channels_redis reconnects on the next
call once Redis is back."""

import logging
import time

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from apps.monitoring import selectors

from .groups import STATS_GROUP, well_group

logger = logging.getLogger(__name__)


def live_event_forward(event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    started = time.perf_counter()
    send = async_to_sync(layer.group_send)
    if event["kind"] == "observations.created":
        for reading in selectors.observation_payloads(ids=event["observation_ids"]):
            send(
                well_group(reading["site_no"]),
                {"type": "observation.created", "observation": reading},
            )
    # Every kind of event (a reading, a well, a sample, an import, a rebuild) changes the
    # figures behind /api/stats.
    send(STATS_GROUP, {"type": "stats.changed"})
    logger.debug("Forwarded %s in %.1f ms", event["kind"], (time.perf_counter() - started) * 1000)
