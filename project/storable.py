"""Query strings and paths that no database could match: refused before any view runs.

A NUL character or a lone surrogate in ``?q=`` or in ``/api/wells/a%00b`` reached
PostgreSQL, which refused it with a 500 (SQLite quietly matched nothing). Such a value
cannot name anything stored (apps/monitoring/storable.py), so the request is the client's
mistake: 404 for a path, 400 naming the parameter for a query, in the API's error shape
under /api/ and as plain text elsewhere (the admin's search, the web pages' filters)."""

from inspect import iscoroutinefunction

from django.http import HttpRequest, HttpResponse
from django.utils.decorators import sync_and_async_middleware

from apps.api.errors import error_json
from apps.monitoring.storable import text_problem


def refusal(request: HttpRequest) -> HttpResponse | None:
    if problem := text_problem(request.path):
        status, code, loc, msg = 404, "not_found", ["path"], f"No such page: the path {problem}."
    else:
        found = next(
            (
                (name, problem)
                for name, values in request.GET.lists()
                for text in (name, *values)
                if (problem := text_problem(text))
            ),
            None,
        )
        if found is None:
            return None
        name, problem = found
        status, code, loc = 400, "bad_request", ["query", name]
        msg = f"The query parameter {name!r} {problem}."
    if request.path.startswith("/api/"):
        return error_json(status, code, msg, loc=loc)
    return HttpResponse(msg, status=status, content_type="text/plain; charset=utf-8")


@sync_and_async_middleware
def storable_input_middleware(get_response):
    if iscoroutinefunction(get_response):

        async def middleware(request):
            return refusal(request) or await get_response(request)

    else:

        def middleware(request):
            return refusal(request) or get_response(request)

    return middleware
