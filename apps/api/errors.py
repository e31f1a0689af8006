"""One error shape for the whole API: ``{"detail": [...], "code": "..."}``, where each
detail item has a ``msg`` and, when a field is to blame, its ``loc``. Client mistakes are
4xx; an unexpected error is logged with the request id, which the client also gets."""

import logging
import sqlite3
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from apps.monitoring.services import ConflictError, NotFoundError, conflict_for_constraint

logger = logging.getLogger("piezo.api")


class ApiError(Exception):
    """A client error the view detected itself (a malformed bbox, start after end, ...)."""

    def __init__(self, status: int, code: str, msg: str, *, loc: list | None = None) -> None:
        super().__init__(msg)
        self.status, self.code, self.msg, self.loc = status, code, msg, loc


def _item(msg: str, loc: list | None = None) -> dict[str, Any]:
    return {"loc": loc, "msg": msg} if loc else {"msg": msg}


def error_json(status: int, code: str, msg: str, *, loc: list | None = None) -> JsonResponse:
    """The API's error shape outside a django-ninja view (middleware, a plain view)."""
    return JsonResponse({"detail": [_item(msg, loc)], "code": code}, status=status)


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, detail: list[dict[str, Any]]
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "code": code}, status=status)


def register_error_handlers(api: NinjaAPI) -> None:
    def handles(exc_class):
        def decorator(handler):
            api.add_exception_handler(exc_class, handler)
            return handler

        return decorator

    @handles(NinjaValidationError)
    def validation(request, exc):
        detail = _clean_validation_errors(exc.errors)
        # Query and path parameters that do not parse are a malformed request (400);
        # a body that parses but is invalid is unprocessable (422).
        if detail and all(item["loc"][:1] in (["query"], ["path"]) for item in detail):
            return error_response(api, request, 400, "bad_request", detail)
        return error_response(api, request, 422, "validation_error", detail)

    @handles(DjangoValidationError)
    def domain_validation(request, exc):
        detail = [
            _item(message, ["body", *key.split(".")] if key != "__all__" else ["body"])
            for key, messages in exc.message_dict.items()
            for message in messages
        ]
        return error_response(api, request, 422, "validation_error", detail)

    @handles(AuthenticationError)
    def not_authenticated(request, exc):
        message = (
            str(exc)
            if str(exc) != "Unauthorized"
            else (
                "Authentication required: send 'Authorization: Bearer <token>' or sign in as staff."
            )
        )
        response = error_response(api, request, 401, "not_authenticated", [_item(message)])
        response["WWW-Authenticate"] = 'Bearer realm="piezo"'
        return response

    @handles(AuthorizationError)
    def forbidden(request, exc):
        return error_response(api, request, 403, "permission_denied", [_item(str(exc))])

    @handles(Throttled)
    def throttled(request, exc):
        response = error_response(api, request, 429, "throttled", [_item("Too many requests.")])
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait))
        return response

    @handles(HttpError)
    def http_error(request, exc):
        code = {400: "malformed_request", 404: "not_found", 405: "method_not_allowed"}.get(
            exc.status_code, "error"
        )
        return error_response(api, request, exc.status_code, code, [_item(str(exc))])

    @handles(ApiError)
    def api_error(request, exc):
        return error_response(api, request, exc.status, exc.code, [_item(exc.msg, exc.loc)])

    @handles(RequestDataTooBig)
    def too_large(request, exc):
        return error_response(api, request, 413, "payload_too_large", [_item(str(exc))])

    @handles(Http404)
    def http_404(request, exc):
        return error_response(api, request, 404, "not_found", [_item(str(exc) or "Not found.")])

    @handles(NotFoundError)
    def not_found(request, exc):
        return error_response(api, request, 404, "not_found", [_item(str(exc))])

    @handles(ConflictError)
    def conflict(request, exc):
        loc = ["body", exc.field] if exc.field else None
        return error_response(api, request, 409, "conflict", [_item(str(exc), loc)])

    @handles(IntegrityError)
    def integrity(request, exc):
        # Matched on the constraint's name (psycopg's diagnostics), never on message text.
        constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
        error = conflict_for_constraint(constraint) if constraint else None
        if error is not None:
            return conflict(request, error)
        return server_error(request, exc)

    @handles(OperationalError)
    @handles(InterfaceError)
    def database_unavailable(request, exc):
        code, message = _database_fault(exc)
        logger.warning("Database fault %s (request %s): %s", code, _request_id(request), exc)
        response = error_response(api, request, 503, code, [_item(message)])
        response["Retry-After"] = "1"
        return response

    @handles(DatabaseError)
    @handles(Exception)
    def server_error(request, exc):
        request_id = _request_id(request)
        logger.error("Unexpected error (request %s)", request_id, exc_info=exc)
        response = error_response(
            api,
            request,
            500,
            "server_error",
            [_item(f"Unexpected error; quote request id {request_id} when reporting it.")],
        )
        return response


def _is_list_branch(error: dict) -> bool:
    return any(isinstance(part, str) and part.startswith("list[") for part in error.get("loc", ()))


def _clean_validation_errors(errors: list[dict]) -> list[dict[str, Any]]:
    """pydantic's errors in the API's shape. A body that may be one object or a list (a
    reading or a batch) is validated against both: keep the errors of the shape the client
    sent, and drop pydantic's internal branch names (e.g. "function-wrap[...]") from locs."""
    list_branch = [error for error in errors if _is_list_branch(error)]
    if any(error.get("type") != "list_type" for error in list_branch):
        errors = list_branch  # the client sent a list
    elif list_branch:
        errors = [error for error in errors if not _is_list_branch(error)]
    return [
        {
            "loc": [p for p in error.get("loc", ()) if not (isinstance(p, str) and "[" in p)],
            "msg": str(error.get("msg", "")).removeprefix("Value error, "),
            "type": error.get("type"),
        }
        for error in errors
    ]


def _database_fault(exc: Exception) -> tuple[str, str]:
    """Which fault a database error is, from SQLite's error code or PostgreSQL's SQLSTATE
    (never from message text)."""
    cause = exc.__cause__
    sqlite_code = getattr(cause, "sqlite_errorcode", None)
    sqlstate = getattr(getattr(cause, "diag", None), "sqlstate", None)
    if sqlite_code == sqlite3.SQLITE_FULL or sqlstate == "53100":  # disk full
        return (
            "database_full",
            "The database is out of space; writes are refused until it has room.",
        )
    if sqlite_code == sqlite3.SQLITE_READONLY or sqlstate == "25006":  # read-only
        return "database_read_only", "The database is read-only right now; writes are refused."
    return "database_unavailable", "The database is unavailable; try again shortly."


def _request_id(request: HttpRequest) -> str:
    return getattr(request, "request_id", "-")


@csrf_exempt  # like the API's own routes, which authenticate by token or session + CSRF
async def unmatched_path(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any path under /api/ that no route matches: 404 in the API's shape, not Django's page."""
    return error_json(
        404, "not_found", f"No API route at {request.path}; see /api/docs.", loc=["path"]
    )
