"""Django's built-in middleware without the thread hops.

Under ASGI, Django runs a ``MiddlewareMixin`` middleware's ``process_request`` and
``process_response`` (and ``process_view``) each through ``sync_to_async``: a hop to a
worker thread and back. With the seven built-ins that is about fifteen hops on every
request before the view runs, and the benchmarks found them among the largest costs of a
small read (docs/benchmarks.md). These hooks only read and write the request and the
response in memory, so here they run on the event loop. The one hook that can do I/O,
saving a session, still goes to a thread, and only when the request used its session.

Under WSGI these classes are the originals: ``async_mode`` is false and nothing changes.
"""

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.middleware.csrf import CsrfViewMiddleware
from django.middleware.security import SecurityMiddleware


class InlineHooks:
    """Run the middleware's hooks on the event loop. Only for hooks that do no I/O."""

    def __init__(self, get_response) -> None:
        super().__init__(get_response)
        if self.async_mode and hasattr(self, "process_view"):
            # Django adapts a sync process_view with sync_to_async; an async one it awaits.
            sync_process_view = self.process_view

            async def process_view(request, view_func, view_args, view_kwargs):
                return sync_process_view(request, view_func, view_args, view_kwargs)

            self.process_view = process_view

    async def __acall__(self, request):
        response = self.process_request(request) if hasattr(self, "process_request") else None
        response = response or await self.get_response(request)
        if hasattr(self, "process_response"):
            response = await self.aprocess_response(request, response)
        return response

    async def aprocess_response(self, request, response):
        return self.process_response(request, response)


class Security(InlineHooks, SecurityMiddleware):
    pass


class Session(InlineHooks, SessionMiddleware):
    """Loading a session is lazy (nothing is read until the request uses it); saving one
    writes to the database, so a changed session is saved from a thread. A session that
    was only read (every read asks whether the reader signed in, ADR-0012) needs no more
    than a Vary header, on the loop."""

    async def aprocess_response(self, request, response):
        session = getattr(request, "session", None)
        if session is not None and (session.modified or settings.SESSION_SAVE_EVERY_REQUEST):
            return await sync_to_async(self.process_response)(request, response)
        return self.process_response(request, response)


class Common(InlineHooks, CommonMiddleware):
    pass


class Csrf(InlineHooks, CsrfViewMiddleware):
    pass


class Authentication(InlineHooks, AuthenticationMiddleware):
    """request.user stays lazy: the user is read only when something asks for it."""


class Messages(InlineHooks, MessageMiddleware):
    """Storing messages that were added or shown may touch the session (a database read),
    so only then does the hook go to a thread."""

    async def aprocess_response(self, request, response):
        storage = getattr(request, "_messages", None)
        if storage is not None and (storage.used or storage.added_new):
            return await sync_to_async(self.process_response)(request, response)
        return self.process_response(request, response)


class XFrameOptions(InlineHooks, XFrameOptionsMiddleware):
    pass
