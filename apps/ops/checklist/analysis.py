"""What a handler really is, read from its source.

An ``async def`` that reaches a sync ORM call (``Well.objects.get``, iterating a queryset,
``.save()``, a lazy relation, ``connection.cursor()``), a sync-only Django API
(``transaction.atomic``, ``request.user``, ``render`` of a lazy context) or another blocking
call (``time.sleep``, ``requests``, ``open``), directly or through the project's own
functions, blocks the event loop for every request. Django raises
``SynchronousOnlyOperation`` only when a database line runs, and ruff's ``ASYNC`` rules do
not know the ORM. This reads the handler's AST with a little knowledge of values (querysets,
model instances and which relations their query loaded, requests, known classes), follows
every call into the project's modules (``apps.``, ``project.``, ``tests.``) to a fixed point
(a call graph walked breadth-first, each function analysed once per kind of argument, so
cycles end and depth is unbounded), and reports each finding with the chain of calls from
the handler to the line. What it cannot tell (a relation on an instance of unknown origin)
it reports as ``unknown``, never as safe.

The catalogue of names lives in rules.py; ADR-0004 records what this catches and misses.
"""

import ast
import builtins
import contextlib
import functools
import inspect
import json
import textwrap
import types
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath

from asgiref.sync import SyncToAsync
from django.conf import settings
from django.core.cache.backends.base import BaseCache
from django.core.paginator import Paginator
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.manager import BaseManager
from django.http import HttpRequest, JsonResponse

from . import rules

PROJECT_PACKAGES = ("apps.", "project.", "tests.")

NATIVE, OFFLOADED, UNSAFE, UNKNOWN, SYNC, DRIVER = (
    "async-native",
    "async-offloaded",
    "async-unsafe",
    "unknown",
    "sync",
    "async-driver",
)
# Finding kinds that make async code unsafe; "offload", "driver" and "unknown" do not.
UNSAFE_KINDS = ("sync-db", "blocking", "sync-api", "bad-offload")


@dataclass
class Finding:
    kind: str  # one of UNSAFE_KINDS, "offload", "driver" or "unknown"
    detail: str
    where: str  # "module.function, line N": what a person reads
    category: str = ""  # the finer class: "queryset-evaluation", "lazy-relation", ...
    file: str = ""
    line: int = 0
    # The calls from the handler down to the function holding the line, outermost first:
    # {"function", "file", "line", "calls"} for each call site.
    chain: list[dict] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.detail} ({self.where})"


@dataclass
class Analysis:
    classification: str
    findings: list[Finding] = field(default_factory=list)

    def reasons(self, kind: str | None = None) -> list[str]:
        return [str(f) for f in self.findings if kind is None or f.kind == kind]

    @property
    def unsafe(self) -> list[Finding]:
        return [f for f in self.findings if f.kind in UNSAFE_KINDS]


# -- values the walker knows about -------------------------------------------------------


@dataclass(frozen=True)
class QS:
    """A queryset or manager (of ``model`` when known)."""

    model: type | None
    loaded: frozenset = frozenset()  # select_related paths; "*" for all
    prefetched: frozenset = frozenset()
    only: frozenset | None = None
    cached: bool = False  # a prefetched related manager: reads come from the cache
    values: bool = False  # values()/values_list(): rows are plain data


@dataclass(frozen=True)
class Inst:
    """A model instance; ``loaded`` is None when the query that produced it is unknown."""

    model: type
    loaded: frozenset | None
    prefetched: frozenset = frozenset()
    only: frozenset | None = None


@dataclass(frozen=True, eq=False)
class Ref:
    """A Python object the name resolves to: module, function, class, constant."""

    obj: object


@dataclass(frozen=True)
class Obj:
    """An instance of a known class (an httpx.Client, a Paginator, a cache)."""

    cls: type


@dataclass(frozen=True, eq=False)
class Bound:
    """``base.attr`` waiting for its call."""

    base: object
    attr: str


@dataclass(frozen=True, eq=False)
class Local:
    """A function defined inside the one being read."""

    unit: "Unit"


@dataclass(frozen=True, eq=False)
class Pending:
    """A coroutine: what ``await`` gives back."""

    result: object


@dataclass(frozen=True)
class Special:
    name: str


DATA = Special("data")  # a value already in memory
REQUEST = Special("request")
SESSION = Special("session")
OFFLOADED_CALL = Special("offloaded")
TRACKED = (QS, Inst)


# -- units: one function body to read ----------------------------------------------------


@dataclass(eq=False)
class Unit:
    func: object  # the function whose globals and closure the body sees
    node: ast.AST
    qualname: str
    file: str
    offset: int  # add to the AST's line numbers
    owner: type | None
    namespace: dict
    locals: dict = field(default_factory=dict)  # sibling nested functions

    @property
    def is_async(self) -> bool:
        return isinstance(self.node, ast.AsyncFunctionDef)

    def line(self, node: ast.AST) -> int:
        return getattr(node, "lineno", self.node.lineno) + self.offset

    def where(self, node: ast.AST) -> str:
        return f"{self.qualname}, line {self.line(node)}"


_UNITS: dict[object, Unit | None] = {}
_FACTS: dict[tuple, "Facts"] = {}


def _relative(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path(settings.BASE_DIR).resolve()))
    except ValueError:
        return path


def _qual(obj) -> str:
    module = getattr(obj, "__module__", None) or ""
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", "")
    return f"{module}.{name}" if module else name


def _is_project_function(obj) -> bool:
    module = getattr(obj, "__module__", "") or ""
    return isinstance(obj, types.FunctionType) and module.startswith(PROJECT_PACKAGES)


def _is_async_callable(obj) -> bool:
    return inspect.iscoroutinefunction(obj) or inspect.isasyncgenfunction(obj)


def _is_model(obj) -> bool:
    return isinstance(obj, type) and issubclass(obj, models.Model)


def unit_for(func, owner: type | None = None) -> Unit | None:
    key = (func, owner)
    if key in _UNITS:
        return _UNITS[key]
    unit = None
    try:
        # From the code object: inspect.getsource(func) would follow __wrapped__ and read
        # the decorated function instead of the wrapper.
        source = textwrap.dedent("".join(inspect.getsourcelines(func.__code__)[0]))
        path = inspect.getsourcefile(func.__code__) or "?"
    except (OSError, TypeError, AttributeError):
        source = None
    if source is not None:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            tree = None
        node = tree.body[0] if tree and tree.body else None
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            namespace = dict(getattr(func, "__globals__", {}))
            code = func.__code__
            for name, cell in zip(code.co_freevars, func.__closure__ or (), strict=False):
                with contextlib.suppress(ValueError):  # an empty cell
                    namespace[name] = cell.cell_contents
            unit = Unit(
                func,
                node,
                f"{func.__module__}.{func.__qualname__}",
                _relative(path),
                code.co_firstlineno - 1,
                owner,
                namespace,
            )
    _UNITS[key] = unit
    return unit


def _nested_unit(parent: Unit, node: ast.AST) -> Unit:
    return Unit(
        parent.func,
        node,
        f"{parent.qualname}.<locals>.{node.name}",
        parent.file,
        parent.offset,
        parent.owner,
        parent.namespace,
        parent.locals,
    )


@dataclass
class Edge:
    unit: Unit
    context: frozenset
    mode: str  # "loop": runs where the caller runs; "unpinned": on a thread nobody cleans
    site: dict  # the call site: function, file, line, calls


@dataclass
class Facts:
    findings: list[Finding] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    returns: object = None  # a queryset or instance the function returns, when it does


_IN_PROGRESS: set[tuple] = set()


def facts_for(unit: Unit, context: frozenset) -> Facts | None:
    """The findings, calls and return value of one function read with these arguments;
    None while that same reading is under way (a recursive call: its caller goes on
    without the return value, and the call graph walk still reaches it)."""
    key = (unit, context)
    if key in _IN_PROGRESS:
        return None
    if key not in _FACTS:
        _IN_PROGRESS.add(key)
        try:
            walker = _Walker(unit, dict(context))
            walker.run()
        finally:
            _IN_PROGRESS.discard(key)
        _FACTS[key] = walker.facts
    return _FACTS[key]


# -- the walker ---------------------------------------------------------------------------


@functools.cache
def _fields(model: type) -> dict[str, object]:
    fields = {}
    for f in model._meta.get_fields():
        if f.is_relation and f.auto_created and not f.concrete:
            name = f.get_accessor_name() if hasattr(f, "get_accessor_name") else f.name
        else:
            name = f.name
        if name:
            fields[name] = f
    return fields


def _strings(node: ast.Call) -> list[str]:
    out = []
    for arg in node.args:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            out.append(arg.value)
        elif isinstance(arg, ast.Call) and arg.args and isinstance(arg.args[0], ast.Constant):
            out.append(str(arg.args[0].value))  # Prefetch("observations", ...)
    return out


def _prefixes(paths) -> frozenset:
    out = set()
    for path in paths:
        parts = path.split("__")
        for i in range(1, len(parts) + 1):
            out.add("__".join(parts[:i]))
    return frozenset(out)


def _below(paths: frozenset | None, name: str) -> frozenset | None:
    if paths is None:
        return None
    if "*" in paths:
        return frozenset({"*"})
    prefix = name + "__"
    return frozenset(p[len(prefix) :] for p in paths if p.startswith(prefix))


class _Walker:
    def __init__(self, unit: Unit, context: dict) -> None:
        self.unit = unit
        self.facts = Facts()
        self.env: dict[str, object] = {}
        self.locals = dict(unit.locals)
        self._bind_parameters(context)

    # -- set-up ------------------------------------------------------------------------
    def _bind_parameters(self, context: dict) -> None:
        args = self.unit.node.args
        params = [*args.posonlyargs, *args.args, *args.kwonlyargs]
        for index, param in enumerate(params):
            name = param.arg
            if name in context:
                self.env[name] = context[name]
                continue
            annotation = self._annotation(param.annotation)
            if index == 0 and name in ("self", "cls") and self.unit.owner is not None:
                self.env[name] = Ref(self.unit.owner)
            elif name == "request" or (
                isinstance(annotation, type) and issubclass(annotation, HttpRequest)
            ):
                self.env[name] = REQUEST
            elif _is_model(annotation):
                self.env[name] = Inst(annotation, None)

    def _annotation(self, node: ast.AST | None):
        if node is None:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                node = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                return None
        value = self._resolve_static(node)
        return value.obj if isinstance(value, Ref) else None

    def _resolve_static(self, node: ast.AST):
        if isinstance(node, ast.Name):
            if node.id in self.unit.namespace:
                return Ref(self.unit.namespace[node.id])
            if hasattr(builtins, node.id):
                return Ref(getattr(builtins, node.id))
            return None
        if isinstance(node, ast.Attribute):
            base = self._resolve_static(node.value)
            if isinstance(base, Ref):
                child = _getattr(base.obj, node.attr)
                return None if child is None else Ref(child)
        return None

    def run(self) -> None:
        node = self.unit.node
        for decorator in node.decorator_list:
            value = self._resolve_static(decorator)
            if isinstance(value, Ref) and _qual(value.obj) == "django.db.transaction.atomic":
                self._add("sync-db", "sync-only-api", "runs inside transaction.atomic", decorator)
        self.block(node.body)

    # -- findings ----------------------------------------------------------------------
    def _add(self, kind: str, category: str, detail: str, node: ast.AST) -> None:
        self.facts.findings.append(
            Finding(
                kind,
                detail,
                self.unit.where(node),
                category,
                self.unit.file,
                self.unit.line(node),
            )
        )

    def _edge(self, unit: Unit, context: dict, node: ast.AST, mode: str = "loop") -> None:
        site = {
            "function": self.unit.qualname,
            "file": self.unit.file,
            "line": self.unit.line(node),
            "calls": unit.qualname,
        }
        frozen = frozenset((k, v) for k, v in context.items() if isinstance(v, TRACKED))
        self.facts.edges.append(Edge(unit, frozen, mode, site))

    def _evaluates(self, value, node: ast.AST, how: str) -> None:
        if isinstance(value, QS) and not value.cached:
            self._add(
                "sync-db",
                "queryset-evaluation",
                f"{how} a queryset: {ast.unparse(node)}",
                node,
            )

    # -- statements --------------------------------------------------------------------
    def block(self, statements: list[ast.stmt]) -> None:
        for statement in statements:
            self.stmt(statement)

    def stmt(self, node: ast.stmt) -> None:
        handler = getattr(self, f"stmt_{type(node).__name__}", None)
        if handler is not None:
            handler(node)
            return
        for _, value in ast.iter_fields(node):
            if isinstance(value, ast.expr):
                self.ev(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.stmt):
                        self.stmt(item)
                    elif isinstance(item, ast.expr):
                        self.ev(item)
                    elif isinstance(item, (ast.excepthandler, ast.match_case)):
                        self.block(item.body)

    def stmt_FunctionDef(self, node) -> None:
        unit = _nested_unit(self.unit, node)
        self.locals[node.name] = unit
        self.unit.locals[node.name] = unit
        offloaded = any(
            (ast.unparse(d).split("(")[0].rsplit(".", 1)[-1] in rules.OFFLOADERS)
            for d in node.decorator_list
        )
        self.env[node.name] = OFFLOADED_CALL if offloaded else Local(unit)

    stmt_AsyncFunctionDef = stmt_FunctionDef

    def stmt_Return(self, node) -> None:
        value = self.ev(node.value)
        if isinstance(value, Pending):
            value = value.result
        if isinstance(value, TRACKED) and self.facts.returns is None:
            self.facts.returns = value

    def stmt_ClassDef(self, node) -> None:
        pass  # a class defined inside a function: its methods run where they are called

    def stmt_Assign(self, node) -> None:
        value = self.ev(node.value)
        for target in node.targets:
            self.bind(target, value, node.value)

    def stmt_AnnAssign(self, node) -> None:
        value = self.ev(node.value) if node.value is not None else None
        self.bind(node.target, value, node.value or node)

    def stmt_AugAssign(self, node) -> None:
        self.ev(node.value)
        self.ev(node.target)

    def _protocol(self, value, methods: tuple[str, ...], node: ast.AST) -> None:
        """Iterating or entering an instance of a project class runs its dunder methods."""
        if not isinstance(value, Obj):
            return
        for name in methods:
            method = inspect.getattr_static(value.cls, name, None)
            if _is_project_function(method):
                unit = unit_for(method, value.cls)
                if unit is not None:
                    self._edge(unit, {}, node)

    def stmt_For(self, node) -> None:
        iterable = self.ev(node.iter)
        self._protocol(iterable, ("__iter__", "__next__"), node.iter)
        self._evaluates(iterable, node.iter, "iterates")
        self.bind(node.target, self._element(iterable), None)
        self.block(node.body)
        self.block(node.orelse)

    def stmt_AsyncFor(self, node) -> None:
        iterable = self.ev(node.iter)
        self._protocol(iterable, ("__aiter__", "__anext__"), node.iter)
        self.bind(node.target, self._element(iterable), None)
        self.block(node.body)
        self.block(node.orelse)

    def stmt_With(self, node) -> None:
        asynchronous = isinstance(node, ast.AsyncWith)
        for item in node.items:
            value = self.ev(item.context_expr)
            methods = ("__aenter__", "__aexit__") if asynchronous else ("__enter__", "__exit__")
            self._protocol(value, methods, item.context_expr)
            if item.optional_vars is not None:
                self.bind(item.optional_vars, value, None)
        self.block(node.body)

    stmt_AsyncWith = stmt_With

    def stmt_If(self, node) -> None:
        self.truth(node.test)
        self.block(node.body)
        self.block(node.orelse)

    stmt_While = stmt_If

    def stmt_Assert(self, node) -> None:
        self.truth(node.test)
        if node.msg is not None:
            self.ev(node.msg)

    def bind(self, target: ast.AST, value, source: ast.AST | None) -> None:
        if isinstance(target, ast.Name):
            self.env[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            if source is not None:
                self._evaluates(value, source, "unpacks")
            for element in target.elts:
                self.bind(element, None, None)
        elif isinstance(target, (ast.Attribute, ast.Subscript)):
            self.ev(target.value)
            if isinstance(target, ast.Subscript):
                self.ev(target.slice)
                base = self.ev_quiet(target.value)
                if base is SESSION:
                    self._add("sync-api", "sync-only-api", rules.REQUEST_LAZY["session"], target)
        elif isinstance(target, ast.Starred):
            self.bind(target.value, None, None)

    def _element(self, iterable):
        if isinstance(iterable, QS):
            if iterable.values or iterable.model is None:
                return DATA
            return Inst(iterable.model, iterable.loaded, iterable.prefetched, iterable.only)
        return None

    def truth(self, node: ast.AST) -> None:
        value = self.ev(node)
        self._evaluates(value, node, "tests the truth of")

    # -- expressions -------------------------------------------------------------------
    def ev_quiet(self, node: ast.AST):
        """The value of a simple name or attribute chain, without recording anything."""
        if isinstance(node, ast.Name):
            return self._name(node.id)
        if isinstance(node, ast.Attribute):
            base = self.ev_quiet(node.value)
            if base is REQUEST and node.attr == "session":
                return SESSION
        return None

    def ev(self, node: ast.AST, *, awaited: bool = False):
        if node is None:
            return None
        handler = getattr(self, f"ev_{type(node).__name__}", None)
        if handler is not None:
            return handler(node, awaited)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.ev(child)
            elif isinstance(child, ast.keyword):
                self.ev(child.value)
        return None

    def ev_Constant(self, node, awaited):
        return DATA

    def _name(self, name: str):
        if name in self.env:
            return self.env[name]
        if name in self.locals:
            return Local(self.locals[name])
        if name in self.unit.namespace:
            return Ref(self.unit.namespace[name])
        if hasattr(builtins, name):
            return Ref(getattr(builtins, name))
        return None

    def ev_Name(self, node, awaited):
        if node.id in rules.DRIVER_NAMES:
            obj = self.unit.namespace.get(node.id)
            if (getattr(obj, "__module__", "") or "").startswith("django_async_backend"):
                self._add("driver", "driver", f"uses the async driver's {node.id}", node)
        return self._name(node.id)

    def ev_Await(self, node, awaited):
        value = self.ev(node.value, awaited=True)
        if isinstance(value, Pending):
            return value.result
        if isinstance(value, TRACKED):
            return value
        return DATA

    def ev_Attribute(self, node, awaited):
        base = self.ev(node.value)
        attr = node.attr
        if attr in rules.DRIVER_ATTRIBUTES:
            self._add(
                "driver", "driver", f"reads through the async driver: {ast.unparse(node)}", node
            )
            model = base.obj if isinstance(base, Ref) and _is_model(base.obj) else None
            return QS(model)
        if not isinstance(node.ctx, ast.Load):
            return None
        if base is REQUEST:
            if attr == "user":
                self._add("sync-api", "sync-only-api", rules.REQUEST_LAZY["user"], node)
                return None
            if attr == "session":
                return SESSION
            return DATA if attr in ("GET", "POST", "headers", "META", "path") else None
        if base is SESSION:
            if attr not in rules.SESSION_SAFE_ATTRIBUTES and not attr.startswith("a"):
                self._add("sync-api", "sync-only-api", rules.REQUEST_LAZY["session"], node)
            return Bound(base, attr)
        if isinstance(base, Inst):
            return self._instance_attribute(base, attr, node)
        if isinstance(base, Ref):
            obj = base.obj
            if _is_model(obj):
                manager = _getattr(obj, attr)
                if isinstance(manager, BaseManager):
                    return QS(obj)
            child = _getattr(obj, attr)
            if child is None and attr == "objects":
                return QS(None)  # self.model.objects and the like
            if isinstance(obj, type) and child is not None and inspect.isfunction(child):
                return Bound(base, attr)  # self.method: resolved on the owner
            return None if child is None else Ref(child)
        if base is None and attr == "objects":
            return QS(None)
        if isinstance(base, (QS, Obj)) or base is None or base is DATA:
            return Bound(base, attr)
        return Bound(base, attr)

    def _instance_attribute(self, inst: Inst, attr: str, node: ast.AST):
        fields = _fields(inst.model)
        f = fields.get(attr)
        if f is None:
            method = inspect.getattr_static(inst.model, attr, None)
            if inspect.isfunction(method) or isinstance(method, property):
                return Bound(inst, attr)
            return DATA
        name = f"{inst.model.__name__}.{attr}"
        if f.is_relation and (f.many_to_many or f.one_to_many):
            cached = attr in inst.prefetched
            return QS(f.related_model, cached=cached)
        if f.is_relation:  # forward FK/one-to-one, or reverse one-to-one
            if inst.loaded is None:
                self._add(
                    "unknown",
                    "lazy-relation",
                    f"cannot tell whether {name} was loaded with select_related: "
                    f"{ast.unparse(node)} may run a query",
                    node,
                )
                return Inst(f.related_model, None)
            if "*" not in inst.loaded and attr not in inst.loaded and attr not in (inst.only or ()):
                self._add(
                    "sync-db",
                    "lazy-relation",
                    f"loads {name} lazily (not in select_related): {ast.unparse(node)}",
                    node,
                )
            return Inst(f.related_model, _below(inst.loaded, attr), frozenset(), None)
        if inst.only is not None and attr not in inst.only and not getattr(f, "primary_key", False):
            self._add(
                "sync-db",
                "lazy-relation",
                f"loads the deferred field {name} (not in only()): {ast.unparse(node)}",
                node,
            )
        return DATA

    def ev_Subscript(self, node, awaited):
        base = self.ev(node.value)
        self.ev(node.slice)
        if isinstance(base, QS):
            s = node.slice
            if isinstance(s, ast.Slice) and s.step is None:
                return base
            how = "slices (with a step)" if isinstance(s, ast.Slice) else "indexes"
            self._evaluates(base, node, how)
            return self._element(base)
        if base is SESSION:
            self._add("sync-api", "sync-only-api", rules.REQUEST_LAZY["session"], node)
            return DATA
        cache_handler = isinstance(base, Ref) and type(base.obj).__name__ == "CacheHandler"
        if cache_handler and isinstance(node.slice, ast.Constant):
            return Obj(BaseCache)
        return None

    def ev_Compare(self, node, awaited):
        self.ev(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            value = self.ev(comparator)
            if isinstance(op, (ast.In, ast.NotIn)):
                self._evaluates(value, node, "tests membership in")
        return DATA

    def ev_BoolOp(self, node, awaited):
        for value in node.values:
            self.truth(value)
        return None

    def ev_UnaryOp(self, node, awaited):
        if isinstance(node.op, ast.Not):
            self.truth(node.operand)
            return DATA
        self.ev(node.operand)
        return DATA

    def ev_IfExp(self, node, awaited):
        self.truth(node.test)
        self.ev(node.body)
        self.ev(node.orelse)
        return None

    def ev_BinOp(self, node, awaited):
        left = self.ev(node.left)
        right = self.ev(node.right)
        if isinstance(node.op, ast.Mod):
            self._evaluates(right, node, "formats")
        path = _path_class(left)
        if isinstance(node.op, ast.Div) and path is not None:
            return Obj(path)  # settings.BASE_DIR / "file": still a Path
        return DATA

    def ev_JoinedStr(self, node, awaited):
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                self._evaluates(self.ev(value.value), value, "formats")
                if value.format_spec is not None:
                    self.ev(value.format_spec)
        return DATA

    def ev_Starred(self, node, awaited):
        value = self.ev(node.value)
        self._evaluates(value, node, "unpacks")
        return None

    def ev_Lambda(self, node, awaited):
        # Called wherever it is handed; visited here as if it ran here (the offloaders'
        # lambdas never reach this: ev_Call stops at them).
        self.ev(node.body)
        return None

    def _comprehension(self, node, element_nodes) -> None:
        for generator in node.generators:
            iterable = self.ev(generator.iter)
            if generator.is_async:
                self._protocol(iterable, ("__aiter__", "__anext__"), generator.iter)
            else:
                self._protocol(iterable, ("__iter__", "__next__"), generator.iter)
                self._evaluates(iterable, generator.iter, "iterates")
            self.bind(generator.target, self._element(iterable), None)
            for condition in generator.ifs:
                self.truth(condition)
        for element in element_nodes:
            self.ev(element)

    def ev_ListComp(self, node, awaited):
        self._comprehension(node, [node.elt])
        return DATA

    ev_SetComp = ev_ListComp

    def ev_GeneratorExp(self, node, awaited):
        self._comprehension(node, [node.elt])
        return None

    def ev_DictComp(self, node, awaited):
        self._comprehension(node, [node.key, node.value])
        return DATA

    def ev_List(self, node, awaited):
        for element in node.elts:
            self.ev(element)
        return DATA

    ev_Tuple = ev_Set = ev_List

    def ev_Dict(self, node, awaited):
        for key, value in zip(node.keys, node.values, strict=True):
            self.ev(key)
            self.ev(value)
        return DATA

    # -- calls -------------------------------------------------------------------------
    def ev_Call(self, node: ast.Call, awaited):
        callee = self.ev(node.func)
        if self._is_offload(callee):
            return self._offload(node, callee)
        args = [self.ev(arg) for arg in node.args]
        kwargs = {kw.arg: self.ev(kw.value) for kw in node.keywords}
        if isinstance(callee, Bound):
            return self._call_method(node, callee, args, kwargs, awaited)
        if isinstance(callee, Local):
            self._edge(callee.unit, self._context(callee.unit, args, kwargs, bound=False), node)
            return Pending(DATA) if callee.unit.is_async else None
        if callee is OFFLOADED_CALL:
            self._add("offload", "offload", f"hands work to {ast.unparse(node.func)}", node)
            return Pending(DATA)
        if isinstance(callee, Ref):
            return self._call_object(node, callee.obj, args, kwargs, awaited)
        return None

    def _is_offload(self, callee) -> bool:
        if isinstance(callee, Ref):
            return _offloader_name(callee.obj) is not None
        return isinstance(callee, Bound) and callee.attr == "run_in_executor"

    def _offload(self, node: ast.Call, callee) -> object:
        """``sync_to_async(fn)``, ``database_sync_to_async(fn)``, ``asyncio.to_thread(fn)``,
        ``loop.run_in_executor(None, fn)``: fn runs on a thread. Only an unpinned thread
        that reaches the ORM is a finding (its connection is never closed)."""
        if isinstance(callee, Bound):  # loop.run_in_executor(executor, fn, ...)
            name, unpinned, fn = "run_in_executor", True, node.args[1:2]
        else:
            name = _offloader_name(callee.obj)
            unpinned = name in rules.UNPINNED_OFFLOADERS
            fn = node.args[:1]
            for kw in node.keywords:
                if kw.arg == "thread_sensitive" and isinstance(kw.value, ast.Constant):
                    unpinned = kw.value.value is False
        self._add("offload", "offload", f"hands work to {name}", node)
        for arg in node.args[len(fn) + (1 if isinstance(callee, Bound) else 0) :]:
            self.ev(arg)
        if unpinned and fn:
            self._unpinned_target(fn[0], name, node)
        return Ref(_OFFLOADED_CALLABLE)

    def _unpinned_target(self, fn: ast.AST, name: str, node: ast.AST) -> None:
        if isinstance(fn, ast.Lambda):
            unit = Unit(
                self.unit.func,
                ast.FunctionDef(
                    name="<lambda>",
                    args=fn.args,
                    body=[ast.Expr(fn.body)],
                    decorator_list=[],
                    lineno=fn.lineno,
                ),
                f"{self.unit.qualname}.<lambda>",
                self.unit.file,
                self.unit.offset,
                self.unit.owner,
                self.unit.namespace,
                self.locals,
            )
            self._edge(unit, {}, node, mode=f"unpinned:{name}")
            return
        value = self.ev_quiet(fn) if isinstance(fn, ast.Name) else None
        value = value or self._resolve_static(fn)
        if isinstance(value, Local):
            self._edge(value.unit, {}, node, mode=f"unpinned:{name}")
        elif isinstance(value, Ref) and _is_project_function(value.obj):
            unit = unit_for(value.obj)
            if unit is not None:
                self._edge(unit, {}, node, mode=f"unpinned:{name}")
        elif isinstance(fn, ast.Attribute):
            # sync_to_async(Well.objects.count, thread_sensitive=False)
            receiver = self.ev(fn.value)
            if isinstance(receiver, QS) and fn.attr in rules.SYNC_TERMINALS:
                self._add(
                    "bad-offload",
                    "offload",
                    f"runs {ast.unparse(fn)} through {name} on a thread whose database "
                    "connection nobody closes: use sync_to_async (thread-sensitive) or "
                    "database_sync_to_async",
                    node,
                )

    def _context(self, unit: Unit, args, kwargs, *, bound: bool, receiver=None) -> dict:
        params = [a.arg for a in (*unit.node.args.posonlyargs, *unit.node.args.args)]
        context = {}
        if bound and params:
            if receiver is not None:
                context[params[0]] = receiver
            params = params[1:]
        for name, value in zip(params, args, strict=False):
            context[name] = value
        for name, value in kwargs.items():
            if name is not None:
                context[name] = value
        return context

    def _returns(self, func, awaited: bool):
        annotation = inspect.signature(func).return_annotation if callable(func) else None
        value = DATA
        if isinstance(annotation, str):
            text = annotation
            annotation = None
        else:
            text = str(annotation)
        if "QuerySet" in text or "Manager" in text:
            model = None
            args = getattr(annotation, "__args__", ())
            if args and _is_model(args[0]):
                model = args[0]
            value = QS(model)
        elif _is_model(annotation):
            value = Inst(annotation, None)
        if _is_async_callable(func) and not awaited:
            return Pending(value)
        return value

    def _follow(self, node, func, args, kwargs, awaited, *, owner=None, receiver=None):
        unit = unit_for(func, owner)
        if unit is None:
            self._add(
                "unknown", "unknown", f"no source for {_qual(func)}: cannot tell what it does", node
            )
            return None
        bound = receiver is not None or (owner is not None and not isinstance(func, staticmethod))
        context = self._context(unit, args, kwargs, bound=bound, receiver=receiver)
        self._edge(unit, context, node)
        value = self._returns(func, awaited)
        declared = value.result if isinstance(value, Pending) else value
        if declared is DATA:  # no annotation to go by: what does its body return?
            frozen = frozenset((k, v) for k, v in context.items() if isinstance(v, TRACKED))
            facts = facts_for(unit, frozen)
            if facts is not None and facts.returns is not None:
                returned = facts.returns
                return Pending(returned) if isinstance(value, Pending) else returned
        return value

    def _call_object(self, node, obj, args, kwargs, awaited):
        qual = _qual(obj)
        name = ast.unparse(node.func)
        if isinstance(obj, SyncToAsync):
            self._add("offload", "offload", f"hands work to {name} (sync_to_async)", node)
            if not getattr(obj, "_thread_sensitive", True) and _is_project_function(obj.func):
                unit = unit_for(obj.func)
                if unit is not None:
                    self._edge(unit, {}, node, mode="unpinned:sync_to_async")
            return Pending(DATA)
        if obj is _OFFLOADED_CALLABLE:
            return Pending(DATA)
        blocking = self._blocking_reason(obj, qual)
        if blocking is not None:
            self._add("blocking", "blocking-io", f"calls {name}(): {blocking}", node)
        if qual in rules.SYNC_ONLY_DJANGO:
            kind, advice = rules.SYNC_ONLY_DJANGO[qual]
            category = "sync-only-api" if kind == "sync-api" or "atomic" in qual else "orm"
            self._add(kind, category, f"calls {name}(): {advice}", node)
            if qual.endswith("get_object_or_404") and node.args:
                model = self._model_of(args[0])
                return Inst(model, frozenset()) if model else DATA
        if qual in rules.RENDERERS:
            self._render(node, qual)
            return DATA
        if obj in (JsonResponse, json.dumps):
            for arg, value in zip(node.args, args, strict=False):
                self._evaluates(value, arg, f"serialises ({name})")
        if getattr(obj, "__module__", None) == "builtins":
            if obj.__name__ in rules.EVALUATING_BUILTINS and node.args:
                self._evaluates(args[0], node, f"evaluates ({obj.__name__})")
            return DATA
        if isinstance(obj, type):
            if _is_model(obj):
                return Inst(obj, frozenset())
            return Obj(obj)
        if qual.endswith("aget_object_or_404") and node.args:
            model = self._model_of(args[0])
            return Pending(Inst(model, self._loaded_of(args[0]))) if model else Pending(DATA)
        if _is_project_function(obj):
            return self._follow(node, obj, args, kwargs, awaited)
        if isinstance(obj, (classmethod, staticmethod)) and _is_project_function(obj.__func__):
            return self._follow(node, obj.__func__, args, kwargs, awaited)
        if inspect.ismethod(obj) and _is_project_function(obj.__func__):
            return self._follow(node, obj.__func__, args, kwargs, awaited, receiver=None)
        if inspect.ismethod(obj) or inspect.isbuiltin(obj):
            receiver = getattr(obj, "__self__", None)
            if isinstance(receiver, BaseDatabaseWrapper) and obj.__name__ in (
                "cursor",
                "chunked_cursor",
            ):
                self._add(
                    "sync-db",
                    "sync-only-api",
                    f"opens a cursor: {name}(): use the async ORM, or the cursor in sync_to_async",
                    node,
                )
            elif receiver is not None and not isinstance(receiver, types.ModuleType):
                return self._object_method(node, type(receiver), obj.__name__, args)
        return None

    def _model_of(self, value):
        if isinstance(value, Ref) and _is_model(value.obj):
            return value.obj
        if isinstance(value, QS):
            return value.model
        return None

    def _loaded_of(self, value) -> frozenset:
        return value.loaded if isinstance(value, QS) else frozenset()

    def _blocking_reason(self, obj, qual: str) -> str | None:
        if qual in rules.BLOCKING_CALLS:
            return rules.BLOCKING_CALLS[qual]
        module = (getattr(obj, "__module__", "") or "").split(".")[0]
        if module in rules.BLOCKING_MODULES and callable(obj):
            return rules.BLOCKING_MODULES[module]
        if module == "httpx" and getattr(obj, "__name__", "") in rules.BLOCKING_HTTPX_FUNCTIONS:
            return "use httpx.AsyncClient"
        if isinstance(obj, type) and qual in ("smtplib.SMTP", "smtplib.SMTP_SSL"):
            return rules.BLOCKING_CLASSES["smtplib.SMTP"]
        return None

    def _cache_call(self, method: str, node) -> None:
        if method in rules.CACHE_METHODS:
            self._add(
                "sync-api",
                "sync-only-api",
                f"calls the sync cache API {ast.unparse(node.func)}(): use await cache.a{method}()",
                node,
            )

    def _call_method(self, node, callee: Bound, args, kwargs, awaited):
        base, attr = callee.base, callee.attr
        name = ast.unparse(node.func)
        if isinstance(base, QS):
            return self._queryset_method(node, base, attr, args, kwargs, awaited)
        if isinstance(base, Inst):
            if attr in rules.MODEL_METHODS:
                self._add("sync-db", "orm", f"calls {name}(): {_twin(attr, name)}", node)
                return None
            method = inspect.getattr_static(base.model, attr, None)
            if _is_project_function(method):
                return self._follow(node, method, args, kwargs, awaited, receiver=base)
            return None
        if isinstance(base, Ref) and isinstance(base.obj, type):  # self.helper(...)
            method = inspect.getattr_static(base.obj, attr, None)
            if isinstance(method, SyncToAsync):
                self._add("offload", "offload", f"hands work to {name} (sync_to_async)", node)
                return Pending(DATA)
            if isinstance(method, (staticmethod, classmethod)):
                method = method.__func__
            if _is_project_function(method):
                return self._follow(node, method, args, kwargs, awaited, owner=base.obj)
            return None
        if isinstance(base, Obj):
            return self._object_method(node, base.cls, attr, args)
        if attr in rules.ANY_RECEIVER_METHODS:
            self._add("sync-db", "orm", f"calls {name}(): {_twin(attr, name)}", node)
        elif attr == "cursor" and not awaited and "connection" in ast.unparse(node.func.value):
            self._add(
                "sync-db",
                "sync-only-api",
                f"opens a cursor: {name}(): use the async ORM, or the cursor in sync_to_async",
                node,
            )
        return None

    def _object_method(self, node, cls: type, attr: str, args):
        name = ast.unparse(node.func)
        for klass in cls.__mro__:
            key = f"{klass.__module__}.{klass.__qualname__}"
            if key.startswith("httpx.") and klass.__qualname__ == "Client":
                key = "httpx.Client"
            if key.endswith("EmailMessage") and attr != "send":
                continue
            if key in rules.BLOCKING_CLASSES and attr not in rules.NON_BLOCKING_METHODS:
                reason = rules.BLOCKING_CLASSES[key]
                self._add("blocking", "blocking-io", f"calls {name}(): {reason}", node)
                return DATA
            if klass.__module__.startswith("pathlib") and attr in rules.PATH_IO_METHODS:
                self._add(
                    "blocking",
                    "blocking-io",
                    f"calls {name}(): file system I/O blocks: use sync_to_async",
                    node,
                )
                return DATA
        if issubclass(cls, Paginator) and attr in rules.PAGINATOR_METHODS:
            self._add(
                "sync-db",
                "queryset-evaluation",
                f"calls {name}(): a sync Paginator evaluates its queryset: use AsyncPaginator",
                node,
            )
            return DATA
        if issubclass(cls, BaseCache):
            self._cache_call(attr, node)
            return None
        method = inspect.getattr_static(cls, attr, None)
        if _is_project_function(method):
            return self._follow(node, method, args, {}, False, owner=cls)
        return None

    def _queryset_method(self, node, qs: QS, attr: str, args, kwargs, awaited):
        name = ast.unparse(node.func)
        if attr in rules.QUERYSET_BUILDERS:
            return self._build(node, qs, attr)
        if attr in rules.SYNC_TERMINALS:
            if qs.cached and attr in ("count", "exists", "first", "last"):
                return self._element(qs)
            self._add("sync-db", "orm", f"runs a query: {name}(): use await .a{attr}()", node)
            return self._element(qs) if attr in rules.INSTANCE_TERMINALS else DATA
        if attr in rules.ASYNC_INSTANCE_TERMINALS:
            element = self._element(qs)
            return element if awaited else Pending(element)
        if attr == "aiterator":
            return qs
        if attr.startswith("a") and attr[1:] in rules.SYNC_TERMINALS | {"get_or_create"}:
            return Pending(DATA)
        # A custom queryset or manager method of the project.
        if qs.model is not None:
            queryset_class = type(qs.model._default_manager.get_queryset())
            for owner in (type(qs.model._default_manager), queryset_class):
                method = inspect.getattr_static(owner, attr, None)
                if _is_project_function(method):
                    result = self._follow(node, method, args, kwargs, awaited, receiver=qs)
                    return result if result not in (None, DATA) else QS(qs.model)
        return None

    def _build(self, node, qs: QS, attr: str) -> QS:
        strings = _strings(node)
        if attr == "select_related":
            loaded = _prefixes(strings) if strings else frozenset({"*"})
            return replace(qs, loaded=qs.loaded | loaded)
        if attr == "prefetch_related":
            return replace(qs, prefetched=qs.prefetched | frozenset(strings))
        if attr == "only":
            names = frozenset(s.split("__")[0] for s in strings)
            return replace(
                qs,
                only=names,
                loaded=qs.loaded | _prefixes(s.rsplit("__", 1)[0] for s in strings if "__" in s),
            )
        if attr == "defer":
            model_fields = {f.name for f in qs.model._meta.concrete_fields} if qs.model else set()
            return replace(qs, only=frozenset(model_fields - set(strings)) if qs.model else None)
        if attr in ("values", "values_list", "dates", "datetimes"):
            return replace(qs, values=True)
        if attr == "all":
            return qs
        return replace(qs, cached=False)

    def _render(self, node: ast.Call, qual: str) -> None:
        position = 2 if qual.endswith(".render") else 1
        context = node.args[position] if len(node.args) > position else None
        for kw in node.keywords:
            if kw.arg == "context":
                context = kw.value
        lazy = self._lazy_in(context) if context is not None else []
        for detail, part in lazy:
            self._add(
                "sync-db",
                "template",
                f"renders a template whose context holds {detail}: {ast.unparse(part)} "
                "(templates evaluate it synchronously: materialise it with the async ORM)",
                node,
            )

    def _lazy_in(self, node: ast.AST) -> list[tuple[str, ast.AST]]:
        """Parts of a template context that a template would evaluate lazily."""
        if isinstance(node, ast.Dict):
            return [hit for value in node.values for hit in self._lazy_in(value)]
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return [hit for value in node.elts for hit in self._lazy_in(value)]
        value = self.ev_quiet(node) if isinstance(node, ast.Name) else None
        if value is None and not isinstance(node, ast.Name):
            return []  # an expression evaluated above; its findings are already recorded
        if isinstance(value, QS) and not value.cached:
            return [("a queryset", node)]
        if isinstance(value, Inst) and value.loaded is not None and "*" not in value.loaded:
            relations = [
                f.name
                for f in value.model._meta.get_fields()
                if f.is_relation and f.concrete and (f.many_to_one or f.one_to_one)
            ]
            if relations and not set(relations) <= value.loaded:
                return [(f"a {value.model.__name__} whose relations were not loaded", node)]
        return []


_OFFLOADED_CALLABLE = object()


def _twin(method: str, call: str) -> str:
    if method in rules.ASYNC_TWINS:
        return f"use await .a{method}()"
    return f"no async twin: await sync_to_async({call})()"


def _offloader_name(obj) -> str | None:
    from asgiref.sync import sync_to_async
    from channels.db import database_sync_to_async

    if obj is sync_to_async:
        return "sync_to_async"
    if obj is database_sync_to_async:
        return "database_sync_to_async"
    if _qual(obj) == "asyncio.threads.to_thread":
        return "to_thread"
    return None


def _path_class(value) -> type | None:
    if isinstance(value, Obj) and issubclass(value.cls, PurePath):
        return value.cls
    if isinstance(value, Ref) and isinstance(value.obj, PurePath):
        return type(value.obj)
    return None


def _getattr(obj, name: str):
    try:
        if isinstance(obj, type):
            # On a class, look the attribute up statically: decorators such as
            # database_sync_to_async are descriptors that getattr would turn into a partial.
            value = inspect.getattr_static(obj, name, None)
            if isinstance(value, staticmethod | classmethod):
                value = value.__func__
            if value is None or isinstance(value, (property, types.MemberDescriptorType)):
                return getattr(obj, name, None) if value is None else value
            if type(value).__name__ in ("ManagerDescriptor",):
                return getattr(obj, name, None)
            return value
        return getattr(obj, name, None)
    except Exception:  # a descriptor that refuses to be read on the class
        return None


# -- putting it together ------------------------------------------------------------------


def _reach(roots: list[tuple[Unit, frozenset]]) -> list[Finding]:
    """Every finding on the loop from the roots, each with its chain of calls; calls are
    followed breadth-first until no new (function, argument kinds) pair appears."""
    seen = set(roots)
    queue = deque((root, []) for root in roots)
    out: list[Finding] = []
    while queue:
        key, chain = queue.popleft()
        facts = facts_for(*key)
        for finding in facts.findings:
            via = "".join(f" via {site['calls']}" for site in reversed(chain))
            out.append(replace(finding, detail=finding.detail + via, chain=list(chain)))
        for edge in facts.edges:
            target = (edge.unit, edge.context)
            if edge.mode == "loop":
                if target not in seen:
                    seen.add(target)
                    queue.append((target, [*chain, edge.site]))
                continue
            # Offloaded to an unpinned thread: a finding only if that code reaches the ORM.
            reached = [f for f in _reach([target]) if f.kind == "sync-db"]
            if reached:
                how = edge.mode.split(":", 1)[1]
                via = "".join(f" via {site['calls']}" for site in reversed(chain))
                unit = key[0]
                out.append(
                    Finding(
                        "bad-offload",
                        f"hands {edge.unit.qualname} to {how} on a thread whose database "
                        f"connection nobody closes ({reached[0].detail}): use sync_to_async "
                        f"(thread-sensitive) or database_sync_to_async{via}",
                        f"{unit.qualname}, line {edge.site['line']}",
                        "offload",
                        edge.site["file"],
                        edge.site["line"],
                        list(chain),
                    )
                )
    return out


def _distinct(findings: list[Finding]) -> list[Finding]:
    """One finding per line and kind, by its shortest chain of calls."""
    best: dict[tuple, Finding] = {}
    for finding in sorted(findings, key=lambda f: len(f.chain)):
        best.setdefault((finding.kind, finding.file, finding.line, finding.category), finding)
    return [f for f in findings if best.get((f.kind, f.file, f.line, f.category)) is f]


def _classify(findings: list[Finding]) -> str:
    kinds = {f.kind for f in findings}
    if kinds & set(UNSAFE_KINDS):
        return UNSAFE
    if "unknown" in kinds:
        return UNKNOWN
    if "driver" in kinds:
        # Its reads run on the driver's connections when DB_ASYNC_DRIVER is on (PostgreSQL);
        # the same code's offloads are the P2 path it falls back to (SQLite, the switch off).
        return DRIVER
    if "offload" in kinds:
        return OFFLOADED
    return NATIVE


def _layers(func) -> list:
    """The function and every wrapper around it (functools.wraps' __wrapped__ chain)."""
    layers, seen = [], set()
    while func is not None and id(func) not in seen:
        seen.add(id(func))
        layers.append(func)
        func = getattr(func, "__wrapped__", None)
    return layers


def analyze(func, *, owner: type | None = None) -> Analysis:
    """Classify a handler: a function view, an operation, a method of ``owner`` (a view
    class or consumer), or a middleware. Its wrappers (decorators that use functools.wraps)
    are read too: they run on the loop around it."""
    layers = _layers(func)
    is_async = any(_is_async_callable(layer) for layer in layers)
    roots, missing = [], []
    for layer in layers:
        if not isinstance(layer, types.FunctionType):
            continue
        if layer is not layers[-1] and not _is_project_function(layer):
            continue  # a library's wrapper (csrf_exempt, ...): only the project's are read
        unit = unit_for(layer, owner)
        if unit is None:
            missing.append(layer)
        else:
            roots.append((unit, frozenset()))
    findings = _distinct(_reach(roots))
    for layer in missing if not roots else []:
        where = "?"
        findings.append(Finding("unknown", f"no source for {_qual(layer)!r}", where, "unknown"))
    if not is_async:
        return Analysis(SYNC, findings)
    if not roots:
        return Analysis(UNKNOWN, findings)
    return Analysis(_classify(findings), findings)


ASYNC_DUNDERS = frozenset(
    {"__call__", "__acall__", "__aiter__", "__anext__", "__aenter__", "__aexit__"}
)


def analyze_class(view_class) -> Analysis:
    """A consumer, class-based view or middleware class: the worst of its async handlers,
    read as methods of the class (so ``self.helper()`` is followed, to any depth)."""
    handlers = []
    for name in dir(view_class):
        if name.startswith("__") and name not in ASYNC_DUNDERS:
            continue
        member = inspect.getattr_static(view_class, name, None)
        if isinstance(member, (staticmethod, classmethod)):
            member = member.__func__
        if _is_project_function(member) and _is_async_callable(inspect.unwrap(member)):
            handlers.append(member)
    if not handlers:
        return Analysis(SYNC)
    results = [analyze(handler, owner=view_class) for handler in handlers]
    findings = _distinct([f for r in results for f in r.findings])
    order = [UNSAFE, UNKNOWN, OFFLOADED, NATIVE, DRIVER, SYNC]
    worst = min((r.classification for r in results), key=order.index)
    return Analysis(worst, findings)


def analyze_middleware(middleware) -> Analysis:
    """A middleware from settings.MIDDLEWARE: a class (its async hooks) or a factory (the
    async function it returns, read from the factory's body)."""
    if isinstance(middleware, type):
        return analyze_class(middleware)
    if _is_async_callable(middleware):
        return analyze(middleware)
    unit = unit_for(middleware)
    if unit is None:
        return Analysis(SYNC)
    nested = [
        _nested_unit(unit, node)
        for node in ast.walk(unit.node)
        if isinstance(node, ast.AsyncFunctionDef)
    ]
    if not nested:
        return Analysis(SYNC)
    findings = _distinct(_reach([(n, frozenset()) for n in nested]))
    return Analysis(_classify(findings), findings)


__all__ = [
    "DRIVER",
    "NATIVE",
    "OFFLOADED",
    "SYNC",
    "UNKNOWN",
    "UNSAFE",
    "UNSAFE_KINDS",
    "Analysis",
    "Finding",
    "analyze",
    "analyze_class",
    "analyze_middleware",
]
