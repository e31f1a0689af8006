"""The headline figures behind /api/stats, the landing page and the stats websocket."""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Manager, Max, Q
from django.utils import timezone

from ..asyncdriver import on_own_connection, reading
from ..models import Observation, Sample, Well
from ..singleflight import SingleFlight


def _stats_queries(now: datetime, *, well: Manager, observation: Manager):
    """The queries behind the headline figures, from the given managers (evaluated by the
    sync or the async twin)."""
    by_status = well.order_by().values("status").annotate(n=Count("id"))
    observations = {
        "total": Count("id"),
        "last_30_days": Count("id", filter=Q(observed_at__gte=now - timedelta(days=30))),
        "latest": Max("observed_at"),
    }
    return by_status, observations


def _stats_shape(by_status: dict, observations: dict, samples: int) -> dict[str, Any]:
    return {
        "wells": sum(by_status.values()),
        "active_wells": by_status.get(Well.Status.ACTIVE, 0),
        "wells_by_status": {status: by_status.get(status, 0) for status in Well.Status.values},
        "observations": observations["total"],
        "observations_last_30_days": observations["last_30_days"],
        "latest_observed_at": observations["latest"],
        "samples": samples,
    }


_stats_flight: SingleFlight[dict[str, Any]] = SingleFlight()


async def stats_aget(*, now: datetime | None = None) -> dict[str, Any]:
    """The headline figures: wells (by status), observations, recent readings, samples.
    Concurrent callers share one computation (apps/monitoring/singleflight.py), which runs in a
    task of its own and so on connections of its own."""
    if now is not None:
        return await _stats_acompute(now)
    return await _stats_flight.run(lambda: on_own_connection(_stats_acompute(timezone.now())))


async def _stats_acompute(now: datetime) -> dict[str, Any]:
    by_status, observation_aggregates = _stats_queries(
        now, well=reading(Well), observation=reading(Observation)
    )
    return _stats_shape(
        {row["status"]: row["n"] async for row in by_status},
        await reading(Observation).aaggregate(**observation_aggregates),
        await reading(Sample).acount(),
    )


def stats_get(*, now: datetime | None = None) -> dict[str, Any]:
    """The sync twin of stats_aget, for database_sync_to_async (websocket consumers)."""
    by_status, observation_aggregates = _stats_queries(
        now or timezone.now(), well=Well.objects, observation=Observation.objects
    )
    return _stats_shape(
        {row["status"]: row["n"] for row in by_status},
        Observation.objects.aggregate(**observation_aggregates),
        Sample.objects.count(),
    )
