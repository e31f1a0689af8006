"""A request id on every request and response (X-Request-ID), so a user's error report
can be matched with the server log. Sync and async capable: no thread hop."""

import re
import uuid
from inspect import iscoroutinefunction

from django.utils.decorators import sync_and_async_middleware

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def _assign(request) -> str:
    incoming = request.headers.get("X-Request-ID", "")
    request.request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
    return request.request_id


@sync_and_async_middleware
def request_id_middleware(get_response):
    if iscoroutinefunction(get_response):

        async def middleware(request):
            request_id = _assign(request)
            response = await get_response(request)
            response["X-Request-ID"] = request_id
            return response

    else:

        def middleware(request):
            request_id = _assign(request)
            response = get_response(request)
            response["X-Request-ID"] = request_id
            return response

    return middleware
