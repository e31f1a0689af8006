"""The test suite: `make test`. The database comes from DATABASE_URL like everywhere else;
tests/plugins/database.py sets it to a throwaway PostgreSQL cluster for the PostgreSQL run."""

from .base import *  # noqa: F403
from .base import DATABASES, VAR_DIR
from .env import env_str

SECRET_KEY = env_str("SECRET_KEY", "test-only-not-secret")
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A file, not pytest-django's in-memory default: WAL, busy timeouts and real server
# processes (uvicorn in the concurrency tests) all need a database on disk.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_piezo.sqlite3")}
PIEZO_SERVE_STATIC = True
