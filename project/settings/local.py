"""A developer's machine: `make run`. DEBUG on, a throwaway secret key."""

from .base import *  # noqa: F403
from .env import env_bool, env_int, env_str

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", "local-dev-only-not-secret")
PIEZO_SERVE_STATIC = env_bool("PIEZO_SERVE_STATIC", True)
# Name the route whenever it blocks the event loop for a quarter of a second (ADR-0004).
PIEZO_LOOP_GUARD_MS = env_int("PIEZO_LOOP_GUARD_MS", 250)
