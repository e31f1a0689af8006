"""The benchmarks (`make bench`): a deployment's settings (DEBUG off) served over plain HTTP
on 127.0.0.1, with the sync twins of the hot read endpoints mounted (project/urls_bench.py)."""

from .base import *  # noqa: F403
from .env import env_str

SECRET_KEY = env_str("SECRET_KEY", "bench-only-not-secret")
DEBUG = False
ROOT_URLCONF = "project.urls_bench"
PIEZO_SERVE_STATIC = False
