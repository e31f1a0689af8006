"""The read-only alias: public reads are routed to it, and it cannot write."""

import asyncio

import pytest
from django.db import DatabaseError
from django.db.utils import ConnectionHandler
from django.http import HttpResponse
from django.test import RequestFactory

from apps.monitoring.models import Well
from project.readonly import ReadOnlyRouter, readonly_reads_middleware
from project.settings.database import database_from_url, readonly_database
from tests.support.server import BASE_DIR, server_database_url


def routed_alias(method: str, path: str, *, is_async: bool) -> str | None:
    """Which alias the router picks for a read made inside a request."""
    seen = {}

    def view(request):
        seen["alias"] = ReadOnlyRouter().db_for_read(Well)
        return HttpResponse()

    async def async_view(request):
        return view(request)

    request = RequestFactory().generic(method, path)
    if is_async:
        asyncio.run(readonly_reads_middleware(async_view)(request))
    else:
        readonly_reads_middleware(view)(request)
    return seen["alias"]


@pytest.mark.parametrize("is_async", [False, True])
def test_public_reads_use_readonly_and_everything_else_default(is_async):
    assert routed_alias("GET", "/api/stats", is_async=is_async) == "readonly"
    assert routed_alias("HEAD", "/wells/", is_async=is_async) == "readonly"
    assert routed_alias("POST", "/api/wells", is_async=is_async) is None
    assert routed_alias("PATCH", "/api/wells/X", is_async=is_async) is None
    assert routed_alias("GET", "/admin/monitoring/well/", is_async=is_async) is None
    # Outside a request (commands, the shell): default.
    assert ReadOnlyRouter().db_for_read(Well) is None
    assert ReadOnlyRouter().db_for_write(Well) == "default"


@pytest.mark.django_db(transaction=True)
def test_a_write_through_readonly_raises():
    """Open the alias as a server process would (not the test mirror) and try to write."""
    default = database_from_url(server_database_url(), base_dir=BASE_DIR)
    # Django keeps psycopg pools per alias name in one class-level dict: a fresh alias
    # name, or this would borrow the test's read-write "default" pool.
    handler = ConnectionHandler(
        {
            "default": default,
            "readonly_probe": readonly_database(default, url=None, base_dir=BASE_DIR),
        }
    )
    readonly = handler["readonly_probe"]
    try:
        with readonly.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM monitoring_lexiconterm")
            assert cursor.fetchone()[0] > 0
        with pytest.raises(DatabaseError, match="(?i)read-?only"), readonly.cursor() as cursor:
            cursor.execute(
                "INSERT INTO monitoring_group (name, kind, description, created_at, updated_at) "
                "VALUES ('x', 'network', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
    finally:
        readonly.close()
        if readonly.vendor == "postgresql":
            readonly.close_pool()
