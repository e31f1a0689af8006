"""The answer to a sign-in from a locked-out username and address (django-axes calls it):
429 with Retry-After, in the API's error shape under /api/ and as a short page elsewhere."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from apps.api.errors import error_json


def lockout_response(request: HttpRequest, *args) -> HttpResponse:
    # axes passes (original_response, credentials) or, from its async middleware, only the
    # credentials; neither is needed here.
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    message = (
        f"Too many failed sign-ins for this username from this address; "
        f"try again in {seconds // 60} minutes."
    )
    if request.path.startswith("/api/"):
        response = error_json(429, "too_many_failed_logins", message)
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(seconds)
    return response
