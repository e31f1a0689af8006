"""One computation shared by the concurrent callers that ask for it while it runs.

The headline figures scan the whole observations table (about 200 ms at 3 million rows on
PostgreSQL): sixty-four visitors at once would start sixty-four scans of the same rows. With
``SingleFlight`` the callers that arrive while a scan runs wait for it and share its answer,
so an answer is never older than the request that is already running; nothing is kept once
it has finished, so a caller that comes after a write sees the write.
"""

import asyncio
from collections.abc import Awaitable, Callable


class SingleFlight[T]:
    def __init__(self) -> None:
        self._task: asyncio.Future | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def run(self, compute: Callable[[], Awaitable[T]]) -> T:
        loop = asyncio.get_running_loop()
        task = self._task
        leader = task is None or task.done() or self._loop is not loop
        if leader:
            task = self._task = asyncio.ensure_future(compute())
            self._loop = loop
        try:
            # Shielded: a leader whose client goes away must not cancel the followers' run.
            return await asyncio.shield(task)
        except Exception:
            if leader:
                raise
            # The shared run failed with its leader's request (which went away, or whose
            # database call failed): this caller gets its own try, and its own error.
            return await compute()
