"""Django's plain ASGI application, without project/asgi.py's refusal of persistent
connections: only for the control test that shows why the refusal exists
(tests/concurrency/test_server_limits.py)."""

import os

from django.core.asgi import get_asgi_application

os.environ["PIEZO_INTERFACE"] = "asgi"
application = get_asgi_application()
