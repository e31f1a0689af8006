"""WSGI entry point for the P0 deployment that ADR-0004 keeps runnable:
`gunicorn project.wsgi:application --workers 2 --threads 8` (with CONN_MAX_AGE > 0,
each gunicorn thread keeps its own persistent connection)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.production")
# Tells the connection check (ADR-0003) that persistent connections are allowed here.
os.environ.setdefault("PIEZO_INTERFACE", "wsgi")

application = get_wsgi_application()
