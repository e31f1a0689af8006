"""The test suite: `make test`. The database comes from DATABASE_URL like everywhere else;
tests/plugins/database.py sets it to a throwaway PostgreSQL cluster for the PostgreSQL run."""

import os

from .base import *  # noqa: F403
from .base import DATABASES, ROOT_URLCONF, VAR_DIR
from .database import SQLITE_ENGINE
from .env import env_str

SECRET_KEY = env_str("SECRET_KEY", "test-only-not-secret")
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A file, not pytest-django's in-memory default: WAL, busy timeouts and real server
# processes (uvicorn in the concurrency tests) all need a database on disk.
if DATABASES["default"]["ENGINE"] == SQLITE_ENGINE:
    # One file per run, so two suites running at once do not share (and break) it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test_piezo_{os.getpid()}.sqlite3")}
# In-process tests read through the same connection as they write (Django's test mirror);
# the uvicorn processes the tests start get the real read-only alias.
PIEZO_SERVE_STATIC = True
# Any field or relation a read path forgot to load raises instead of querying lazily.
PIEZO_READ_FETCH_MODE = "FETCH_RAISE"
# The phase matrix (tests/concurrency/test_phases.py) serves P1 with every view sync.
ROOT_URLCONF = env_str("PIEZO_URLCONF", ROOT_URLCONF)
# The suite's wells are public (the fixtures of most read tests); the tests of the
# private default (tests/monitoring/test_visibility.py) set it back.
PIEZO_NEW_WELL_RELEASE = env_str("PIEZO_NEW_WELL_RELEASE", "public")
