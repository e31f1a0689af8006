"""ADR-0007's switch between P2 and P4 for the public reads, in one place.

P2: Django's async ORM, which hands every query to a thread (``sync_to_async``). P4:
django-async-backend, whose querysets (``Model.async_objects``) run on a psycopg asyncio
connection from a pool, with no thread. The selectors start their async reads from
``reading(Model)`` and stay one function per read; the views never know which path ran.

The driver's connections belong to the task that opened them and go back to its pool when
the request ends (its request_finished handler). Two kinds of read need more: a long export,
which hands its connection back between chunks (``release``), and work that runs in a task
of its own, such as the shared headline-figures scan (``on_own_connection``)."""

from collections.abc import Awaitable

from django.conf import settings
from django.db import router
from django.db.models import Manager, Model


def _driver_alias(model: type[Model]) -> str | None:
    """The alias this read goes to, if the async driver serves it."""
    if not settings.PIEZO_ASYNC_DRIVER_ALIASES:
        return None
    alias = router.db_for_read(model) or "default"
    return alias if alias in settings.PIEZO_ASYNC_DRIVER_ALIASES else None


def read_path(model: type[Model]) -> str:
    """What ``reading(model)`` runs on now: "async-driver" (P4) or "async-orm" (P2)."""
    return "async-orm" if _driver_alias(model) is None else "async-driver"


def reading(model: type[Model]) -> Manager:
    """The manager an async read starts from: the driver's on the read-only alias (P4), or
    Django's (P2: writes, the admin and SQLite read through default)."""
    alias = _driver_alias(model)
    if alias is None:
        return model.objects
    return model.async_objects.db_manager(alias)


async def release(model: type[Model]) -> None:
    """Hand this task's connection for ``model``'s reads back to its pool now (between the
    chunks of an export), whichever path holds it."""
    alias = _driver_alias(model)
    if alias is None:
        from asgiref.sync import sync_to_async
        from django.db import close_old_connections

        # With CONN_MAX_AGE=0 this returns the connection the last query used, on the
        # thread that holds it.
        await sync_to_async(close_old_connections)()
        return
    from django_async_backend.db import async_connections

    await async_connections[alias].close()


async def on_own_connection[T](work: Awaitable[T]) -> T:
    """Await ``work`` on connections of its own, closed when it ends: for reads that run in
    a task other than the request's, whose connections that task could neither use nor
    return."""
    if not settings.PIEZO_ASYNC_DRIVER_ALIASES:
        return await work
    from django_async_backend.db import async_new_connection

    return await async_new_connection(work)
