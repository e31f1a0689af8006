"""Public reads go through the read-only database alias; everything else uses default.

A request is read-only when its method is safe (GET, HEAD, OPTIONS) and it is not for the
admin (whose pages read what they are about to write). The choice lives in a context
variable, which asgiref carries into sync_to_async threads, so a request's every query,
sync or async, sees the same alias. Writes, the admin, management commands and tests use
``default``, so a request that writes also reads its own writes.
"""

from contextvars import ContextVar
from inspect import iscoroutinefunction

from django.utils.decorators import sync_and_async_middleware

READONLY_ALIAS = "readonly"
_read_alias: ContextVar[str | None] = ContextVar("piezo_read_alias", default=None)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ReadOnlyRouter:
    def db_for_read(self, model, **hints):
        return _read_alias.get()  # None: Django's default alias

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


def _is_public_read(request) -> bool:
    return request.method in SAFE_METHODS and not request.path.startswith("/admin/")


@sync_and_async_middleware
def readonly_reads_middleware(get_response):
    if iscoroutinefunction(get_response):

        async def middleware(request):
            token = _read_alias.set(READONLY_ALIAS if _is_public_read(request) else None)
            try:
                return await get_response(request)
            finally:
                _read_alias.reset(token)

    else:

        def middleware(request):
            token = _read_alias.set(READONLY_ALIAS if _is_public_read(request) else None)
            try:
                return get_response(request)
            finally:
                _read_alias.reset(token)

    return middleware
