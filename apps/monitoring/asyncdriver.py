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

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Manager, Model, QuerySet


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


def copy_supported(model: type[Model]) -> bool:
    """Whether ``model``'s reads go to PostgreSQL, which can write CSV itself (copy_csv)."""
    return connections[router.db_for_read(model) or "default"].vendor == "postgresql"


async def copy_csv(model: type[Model], rows: QuerySet) -> bytes:
    """``rows`` as CSV, written by PostgreSQL (``COPY (...) TO STDOUT``) on the connection
    that ``reading(model)`` reads with, and read whole: the caller releases the connection
    before it takes its time over the text."""
    alias = router.db_for_read(model) or "default"
    try:
        sql, params = rows.query.get_compiler(using=alias).as_sql()
    except EmptyResultSet:
        # A filter that can match nothing (a well whose readings its audience may not
        # see): Django sends no query for it, and neither do we.
        return b""
    statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"
    if _driver_alias(model) is None:
        return await sync_to_async(_copy_csv)(alias, statement, params)
    from django_async_backend.db import async_connections

    buffer = bytearray()
    # psycopg's own cursor under the driver's wrapper: the wrapper's copy() (with DEBUG)
    # takes no parameters.
    async with (
        await async_connections[alias].cursor() as wrapper,
        wrapper.cursor.copy(statement, params) as copy,
    ):
        async for data in copy:
            buffer += data
    return bytes(buffer)


def _copy_csv(alias: str, statement: str, params) -> bytes:
    with connections[alias].cursor() as cursor, cursor.cursor.copy(statement, params) as copy:
        return b"".join(copy)
