"""The headline figures behind /api/stats, the landing page and the stats websocket."""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Manager, Max, Q
from django.utils import timezone

from ..asyncdriver import on_own_connection, reading
from ..models import Observation, Sample, Well
from ..singleflight import SingleFlight
from .visibility import Audience, readings_visible, samples_visible, wells_visible


def _stats_queries(now: datetime, *, audience: Audience, well: Manager):
    """The queries behind the headline figures of what ``audience`` may see, from the given
    manager (evaluated by the sync or the async twin)."""
    wells = wells_visible(well.all(), audience=audience)
    by_status = wells.order_by().values("status").annotate(n=Count("id"))
    observations = {
        "total": Count("id"),
        "last_30_days": Count("id", filter=Q(observed_at__gte=now - timedelta(days=30))),
        "latest": Max("observed_at"),
    }
    return by_status, observations


def _stats_shape(
    audience: Audience, by_status: dict, observations: dict, samples: int
) -> dict[str, Any]:
    return {
        "scope": audience.scope,
        "wells": sum(by_status.values()),
        "active_wells": by_status.get(Well.Status.ACTIVE, 0),
        "wells_by_status": {status: by_status.get(status, 0) for status in Well.Status.values},
        "observations": observations["total"],
        "observations_last_30_days": observations["last_30_days"],
        "latest_observed_at": observations["latest"],
        "samples": samples,
    }


# One flight per scope: the public's figures and staff's are different answers.
_stats_flights: dict[str, SingleFlight[dict[str, Any]]] = {
    "public": SingleFlight(),
    "all": SingleFlight(),
}


async def stats_aget(*, audience: Audience, now: datetime | None = None) -> dict[str, Any]:
    """The headline figures of what ``audience`` may see (``scope`` says which): wells (by
    status), observations, recent readings, samples. Concurrent callers of one scope share
    one computation (apps/monitoring/singleflight.py), which runs in a task of its own and
    so on connections of its own."""
    if now is not None:
        return await _stats_acompute(audience, now)
    return await _stats_flights[audience.scope].run(
        lambda: on_own_connection(_stats_acompute(audience, timezone.now()))
    )


async def _stats_acompute(audience: Audience, now: datetime) -> dict[str, Any]:
    by_status, observation_aggregates = _stats_queries(now, audience=audience, well=reading(Well))
    observations = readings_visible(reading(Observation).all(), audience=audience)
    return _stats_shape(
        audience,
        {row["status"]: row["n"] async for row in by_status},
        await observations.aaggregate(**observation_aggregates),
        await samples_visible(reading(Sample).all(), audience=audience).acount(),
    )


def stats_get(*, audience: Audience, now: datetime | None = None) -> dict[str, Any]:
    """The sync twin of stats_aget (the benchmarks' sync views)."""
    by_status, observation_aggregates = _stats_queries(
        now or timezone.now(), audience=audience, well=Well.objects
    )
    observations = readings_visible(Observation.objects.all(), audience=audience)
    return _stats_shape(
        audience,
        {row["status"]: row["n"] for row in by_status},
        observations.aggregate(**observation_aggregates),
        samples_visible(Sample.objects.all(), audience=audience).count(),
    )
