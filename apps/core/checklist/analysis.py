"""What a handler really is, read from its source.

An ``async def`` that reaches a sync ORM call (``Well.objects.get``, iterating a queryset,
``.save()``, ``len(qs)``, ``connection.cursor()``) or another blocking call (``time.sleep``,
``requests``, ``open``), directly or through a project function it calls, blocks the event
loop for every request; Django raises ``SynchronousOnlyOperation`` only when that line runs,
and no linter knows the ORM. This walks the handler's AST, and follows calls into the
project's own modules (``apps.``, ``project.``) to a fixed depth. A call it cannot resolve to
source is reported as unknown rather than guessed.
"""

import ast
import inspect
import textwrap
import types
from dataclasses import dataclass, field

from asgiref.sync import SyncToAsync

PROJECT_PACKAGES = ("apps.", "project.", "tests.")
MAX_DEPTH = 3

# QuerySet and manager methods that run a query (their a-prefixed twins are the async API).
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
    }
)
# Model instance methods that run a query.
SYNC_MODEL_METHODS = frozenset({"save", "refresh_from_db", "full_clean", "validate_unique"})
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
        "using",
        "fetch_mode",
        "alias",
    }
)
EVALUATING_BUILTINS = frozenset(
    {"list", "len", "bool", "tuple", "sorted", "set", "sum", "max", "min"}
)
BLOCKING_CALLS = frozenset(
    {
        "time.sleep",
        "open",
        "urllib.request.urlopen",
        "subprocess.run",
        "subprocess.call",
        "subprocess.check_output",
        "socket.create_connection",
    }
)
BLOCKING_PREFIXES = ("requests.", "httpx.get", "httpx.post", "httpx.put", "httpx.delete")
OFFLOADERS = frozenset({"sync_to_async", "database_sync_to_async"})
# django-async-backend's async API (ADR-0007's P4): querysets on a true asyncio connection,
# recognised by the driver's own names, wherever a project helper reaches them.
DRIVER_ATTRIBUTES = frozenset({"async_objects"})
DRIVER_NAMES = frozenset({"async_connections", "async_atomic", "async_new_connection"})

NATIVE, OFFLOADED, UNSAFE, UNKNOWN, SYNC, DRIVER = (
    "async-native",
    "async-offloaded",
    "async-unsafe",
    "unknown",
    "sync",
    "async-driver",
)


@dataclass
class Finding:
    kind: str  # "sync-db", "blocking", "offload" or "unknown"
    detail: str
    where: str

    def __str__(self) -> str:
        return f"{self.detail} ({self.where})"


@dataclass
class Analysis:
    classification: str
    findings: list[Finding] = field(default_factory=list)

    def reasons(self, kind: str | None = None) -> list[str]:
        return [str(f) for f in self.findings if kind is None or f.kind == kind]


def _dotted(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except Exception:  # unparse of odd nodes; the text is only for matching and messages
        return ""


def _is_async_callable(obj) -> bool:
    return inspect.iscoroutinefunction(obj) or inspect.isasyncgenfunction(obj)


def _resolve(expression: str, namespace: dict):
    """The object an expression like ``selectors.stats_aget`` names, or None."""
    parts = expression.split(".")
    if not parts or parts[0] not in namespace:
        return None
    obj = namespace[parts[0]]
    for part in parts[1:]:
        # On a class, look the attribute up statically: decorators such as
        # database_sync_to_async are descriptors that getattr would turn into a partial.
        obj = (
            inspect.getattr_static(obj, part, None)
            if isinstance(obj, type)
            else getattr(obj, part, None)
        )
        if isinstance(obj, staticmethod | classmethod):
            obj = obj.__func__
        if obj is None:
            return None
    return obj


def _is_project_function(obj) -> bool:
    module = getattr(obj, "__module__", "") or ""
    return isinstance(obj, types.FunctionType) and module.startswith(PROJECT_PACKAGES)


def _function_node(func) -> ast.AST | None:
    try:
        source = textwrap.dedent(inspect.getsource(func))
    except (OSError, TypeError):
        return None
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == func.__name__:
            return node
    return None


def _returns_queryset(func) -> bool:
    annotation = inspect.signature(func).return_annotation
    return "QuerySet" in str(annotation)


class _Walker(ast.NodeVisitor):
    """Collects findings in one function body (not in nested functions or lambdas, which
    run wherever they are called: typically handed to sync_to_async)."""

    def __init__(self, func, *, in_async: bool, depth: int, seen: set, owner=None) -> None:
        self.func = func
        self.namespace = {**getattr(func, "__globals__", {})}
        if owner is not None:
            self.namespace["self"] = owner  # resolve self.method() against the class
        self.in_async = in_async
        self.depth = depth
        self.seen = seen
        self.findings: list[Finding] = []
        self.awaited: set[int] = set()
        self.querysets: set[str] = set()
        self.root = None

    def where(self, node: ast.AST) -> str:
        line = getattr(node, "lineno", 1) + self.func.__code__.co_firstlineno - 1
        return f"{self.func.__module__}.{self.func.__qualname__}, line {line}"

    # -- structure ---------------------------------------------------------------------
    def visit_FunctionDef(self, node):
        if node is self.root:
            self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node):
        # A lambda handed to sync_to_async is never visited (visit_Call stops there); one
        # handed elsewhere in async code (a single-flight's compute) runs on the loop.
        if self.in_async:
            self.generic_visit(node)

    def visit_Attribute(self, node):
        if node.attr in DRIVER_ATTRIBUTES:
            self._add("driver", f"reads through the async driver: {_dotted(node)}", node)
        self.generic_visit(node)

    def visit_Name(self, node):
        if node.id in DRIVER_NAMES and self._from_driver(node.id):
            self._add("driver", f"uses the async driver's {node.id}", node)

    def visit_Await(self, node):
        if isinstance(node.value, ast.Call):
            self.awaited.add(id(node.value))
        self.generic_visit(node)

    def visit_AsyncFor(self, node):
        if isinstance(node.iter, ast.Call):
            self.awaited.add(id(node.iter))
        self.generic_visit(node)

    def visit_Assign(self, node):
        if self._queryset_like(node.value):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.querysets.add(target.id)
        self.generic_visit(node)

    def visit_For(self, node):
        if self._queryset_like(node.iter):
            self._add("sync-db", f"iterates a queryset: {_dotted(node.iter)}", node)
        self.generic_visit(node)

    def visit_comprehension(self, node):
        if not node.is_async and self._queryset_like(node.iter):
            self._add("sync-db", f"iterates a queryset: {_dotted(node.iter)}", node.iter)
        self.generic_visit(node)

    # -- calls -------------------------------------------------------------------------
    def visit_Call(self, node):
        name = _dotted(node.func)
        short = name.rsplit(".", 1)[-1]
        awaited = id(node) in self.awaited
        if short in OFFLOADERS:
            self._add("offload", f"hands work to {short}", node)
            return  # what is handed over runs on a thread: not our concern here
        if name in BLOCKING_CALLS or name.startswith(BLOCKING_PREFIXES):
            self._add("blocking", f"calls {name}()", node)
        elif isinstance(node.func, ast.Attribute) and not awaited:
            receiver = node.func.value
            if short in SYNC_TERMINALS and self._queryset_like(receiver):
                self._add("sync-db", f"runs a query: {name}()", node)
            elif short in SYNC_MODEL_METHODS:
                self._add("sync-db", f"calls {name}()", node)
            elif short == "cursor" and "connection" in _dotted(receiver):
                self._add("sync-db", f"opens a cursor: {name}()", node)
        evaluates = short in EVALUATING_BUILTINS and isinstance(node.func, ast.Name) and node.args
        if evaluates and self._queryset_like(node.args[0]):
            self._add("sync-db", f"evaluates a queryset: {name}({_dotted(node.args[0])})", node)
        self._follow(node, name, awaited)
        self.generic_visit(node)

    def _follow(self, node: ast.Call, name: str, awaited: bool) -> None:
        target = _resolve(name, self.namespace)
        if isinstance(target, SyncToAsync):  # a method decorated with (database_)sync_to_async
            self._add("offload", f"hands work to {name} (sync_to_async)", node)
            return
        if target is None or not _is_project_function(target) or target in self.seen:
            return
        if self.depth >= MAX_DEPTH:
            return
        inner = analyze(target, depth=self.depth + 1, seen=self.seen)
        via = f"via {target.__module__}.{target.__qualname__}"
        target_is_async = _is_async_callable(target)
        for finding in inner.findings:
            if finding.kind == "offload" and not target_is_async:
                continue  # a sync helper's own offloading says nothing about this caller
            self.findings.append(Finding(finding.kind, f"{finding.detail} {via}", finding.where))

    # -- helpers -----------------------------------------------------------------------
    def _from_driver(self, name: str) -> bool:
        module = getattr(self.namespace.get(name), "__module__", "") or ""
        return module.startswith("django_async_backend")

    def _queryset_like(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Name):
            return node.id in self.querysets
        if isinstance(node, ast.Attribute):
            return node.attr == "objects" or self._queryset_like(node.value)
        if isinstance(node, ast.Subscript):
            return self._queryset_like(node.value)
        if isinstance(node, ast.Call):
            name = _dotted(node.func)
            if isinstance(node.func, ast.Attribute) and node.func.attr in QUERYSET_BUILDERS:
                return self._queryset_like(node.func.value)
            target = _resolve(name, self.namespace)
            return target is not None and _is_project_function(target) and _returns_queryset(target)
        return False

    def _add(self, kind: str, detail: str, node: ast.AST) -> None:
        # Recorded in sync code too: they matter to an async caller that reaches this code.
        self.findings.append(Finding(kind, detail, self.where(node)))


def analyze(func, *, depth: int = 0, seen: set | None = None, owner=None) -> Analysis:
    """Classify a handler (or a project function reached from one); ``owner`` is the class
    of a method, so that calls on ``self`` can be followed."""
    seen = set() if seen is None else seen
    seen.add(func)
    func = inspect.unwrap(func)
    is_async = _is_async_callable(func)
    node = _function_node(func)
    if node is None:
        finding = Finding("unknown", f"no source for {getattr(func, '__qualname__', func)!r}", "?")
        return Analysis(UNKNOWN if is_async else SYNC, [finding])
    walker = _Walker(func, in_async=is_async, depth=depth, seen=seen, owner=owner)
    walker.root = node
    walker.visit(node)
    findings = walker.findings
    if not is_async:
        return Analysis(SYNC, findings)
    kinds = {f.kind for f in findings}
    if kinds & {"sync-db", "blocking"}:
        return Analysis(UNSAFE, findings)
    if "driver" in kinds:
        # Its reads run on the driver's connections when DB_ASYNC_DRIVER is on (PostgreSQL);
        # the same code's offloads are the P2 path it falls back to (SQLite, the switch off).
        return Analysis(DRIVER, findings)
    if "offload" in kinds:
        return Analysis(OFFLOADED, findings)
    if "unknown" in kinds:
        return Analysis(UNKNOWN, findings)
    return Analysis(NATIVE, findings)


def analyze_class(view_class) -> Analysis:
    """A consumer or class-based view: the worst of its async handlers."""
    handlers = [
        member
        for name, member in inspect.getmembers(view_class, inspect.isfunction)
        if member.__module__.startswith(PROJECT_PACKAGES) and not name.startswith("__")
    ]
    results = [analyze(handler, owner=view_class) for handler in handlers]
    if not any(_is_async_callable(handler) for handler in handlers):
        return Analysis(SYNC, [f for r in results for f in r.findings])
    order = [UNSAFE, UNKNOWN, OFFLOADED, NATIVE, DRIVER, SYNC]
    worst = min((r.classification for r in results), key=order.index)
    return Analysis(worst, [f for r in results for f in r.findings])
