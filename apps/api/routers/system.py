"""Stats and health: the figures on the landing page, and whether the service can serve."""

from django.http import HttpRequest
from ninja import Router, Status

from apps.monitoring import selectors
from apps.monitoring.models import LexiconTerm
from project import looplag

from ..auth import audience_for
from ..schemas import HealthOut, StatsOut, error_responses

router = Router(tags=["system"])


@router.get("/stats", response={200: StatsOut, **error_responses(401)}, summary="Headline figures")
async def stats(request: HttpRequest):
    """Totals of what the caller may see (``scope``: public or all): wells (and by status),
    active wells, observations, observations in the last 30 days, the latest reading time,
    and samples."""
    return await selectors.stats_aget(audience=await audience_for(request))


@router.get("/health", response={200: HealthOut, 503: HealthOut}, summary="Liveness and readiness")
async def health(request: HttpRequest):
    """200 when the database answers, 503 when it does not; with this worker's event-loop
    lag (a blocked loop delays every request on the worker)."""
    lag = looplag.monitor.snapshot()
    try:
        reads = await selectors.database_aping()
    except Exception as exc:  # any failure to reach the database means "not ready"
        body = {
            "status": "unavailable",
            "database": f"error: {type(exc).__name__}",
            "reads": selectors.read_path(LexiconTerm),
        }
        return Status(503, {**body, "event_loop": lag})
    return Status(200, {"status": "ok", "database": "ok", "reads": reads, "event_loop": lag})
