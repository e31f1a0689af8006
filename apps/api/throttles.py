"""Rate limits: writes per user, token requests per client address. Over the limit the API
answers 429 with Retry-After. Counts live in Django's cache: per process with the
local-memory cache, shared by every worker when REDIS_URL gives a Redis cache."""

import logging
import threading

from django.conf import settings
from ninja.throttling import AnonRateThrottle, AuthRateThrottle

logger = logging.getLogger(__name__)


class _FromSettings:
    """Reads the rate from a setting on each request, so deployments (and tests) can tune it
    without code. django-ninja keeps per-request state on the (shared) throttle object, so
    each request works on a copy, and the wait it computes reaches django-ninja's following
    wait() call through a thread-local (both run on the request's thread)."""

    setting: str

    def __init__(self) -> None:
        super().__init__(getattr(settings, self.setting))
        self._local = threading.local()

    def allow_request(self, request) -> bool:
        own = type(self).__new__(type(self))
        own.__dict__.update(self.__dict__)
        own.rate = getattr(settings, self.setting)
        own.num_requests, own.duration = own.parse_rate(own.rate)
        try:
            allowed = super(_FromSettings, own).allow_request(request)
        except Exception:
            # The counts live in the cache (Redis in production). If it is unreachable, let
            # the request through: a missing rate limit is better than refusing every write.
            logger.warning("Rate limit not applied: the cache is unavailable", exc_info=True)
            allowed = True
        self._local.wait = None if allowed else super(_FromSettings, own).wait()
        return allowed

    def wait(self):
        return getattr(self._local, "wait", None)


class WriteThrottle(_FromSettings, AuthRateThrottle):
    scope = "writes"
    setting = "PIEZO_WRITE_RATE"


class TokenThrottle(_FromSettings, AnonRateThrottle):
    scope = "tokens"
    setting = "PIEZO_TOKEN_RATE"


WRITES = [WriteThrottle()]
TOKENS = [TokenThrottle()]
