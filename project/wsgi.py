"""WSGI entry point for the P0 deployment that ADR-0004 keeps runnable:
`gunicorn project.wsgi:application --workers 2 --threads 8` with `PIEZO_INTERFACE=wsgi
DB_POOL=false DB_CONN_MAX_AGE=60` (README): each gunicorn thread keeps its own persistent
connection. tests/project/test_wsgi.py and tests/concurrency/test_phases.py serve it."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.production")
# This module is what WSGI servers load, so the interface is known: persistent per-thread
# connections are allowed here (ADR-0003).
os.environ["PIEZO_INTERFACE"] = "wsgi"

application = get_wsgi_application()
