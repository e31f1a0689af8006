"""Catch the event loop blocked during a request, at run time, and name the route.

The migration checklist reads the code (ADR-0004); what it cannot see (a C extension that
holds the GIL, a template tag that queries, a helper reached through a registry) still
blocks every request when it runs. This guard sees it: a heartbeat callback on the loop
measures how late it runs, and a watchdog thread, when the heartbeat is overdue, samples the
loop thread's stack. The stall is reported when the loop comes back, with how long it was
blocked, the stack the watchdog saw, and the request it belonged to: the ASGI ``scope``
found on that stack (Django's handler, channels' consumer and the test client all hold it
in a local), so blocking outside any request (start-up, a test's own code) is not blamed on
a route.

It is for development and tests (ADR-0004, "Runtime confirmation"): ``PIEZO_LOOP_GUARD_MS``
turns it on for a server (project/asgi.py; local settings default to 250 ms), and
``pytest --loop-block-ms=N`` fails any async test during which a route blocked the loop
for N ms or more (tests/plugins/loopguard.py).
"""

import asyncio
import logging
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

logger = logging.getLogger("piezo.loopguard")

# The frames worth showing: ours, and the library frame that actually blocks.
STACK_DEPTH = 12


@dataclass(frozen=True)
class Block:
    route: str  # "GET /api/wells" or "WS /ws/stats/"; "" when no request was on the stack
    duration_ms: float
    stack: tuple[str, ...] = field(default=())  # formatted frames, innermost last

    def __str__(self) -> str:
        where = self.route or "outside any request"
        frames = "".join(self.stack) or "  (no stack sampled)\n"
        return f"event loop blocked for {self.duration_ms:.0f} ms during {where}:\n{frames}"


def _route(frame) -> str:
    """The request whose code is on this stack, from the innermost frame that holds one: a
    Django request (views, middleware), an ASGI scope (handlers, the test client) or a
    consumer's scope (websockets)."""
    from django.http import HttpRequest

    while frame is not None:
        names = frame.f_code.co_varnames
        local = frame.f_locals
        request = local.get("request") if "request" in names else None
        if isinstance(request, HttpRequest):
            return f"{request.method} {request.path}"
        scope = local.get("scope") if "scope" in names else None
        if scope is None and "self" in names:
            scope = getattr(local.get("self"), "scope", None)
        if isinstance(scope, dict) and scope.get("type") in ("http", "websocket"):
            method = scope.get("method", "GET") if scope["type"] == "http" else "WS"
            return f"{method} {scope.get('path', '?')}"
        frame = frame.f_back
    return ""


class LoopGuard:
    """Watches one event loop. ``install`` may run before the loop does."""

    def __init__(
        self, threshold_ms: float, *, on_block: Callable[[Block], None] | None = None
    ) -> None:
        self.threshold = threshold_ms / 1000
        # Beat four times per threshold: a stall is seen within a quarter of it.
        self.interval = max(self.threshold / 4, 0.005)
        self.on_block = on_block or (lambda block: logger.warning("%s", block))
        self.blocks: list[Block] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread_id: int | None = None
        self._last_beat = time.monotonic()
        self._sample: tuple[str, tuple[str, ...]] | None = None
        self._handle: asyncio.TimerHandle | None = None
        self._stopped = threading.Event()
        self._watchdog: threading.Thread | None = None

    def install(self, loop: asyncio.AbstractEventLoop) -> "LoopGuard":
        self._loop = loop
        loop.call_soon(self._first_beat)
        return self

    def uninstall(self) -> None:
        self._stopped.set()
        if self._handle is not None:
            self._handle.cancel()
        if self._watchdog is not None:
            self._watchdog.join(timeout=1)

    # -- on the loop ---------------------------------------------------------------------
    def _first_beat(self) -> None:
        self._thread_id = threading.get_ident()
        self._last_beat = time.monotonic()
        self._watchdog = threading.Thread(target=self._watch, name="piezo-loopguard", daemon=True)
        self._watchdog.start()
        self._handle = self._loop.call_later(self.interval, self._beat)

    def _beat(self) -> None:
        now = time.monotonic()
        late = now - self._last_beat - self.interval
        sample, self._sample = self._sample, None
        self._last_beat = now
        if late >= self.threshold:
            route, stack = sample or ("", ())
            block = Block(route, late * 1000, stack)
            self.blocks.append(block)
            self.on_block(block)
        if not self._stopped.is_set():
            self._handle = self._loop.call_later(self.interval, self._beat)

    # -- on the watchdog thread -----------------------------------------------------------
    def _watch(self) -> None:
        while not self._stopped.wait(self.interval):
            overdue = time.monotonic() - self._last_beat - self.interval
            # Sample once per stall, again while the sample names no request (the loop may
            # have been stopped, then resumed into a route's blocking code).
            if overdue < self.threshold / 2 or (self._sample is not None and self._sample[0]):
                continue
            frame = sys._current_frames().get(self._thread_id)
            if frame is None:
                continue
            stack = tuple(traceback.format_stack(frame, limit=STACK_DEPTH))
            self._sample = (_route(frame), stack)


class LoopGuardMiddleware:
    """ASGI wrapper: installs a LoopGuard on the server's loop at the first event."""

    def __init__(self, app, *, threshold_ms: float) -> None:
        self.app = app
        self.threshold_ms = threshold_ms
        self.guard: LoopGuard | None = None

    async def __call__(self, scope, receive, send):
        if self.guard is None:
            self.guard = LoopGuard(self.threshold_ms).install(asyncio.get_running_loop())
            logger.info("loop guard on: reporting stalls of %s ms or more", self.threshold_ms)
        await self.app(scope, receive, send)
