"""What blocks the event loop, by name: the catalogue the analyser (analysis.py) matches
resolved callables, methods and querysets against. Names are the objects' own
``module.qualname`` after resolution, so ``from time import sleep as nap`` is still
``time.sleep``.

Each entry says why, because the message a developer reads is built from it."""

# QuerySet and manager methods that run a query; their a-prefixed twins are the async API.
SYNC_TERMINALS = frozenset(
    {
        "get",
        "first",
        "last",
        "count",
        "exists",
        "create",
        "get_or_create",
        "update_or_create",
        "bulk_create",
        "bulk_update",
        "update",
        "delete",
        "aggregate",
        "in_bulk",
        "earliest",
        "latest",
        "iterator",
        "explain",
        "contains",
        "add",
        "remove",
        "clear",
        "set",
    }
)
# Terminals that return one model instance (what a later attribute access reads from).
INSTANCE_TERMINALS = frozenset({"get", "first", "last", "earliest", "latest", "create"})
ASYNC_INSTANCE_TERMINALS = frozenset({"aget", "afirst", "alast", "aearliest", "alatest", "acreate"})
# Model instance methods that run a query, on an instance the analyser has tracked.
MODEL_METHODS = frozenset(
    {"save", "delete", "refresh_from_db", "full_clean", "validate_unique", "validate_constraints"}
)
ASYNC_TWINS = frozenset({"save", "delete", "refresh_from_db"})
# On a receiver of unknown type, only the names no other common API uses.
ANY_RECEIVER_METHODS = frozenset({"save", "refresh_from_db", "full_clean", "validate_unique"})
QUERYSET_BUILDERS = frozenset(
    {
        "filter",
        "exclude",
        "order_by",
        "select_related",
        "prefetch_related",
        "only",
        "defer",
        "annotate",
        "values",
        "values_list",
        "distinct",
        "all",
        "none",
        "using",
        "fetch_mode",
        "alias",
        "reverse",
        "select_for_update",
        "union",
        "intersection",
        "difference",
        "complex_filter",
        "extra",
        "dates",
        "datetimes",
    }
)
# Builtins (and friends) that evaluate an iterable they are given.
EVALUATING_BUILTINS = frozenset(
    {
        "list",
        "len",
        "bool",
        "tuple",
        "sorted",
        "set",
        "frozenset",
        "sum",
        "max",
        "min",
        "any",
        "all",
        "enumerate",
        "zip",
        "dict",
        "iter",
        "next",
        "repr",
        "str",
        "reversed",
        "print",
    }
)

# Callables that block, by their resolved module.qualname, with what a developer should use.
BLOCKING_CALLS = {
    "time.sleep": "use await asyncio.sleep()",
    "_io.open": "file I/O blocks: read it at start-up or in sync_to_async",
    "io.open": "file I/O blocks: read it at start-up or in sync_to_async",
    "posix.system": "use asyncio.create_subprocess_shell",
    "os.popen": "use asyncio.create_subprocess_shell",
    "posix.listdir": "file system I/O blocks: use sync_to_async",
    "posix.remove": "file system I/O blocks: use sync_to_async",
    "posix.stat": "file system I/O blocks: use sync_to_async",
    "shutil.copy": "file system I/O blocks: use sync_to_async",
    "shutil.copyfile": "file system I/O blocks: use sync_to_async",
    "shutil.copytree": "file system I/O blocks: use sync_to_async",
    "shutil.rmtree": "file system I/O blocks: use sync_to_async",
    "shutil.move": "file system I/O blocks: use sync_to_async",
    "urllib.request.urlopen": "use httpx.AsyncClient",
    "urllib.request.urlretrieve": "use httpx.AsyncClient",
    "socket.create_connection": "use asyncio.open_connection",
    "socket.getaddrinfo": "use loop.getaddrinfo",
    "socket.gethostbyname": "use loop.getaddrinfo",
    "_socket.gethostbyname": "use loop.getaddrinfo",
    "smtplib.SMTP": "use aiosmtplib or send mail from a task or sync_to_async",
    "smtplib.SMTP_SSL": "use aiosmtplib or send mail from a task or sync_to_async",
    "django.core.mail.send_mail": "send mail through sync_to_async or a task queue",
    "django.core.mail.send_mass_mail": "send mail through sync_to_async or a task queue",
    "django.core.mail.mail_admins": "send mail through sync_to_async or a task queue",
    "django.core.mail.mail_managers": "send mail through sync_to_async or a task queue",
    "builtins.input": "never read stdin in a server",
}
# Every callable of these modules blocks (their async twins live elsewhere).
BLOCKING_MODULES = {
    "subprocess": "use asyncio.create_subprocess_exec",
    "requests": "use httpx.AsyncClient",
    "urllib3": "use httpx.AsyncClient",
}
# httpx's module-level helpers are sync; its AsyncClient is the async API.
BLOCKING_HTTPX_FUNCTIONS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "request", "stream"}
)
# Classes whose instances block in every I/O method (matched along the MRO).
BLOCKING_CLASSES = {
    "socket.socket": "use asyncio streams",
    "httpx.Client": "use httpx.AsyncClient",
    "requests.sessions.Session": "use httpx.AsyncClient",
    "smtplib.SMTP": "use aiosmtplib or sync_to_async",
    "ftplib.FTP": "use sync_to_async",
    "http.client.HTTPConnection": "use httpx.AsyncClient",
    "django.core.mail.message.EmailMessage": "send mail through sync_to_async or a task queue",
}
# Methods of those classes that do no I/O.
NON_BLOCKING_METHODS = frozenset({"close", "__init__", "__enter__", "settimeout", "fileno"})
PATH_IO_METHODS = frozenset(
    {
        "read_text",
        "write_text",
        "read_bytes",
        "write_bytes",
        "open",
        "unlink",
        "mkdir",
        "rmdir",
        "touch",
        "iterdir",
        "glob",
        "rglob",
        "exists",
        "stat",
        "is_file",
        "is_dir",
        "rename",
        "replace",
    }
)

# Django's sync-only APIs: their async twins, or why there is none.
SYNC_ONLY_DJANGO = {
    "django.db.transaction.atomic": (
        "sync-db",
        "Django has no async atomic(): put the whole transaction in one sync function "
        "and await sync_to_async(that_function)()",
    ),
    "django.shortcuts.get_object_or_404": ("sync-db", "use await aget_object_or_404()"),
    "django.shortcuts.get_list_or_404": ("sync-db", "use await aget_list_or_404()"),
    "django.contrib.auth.authenticate": ("sync-api", "use await aauthenticate()"),
    "django.contrib.auth.login": ("sync-api", "use await alogin()"),
    "django.contrib.auth.logout": ("sync-api", "use await alogout()"),
    "django.contrib.auth.get_user": ("sync-api", "use await aget_user()"),
    "django.contrib.auth.update_session_auth_hash": (
        "sync-api",
        "use await aupdate_session_auth_hash()",
    ),
    "asgiref.sync.async_to_sync": (
        "sync-api",
        "async_to_sync inside the event loop raises or deadlocks: await the coroutine",
    ),
    "asgiref.sync.AsyncToSync": (
        "sync-api",
        "async_to_sync inside the event loop raises or deadlocks: await the coroutine",
    ),
}
# Rendering a template evaluates whatever its context holds (a queryset, a lazy relation).
RENDERERS = frozenset({"django.shortcuts.render", "django.template.loader.render_to_string"})
# Offloaders: work handed to a thread. database_sync_to_async closes the thread's
# connections; sync_to_async(thread_sensitive=False), asyncio.to_thread and
# run_in_executor do not (a connection per thread that nobody closes).
OFFLOADERS = frozenset({"sync_to_async", "database_sync_to_async"})
UNPINNED_OFFLOADERS = frozenset({"to_thread", "run_in_executor"})
# The parts of a request that load from the database when read in async code.
REQUEST_LAZY = {
    "user": "request.user loads the user from the database: use await request.auser()",
    "session": "reading request.session loads it from the database: use its a-methods "
    "(await request.session.aget(...)) or sync_to_async",
}
SESSION_SAFE_ATTRIBUTES = frozenset({"session_key", "accessed", "modified"})
# Sync cache API: the methods of a cache backend without the a- prefix.
CACHE_METHODS = frozenset(
    {
        "get",
        "set",
        "add",
        "delete",
        "get_many",
        "set_many",
        "delete_many",
        "incr",
        "decr",
        "get_or_set",
        "touch",
        "clear",
        "has_key",
    }
)
# Sync paginators evaluate the queryset they are given.
PAGINATOR_METHODS = frozenset({"page", "get_page", "count", "num_pages", "page_range"})
# Names of django-async-backend's API (ADR-0007's P4).
DRIVER_ATTRIBUTES = frozenset({"async_objects"})
DRIVER_NAMES = frozenset({"async_connections", "async_atomic", "async_new_connection"})
