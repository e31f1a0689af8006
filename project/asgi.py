"""ASGI entry point: `uvicorn project.asgi:application`. Routes by protocol: HTTP to
Django, websockets to channels (project/routing.py).

Without DJANGO_SETTINGS_MODULE this loads the production settings, which refuse to
start without SECRET_KEY; `make run` selects the local settings.
"""

import gc
import os

from django.conf import settings
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.asgi import get_asgi_application
from django.urls import get_resolver

from project.bodylimit import BodySizeLimitMiddleware
from project.loopguard import LoopGuardMiddleware
from project.looplag import LoopLagMiddleware
from project.requestthreads import RequestThreadMiddleware

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.production")
# This module is what ASGI servers load, so the interface is known, whatever the
# environment says (the connection policy depends on it: ADR-0003).
os.environ["PIEZO_INTERFACE"] = "asgi"

application = get_asgi_application()

from apps.ops.checks import connection_policy_enforce  # noqa: E402 - needs the apps loaded

connection_policy_enforce()

# Import the URLconf (and build the API's schemas) now, at process start: Django would do
# it lazily inside the first request, blocking the event loop for about 100 ms.
_url_patterns = get_resolver().url_patterns

if settings.PIEZO_SERVE_STATIC:
    # Locally uvicorn serves the admin's CSS and JS itself; a deployment serves
    # `collectstatic`'s STATIC_ROOT from the reverse proxy instead.
    application = ASGIStaticFilesHandler(application)

from channels.auth import AuthMiddlewareStack  # noqa: E402 - needs the apps loaded
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from project.routing import websocket_urlpatterns  # noqa: E402

application = LoopLagMiddleware(
    ProtocolTypeRouter(
        {
            "http": BodySizeLimitMiddleware(
                RequestThreadMiddleware(application), limit_bytes=settings.PIEZO_MAX_BODY_BYTES
            ),
            # Browsers send Origin on websocket handshakes; only ALLOWED_HOSTS may connect.
            "websocket": AllowedHostsOriginValidator(
                AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
            ),
        }
    )
)

if settings.PIEZO_LOOP_GUARD_MS:
    # Development and tests: log every stall of the loop with its route and stack (ADR-0004).
    application = LoopGuardMiddleware(application, threshold_ms=settings.PIEZO_LOOP_GUARD_MS)

# Move everything created at start-up (settings, URLconf, models, schemas) out of the
# garbage collector's way: full collections under load otherwise walk it all, pausing the
# event loop for tens of milliseconds.
gc.freeze()
