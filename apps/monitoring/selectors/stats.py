"""The headline figures behind /api/stats, the landing page and the stats websocket."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Count, Manager, Max, QuerySet, Sum
from django.utils import timezone

from ..asyncdriver import on_own_connection, reading
from ..models import ReadingDay, Sample, Well, WellSummary
from ..singleflight import SingleFlight
from .visibility import (
    Audience,
    samples_visible,
    tallies_visible,
    tally_prefix,
    wells_visible,
)

# "observations_last_30_days": the readings of the last 30 UTC days, today included. Whole
# days, so that the tallies answer it alone: a window starting mid-day would have to count
# that day's readings, a cost that grows with the table (ADR-0013).
RECENT_DAYS = 30


@dataclass(frozen=True)
class _StatsQueries:
    by_status: QuerySet  # of the visible wells
    summaries: QuerySet  # their WellSummary rows
    days: QuerySet  # their ReadingDay rows of the last RECENT_DAYS days
    prefix: str  # of the tallies the audience may see


def _stats_queries(
    now: datetime, *, audience: Audience, manager: Callable[[type], Manager]
) -> _StatsQueries:
    """The queries behind the headline figures of what ``audience`` may see, from the
    managers ``manager`` gives (evaluated by the sync or the async twin). None reads a
    reading: counts come from the per-well tallies that every write keeps (WellSummary,
    ReadingDay; ADR-0013)."""
    wells = wells_visible(manager(Well).all(), audience=audience)
    first_day = now.astimezone(UTC).date() - timedelta(days=RECENT_DAYS - 1)
    days = manager(ReadingDay).filter(day__gte=first_day)
    return _StatsQueries(
        by_status=wells.order_by().values("status").annotate(n=Count("id")),
        summaries=tallies_visible(manager(WellSummary).all(), audience=audience),
        days=tallies_visible(days, audience=audience),
        prefix=tally_prefix(audience=audience),
    )


def _totals(queries: _StatsQueries) -> dict[str, Any]:
    return {
        "total": Sum(f"{queries.prefix}observation_count", default=0),
        "latest": Max(f"{queries.prefix}last_observed_at"),
    }


def _recent(queries: _StatsQueries) -> dict[str, Any]:
    return {"n": Sum(f"{queries.prefix}observation_count", default=0)}


def _stats_shape(
    audience: Audience, by_status: dict, totals: dict, recent: int, samples: int
) -> dict[str, Any]:
    return {
        "scope": audience.scope,
        "wells": sum(by_status.values()),
        "active_wells": by_status.get(Well.Status.ACTIVE, 0),
        "wells_by_status": {status: by_status.get(status, 0) for status in Well.Status.values},
        "observations": totals["total"],
        "observations_last_30_days": recent,
        "latest_observed_at": totals["latest"],
        "samples": samples,
    }


# One flight per scope: the public's figures and staff's are different answers.
_stats_flights: dict[str, SingleFlight[dict[str, Any]]] = {
    "public": SingleFlight(),
    "all": SingleFlight(),
}


async def stats_aget(*, audience: Audience) -> dict[str, Any]:
    """The headline figures of what ``audience`` may see (``scope`` says which): wells (by
    status), observations, recent readings, samples, as of now (the recent days are kept
    from the writes' now on, so no other moment can be asked). Concurrent callers of one
    scope share one computation (apps/monitoring/singleflight.py), which runs in a task of
    its own and so on connections of its own."""
    return await _stats_flights[audience.scope].run(
        lambda: on_own_connection(_stats_acompute(audience, timezone.now()))
    )


async def _stats_acompute(audience: Audience, now: datetime) -> dict[str, Any]:
    queries = _stats_queries(now, audience=audience, manager=reading)
    recent = await queries.days.aaggregate(**_recent(queries))
    return _stats_shape(
        audience,
        {row["status"]: row["n"] async for row in queries.by_status},
        await queries.summaries.aaggregate(**_totals(queries)),
        recent["n"],
        await samples_visible(reading(Sample).all(), audience=audience).acount(),
    )


def stats_get(*, audience: Audience) -> dict[str, Any]:
    """The sync twin of stats_aget (the benchmarks' sync views)."""
    queries = _stats_queries(timezone.now(), audience=audience, manager=lambda m: m.objects)
    recent = queries.days.aggregate(**_recent(queries))
    return _stats_shape(
        audience,
        {row["status"]: row["n"] for row in queries.by_status},
        queries.summaries.aggregate(**_totals(queries)),
        recent["n"],
        samples_visible(Sample.objects.all(), audience=audience).count(),
    )
