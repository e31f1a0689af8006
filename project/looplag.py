"""Event-loop lag, measured in each server process by a small periodic probe.

The probe sleeps ``interval`` seconds and measures how late it wakes: a sync call inside an
``async def`` (a blocking ORM call, ``time.sleep``) shows up here as lag, for every request
on that worker. The figures are in /api/health; a lag past the threshold is logged.
"""

import asyncio
import logging
import os
import time
from collections import deque
from dataclasses import dataclass, field

logger = logging.getLogger("piezo.looplag")


@dataclass
class LoopLag:
    interval_s: float = 0.02
    threshold_ms: float = float(os.environ.get("PIEZO_LOOP_LAG_THRESHOLD_MS", "50"))
    samples: int = 0
    last_ms: float = 0.0
    max_ms: float = 0.0
    over_threshold: int = 0
    # The last recent_s seconds of samples: the worst recent lag, which a dashboard (or the
    # benchmarks) can poll, where max_ms never forgets the start-up.
    recent_s: float = 5.0
    recent: deque = field(init=False)
    _task: asyncio.Task | None = None

    def __post_init__(self) -> None:
        self.recent = deque(maxlen=round(self.recent_s / self.interval_s))

    def ensure_running(self) -> None:
        """Start the probe on the running loop (once per process and loop)."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._probe())

    async def _probe(self) -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(self.interval_s)
            lag_ms = max(0.0, (time.perf_counter() - started - self.interval_s) * 1000)
            self.samples += 1
            self.last_ms = lag_ms
            self.recent.append(lag_ms)
            self.max_ms = max(self.max_ms, lag_ms)
            if lag_ms > self.threshold_ms:
                self.over_threshold += 1
                logger.warning(
                    "Event loop lagged %.1f ms (threshold %.0f ms)", lag_ms, self.threshold_ms
                )

    def snapshot(self) -> dict:
        return {
            "pid": os.getpid(),
            "samples": self.samples,
            "last_ms": round(self.last_ms, 2),
            "max_ms": round(self.max_ms, 2),
            "recent_max_ms": round(max(self.recent, default=0.0), 2),
            "recent_s": self.recent_s,
            "threshold_ms": self.threshold_ms,
            "over_threshold": self.over_threshold,
        }


monitor = LoopLag()


class LoopLagMiddleware:
    """ASGI layer that starts the probe with the first connection the server hands us
    (Django's ASGI handler does not take part in lifespan events)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        monitor.ensure_running()
        await self.app(scope, receive, send)
