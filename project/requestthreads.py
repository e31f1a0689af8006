"""Each HTTP request's thread-sensitive work runs on a thread borrowed for the request.

Django runs a request inside a ``ThreadSensitiveContext``: its sync work (sync views,
transactions, the request signals' receivers, ``response.close``) shares one thread of
its own, so a request's connection is opened, used and closed on one thread (ADR-0003).
asgiref creates that thread at the request's first sync call and, at its end, starts a
second thread to join it: two thread starts per request, even for a native async view
whose only sync work is Django's own request signals. This layer lends each request a
thread kept from an earlier request instead (asgiref's ``ThreadSensitiveContext(executor=)``),
so a request still has a thread to itself for its whole life and no two requests share
one at the same time.

A thread goes back for reuse only once its request ended normally; by then Django's
``request_finished`` has closed the thread's connections (``CONN_MAX_AGE`` is 0). After an
error or a cancellation a sync call may still be running on it, so it is retired instead."""

from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext

IDLE_MAX = 64


class RequestThreadMiddleware:
    def __init__(self, app, *, idle_max: int = IDLE_MAX) -> None:
        self.app = app
        self.idle_max = idle_max
        self._idle: list[ThreadPoolExecutor] = []

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        executor = self._idle.pop() if self._idle else self._new_executor()
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.app(scope, receive, send)
        except BaseException:
            executor.shutdown(wait=False)
            raise
        if len(self._idle) < self.idle_max:
            self._idle.append(executor)
        else:
            executor.shutdown(wait=False)

    @staticmethod
    def _new_executor() -> ThreadPoolExecutor:
        # One worker: everything a request sends to it runs in order on one thread.
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="request")
