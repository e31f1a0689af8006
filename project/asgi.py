"""ASGI entry point: `uvicorn project.asgi:application`.

Without DJANGO_SETTINGS_MODULE this loads the production settings, which refuse to
start without SECRET_KEY; `make run` selects the local settings.
"""

import os

from django.conf import settings
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from django.core.asgi import get_asgi_application

from project.looplag import LoopLagMiddleware

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.production")

application = get_asgi_application()

if settings.PIEZO_SERVE_STATIC:
    # Locally uvicorn serves the admin's CSS and JS itself; a deployment serves
    # `collectstatic`'s STATIC_ROOT from the reverse proxy instead.
    application = ASGIStaticFilesHandler(application)

application = LoopLagMiddleware(application)
