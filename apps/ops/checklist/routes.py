"""Every entry point that serves a request: each django-ninja operation (with its method),
each function view, each class-based view's handlers, each websocket consumer, and the admin
as one line."""

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from ninja.operation import PathView

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Entry:
    kind: str  # "http", "websocket", "middleware" or "admin"
    method: str  # "GET", "POST", ..., "WS", "MW" or "*"
    route: str
    handler: Callable | None
    # django-ninja runs a sync operation through sync_to_async when its path view is async.
    in_async_path_view: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.route)

    @property
    def handler_name(self) -> str:
        if self.handler is None:
            return "django.contrib.admin"
        return f"{self.handler.__module__}.{self.handler.__qualname__}"

    @property
    def writes(self) -> bool:
        return self.method in WRITE_METHODS


def _path_view(callback: Callable) -> PathView | None:
    for cell in getattr(callback, "__closure__", None) or ():
        if isinstance(cell.cell_contents, PathView):
            return cell.cell_contents
    return None


def _walk(patterns, prefix: str) -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin" or pattern.namespace == "admin":
                yield route, None
                continue
            yield from _walk(pattern.url_patterns, route)
        else:
            yield route, pattern


def _display(route: str) -> str:
    """A URL pattern as a person writes it: /api/wells/{site_no}."""
    route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
    return "/" + route.replace("^", "").replace("$", "").replace("\\Z", "").lstrip("/")


def http_entries(urlconf: str | None = None) -> list[Entry]:
    entries: list[Entry] = []
    seen_path_views: set[int] = set()
    for route, pattern in _walk(get_resolver(urlconf).url_patterns, ""):
        if pattern is None:
            entries.append(Entry("admin", "*", _display(route), None))
            continue
        callback = pattern.callback
        path_view = _path_view(callback)
        if path_view is not None:
            if id(path_view) in seen_path_views:
                continue
            seen_path_views.add(id(path_view))
            for operation in path_view.operations:
                for method in operation.methods:
                    entries.append(
                        Entry(
                            "http",
                            method,
                            _display(route),
                            operation.view_func,
                            in_async_path_view=path_view.is_async and not operation.is_async,
                        )
                    )
            continue
        view_class = getattr(callback, "view_class", None)
        if view_class is not None:
            for method in view_class.http_method_names:
                handler = getattr(view_class, method, None)
                if handler is None or method == "options":
                    continue
                entries.append(Entry("http", method.upper(), _display(route), handler))
            continue
        if isinstance(callback, functools.partial):  # e.g. django-ninja's docs views
            callback = callback.func
        # Not unwrapped: the project's decorators run on the loop too (the analyser reads
        # every layer of the __wrapped__ chain).
        entries.append(Entry("http", "*", _display(route), callback))
    return entries


def websocket_entries() -> list[Entry]:
    """Consumers in project.routing.websocket_urlpatterns, when the project has websockets."""
    try:
        from project.routing import websocket_urlpatterns
    except ImportError:
        return []
    entries = []
    for route, pattern in _walk(websocket_urlpatterns, ""):
        consumer = getattr(pattern.callback, "consumer_class", pattern.callback)
        entries.append(Entry("websocket", "WS", _display(route), consumer))
    return entries


def middleware_entries() -> list[Entry]:
    """The project's own middleware (settings.MIDDLEWARE): under ASGI an async one runs on
    the loop for every request, so what it reaches matters as much as a view."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    entries = []
    for dotted in settings.MIDDLEWARE:
        if dotted.startswith(("apps.", "project.")):
            entries.append(Entry("middleware", "MW", dotted, import_string(dotted)))
    return entries


def all_entries(urlconf: str | None = None) -> list[Entry]:
    return sorted(
        [*http_entries(urlconf), *websocket_entries(), *middleware_entries()],
        key=lambda e: (e.kind == "admin", e.kind, e.route, e.method),
    )
