"""Each well's summary (WellSummary: counts, range, latest, trend) and its recent days
(ReadingDay), kept in the transaction of every write that changes its readings, rebuilt whole
by `manage.py rebuild_stats` and compared with the readings by `rebuild_stats --check`
(ADR-0013)."""

import statistics
from collections.abc import Iterable
from datetime import UTC, datetime, time, timedelta

from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q, QuerySet
from django.db.models.functions import TruncDate

from ..contract import EventKind
from ..events import event_publish_on_commit
from ..expressions import EpochSeconds
from ..models import Observation, ReadingDay, Release, Well, WellSummary
from ..trends import well_trend
from .bulk import ProgressCallback


def _well_summary(
    well_id: int,
    readings: list[tuple[float, float | None, str]],
    *,
    bounds: dict,
    now: datetime,
) -> WellSummary:
    """A well's summary from its readings as (epoch seconds, depth, level_status), in time
    order, and its exact first and last times. The trend is trends.well_trend's: seasonal,
    robust, over the period it reports. ``bounds`` is the well's row of _bounds."""
    values = [depth for _, depth, _ in readings if depth is not None]
    with_values = [(at, depth) for at, depth, _ in readings if depth is not None]
    trend = well_trend(readings)
    change = None
    if with_values:
        latest_at, latest_depth = with_values[-1]
        target = latest_at - 365 * 86400
        nearest = min(with_values, key=lambda reading: abs(reading[0] - target))
        if abs(nearest[0] - target) <= 45 * 86400:
            change = round(latest_depth - nearest[1], 3)
    return WellSummary(
        well_id=well_id,
        observation_count=len(readings),
        first_observed_at=bounds["first"],
        last_observed_at=bounds["last"],
        public_observation_count=bounds["public"],
        public_last_observed_at=bounds["public_last"],
        last_depth_to_water_ft=with_values[-1][1] if with_values else None,
        min_depth_to_water_ft=min(values) if values else None,
        median_depth_to_water_ft=statistics.median(values) if values else None,
        max_depth_to_water_ft=max(values) if values else None,
        trend_ft_per_year=round(trend.slope_ft_per_year, 4) if trend else None,
        trend_p_value=round(trend.p_value, 6) if trend else None,
        trend_start=trend.start if trend else None,
        trend_end=trend.end if trend else None,
        trend_months=trend.months if trend else None,
        change_12_months_ft=change,
        computed_at=now,
    )


_SUMMARY_COLUMNS = ("well_id", EpochSeconds("observed_at"), "depth_to_water_ft", "level_status")


_SUMMARY_FIELDS = [f.name for f in WellSummary._meta.concrete_fields if not f.primary_key]


_PUBLIC = Q(release_status=Release.PUBLIC)


def _bounds(readings: QuerySet[Observation]) -> dict[int, dict]:
    """Each well's first and last reading time, exactly, and its released readings' count
    and last time (one indexed query)."""
    return {
        row["well_id"]: row
        for row in readings.values("well_id").annotate(
            n=Count("pk"),
            first=Min("observed_at"),
            last=Max("observed_at"),
            public=Count("pk", filter=_PUBLIC),
            public_last=Max("observed_at", filter=_PUBLIC),
        )
    }


def _recent_days(readings: QuerySet[Observation], now: datetime) -> list[ReadingDay]:
    """The ReadingDay rows of ``readings`` from RECENT_DAYS ago (UTC) on."""
    since = datetime.combine(now.date() - timedelta(days=ReadingDay.RECENT_DAYS), time(), UTC)
    days = (
        readings.filter(observed_at__gte=since)
        .annotate(day=TruncDate("observed_at", tzinfo=UTC))
        .order_by()
        .values("well_id", "day")
        .annotate(n=Count("pk"), public=Count("pk", filter=_PUBLIC))
    )
    return [
        ReadingDay(
            well_id=row["well_id"],
            day=row["day"],
            observation_count=row["n"],
            public_observation_count=row["public"],
        )
        for row in days
    ]


def well_summaries_refresh(*, well_ids: Iterable[int]) -> int:
    """Recompute these wells' summaries in the caller's transaction (or one of its own), so
    that a write and the figures it changes commit together (a page never shows a summary
    older than the readings under it). Returns how many wells have a summary now."""
    ids = sorted(set(well_ids))
    if not ids:
        return 0
    with transaction.atomic():
        return _summaries_refresh(ids)


def _summaries_refresh(ids: list[int]) -> int:
    # One refresh of a well at a time, each reading what the ones before it committed:
    # without this, two concurrent writes to a well could each compute from a series
    # missing the other's reading, and the later commit would leave a stale summary.
    # NO KEY UPDATE, because the writes' inserts hold KEY SHARE on the well (the foreign
    # key); in id order, so that writes to several wells cannot deadlock. SQLite: a no-op,
    # its writers are serialised already.
    list(
        Well.objects.filter(pk__in=ids)
        .order_by("pk")
        .select_for_update(no_key=True)
        .values_list("pk", flat=True)
    )
    now = datetime.now(UTC)
    summaries = []
    touched = Observation.objects.filter(well_id__in=ids)
    bounds = _bounds(touched)
    for well_id in ids:
        readings = list(
            Observation.objects.filter(well_id=well_id)
            .order_by("observed_at")
            .values_list(*_SUMMARY_COLUMNS[1:])
        )
        if readings:
            summaries.append(_well_summary(well_id, readings, bounds=bounds[well_id], now=now))
    summarised = {summary.well_id for summary in summaries}
    WellSummary.objects.filter(well_id__in=[i for i in ids if i not in summarised]).delete()
    # An upsert: `rebuild_stats` may be swapping the whole table in meanwhile.
    WellSummary.objects.bulk_create(
        summaries,
        update_conflicts=True,
        unique_fields=["well"],
        update_fields=_SUMMARY_FIELDS,
    )
    # Under the wells' locks above: the days of one well are rewritten by one writer.
    ReadingDay.objects.filter(well_id__in=ids).delete()
    ReadingDay.objects.bulk_create(_recent_days(touched, now))
    return len(summaries)


def well_summaries_rebuild(*, on_progress: ProgressCallback | None = None) -> int:
    """Recompute every well's summary from its readings, then swap the new rows in, in one
    short transaction (readers see the old set or the new one, never a mix). Streams the
    readings well by well, so memory holds one well's series at a time."""
    now = datetime.now(UTC)
    summaries: list[WellSummary] = []
    current_id, readings = None, []
    stream = (
        Observation.objects.order_by("well_id", "observed_at")
        .values_list(*_SUMMARY_COLUMNS)
        .iterator(chunk_size=20_000)
    )
    bounds = _bounds(Observation.objects.all())
    days = _recent_days(Observation.objects.all(), now)

    def summary_of(well_id: int) -> WellSummary:
        return _well_summary(well_id, readings, bounds=bounds[well_id], now=now)

    for well_id, observed_at, depth, status in stream:
        if well_id != current_id and readings:
            summaries.append(summary_of(current_id))
            if on_progress:
                on_progress(len(readings))
            readings = []
        current_id = well_id
        readings.append((observed_at, depth, status))
    if readings:
        summaries.append(summary_of(current_id))
        if on_progress:
            on_progress(len(readings))
    with transaction.atomic():
        # Upserts (a write may refresh a well's row meanwhile), then the rows of wells
        # that no longer have readings go.
        WellSummary.objects.bulk_create(
            summaries,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["well"],
            update_fields=_SUMMARY_FIELDS,
        )
        WellSummary.objects.exclude(well_id__in=Observation.objects.values("well_id")).delete()
        ReadingDay.objects.all().delete()
        ReadingDay.objects.bulk_create(days, batch_size=2000)
        event_publish_on_commit(kind=EventKind.STATS_REBUILT, payload={"wells": len(summaries)})
    return len(summaries)


_CHECKED = (
    ("observation_count", "n"),
    ("first_observed_at", "first"),
    ("last_observed_at", "last"),
    ("public_observation_count", "public"),
    ("public_last_observed_at", "public_last"),
)


def well_summaries_check() -> list[str]:
    """Where the maintained figures differ from the readings now: one line per difference
    (well, figure, kept, recomputed); none when they agree. Read in one transaction, so
    that a write landing meanwhile is seen by both sides or neither (SQLite's transactions
    are snapshots; PostgreSQL's are made REPEATABLE READ here)."""
    one_snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if one_snapshot:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        now = datetime.now(UTC)
        recomputed = _bounds(Observation.objects.all())
        kept = {summary.well_id: summary for summary in WellSummary.objects.all()}
        problems = []
        for well_id in sorted(recomputed.keys() | kept.keys()):
            summary, row = kept.get(well_id), recomputed.get(well_id)
            if summary is None or row is None:
                problems.append(f"well {well_id}: summary {'missing' if row else 'left over'}")
                continue
            for field, key in _CHECKED:
                if getattr(summary, field) != row[key]:
                    problems.append(
                        f"well {well_id}: {field} kept {getattr(summary, field)}, "
                        f"recomputed {row[key]}"
                    )
        since = now.date() - timedelta(days=ReadingDay.RECENT_DAYS - 1)
        fresh = {(day.well_id, day.day): day for day in _recent_days(Observation.objects, now)}
        stored = {(day.well_id, day.day): day for day in ReadingDay.objects.filter(day__gte=since)}
        for key in sorted(fresh.keys() | stored.keys(), key=str):
            if key[1] < since:
                continue
            want, got = fresh.get(key), stored.get(key)
            counts = [
                (day.observation_count, day.public_observation_count) if day else (0, 0)
                for day in (got, want)
            ]
            if counts[0] != counts[1]:
                problems.append(
                    f"well {key[0]} on {key[1]}: readings kept {counts[0]}, recomputed {counts[1]}"
                )
        return problems
