"""Reads of readings: one well's series by keyset pages and chunks, its latest readings,
the live layer's payloads, and the hydrograph's series (maths in hydrograph.py)."""

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import close_old_connections
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    FloatField,
    Manager,
    Max,
    Min,
    OuterRef,
    QuerySet,
    Value,
)

from .. import plausibility
from ..asyncdriver import copy_csv, reading, release
from ..contract import CSV_FIELDS, OBSERVATION_FIELDS
from ..expressions import EpochSeconds, FloatText, IsoTimestamp, SafeText
from ..hydrograph import hydrograph_series
from ..models import Observation, WellSummary
from .visibility import PUBLIC, WellScope, readings_visible
from .wells import WellDetail


def _series_summary() -> dict[str, Any]:
    return {
        "count": Count("id"),
        "first_observed_at": Min("observed_at"),
        "last_observed_at": Max("observed_at"),
        "min_depth_to_water_ft": Min("depth_to_water_ft"),
        "max_depth_to_water_ft": Max("depth_to_water_ft"),
    }


def _well_readings(well: WellScope, objects: Manager) -> QuerySet[Observation]:
    """The readings of ``well`` its audience may see: every per-well read starts here."""
    return well.filter_readings(objects.filter(well_id=well.id))


def _series_of(summary: WellSummary) -> dict[str, Any]:
    return {
        "count": summary.observation_count,
        "first_observed_at": summary.first_observed_at,
        "last_observed_at": summary.last_observed_at,
        "min_depth_to_water_ft": summary.min_depth_to_water_ft,
        "max_depth_to_water_ft": summary.max_depth_to_water_ft,
    }


async def well_series_asummary(*, detail: WellDetail) -> dict[str, Any]:
    """Count, time span and depth range of the readings of a well its audience may see:
    the well's maintained summary where it describes exactly those readings (ADR-0013 keeps
    it in each write's transaction; ``WellDetail.summary`` says where), else counted."""
    if detail.summary is not None:
        return _series_of(detail.summary)
    return await _well_readings(detail.scope, reading(Observation)).aaggregate(**_series_summary())


def well_series_summary(*, detail: WellDetail) -> dict[str, Any]:
    if detail.summary is not None:
        return _series_of(detail.summary)
    return _well_readings(detail.scope, Observation.objects).aggregate(**_series_summary())


def _payloads_queryset(ids: list[int], objects: Manager) -> QuerySet:
    # Whether each reading is public, by the one rule: a live message carries readings for
    # every subscriber, and each consumer passes on what its audience may see.
    public = readings_visible(Observation.objects.filter(pk=OuterRef("pk")), audience=PUBLIC)
    return (
        objects.filter(pk__in=ids)
        .annotate(public=ExpressionWrapper(Exists(public), output_field=BooleanField()))
        .order_by("observed_at")
        .values(*OBSERVATION_FIELDS, "public", "well__site_no")
    )


def _payload(row: dict) -> dict[str, Any]:
    return {
        **{field: row[field] for field in OBSERVATION_FIELDS},
        "flags": plausibility.flags_list(row["flags"]),
        "observed_at": row["observed_at"].isoformat(),
        "site_no": row["well__site_no"],
        "public": bool(row["public"]),
    }


async def observation_apayloads(*, ids: list[int]) -> list[dict[str, Any]]:
    """Readings shaped as the REST API's observation (JSON-ready), for live messages, each
    with ``public``: whether the public may see it (consumers drop the key)."""
    return [_payload(row) async for row in _payloads_queryset(ids, reading(Observation))]


def observation_payloads(*, ids: list[int]) -> list[dict[str, Any]]:
    """The sync twin of observation_apayloads (a command's or a WSGI worker's events)."""
    return [_payload(row) for row in _payloads_queryset(ids, Observation.objects)]


@dataclass(frozen=True, kw_only=True)
class ObservationFilters:
    start: datetime | None = None
    end: datetime | None = None
    data_quality: str | None = None
    source: str | None = None


def observation_queryset(
    *, well: WellScope, filters: ObservationFilters, objects: Manager | None = None
) -> QuerySet[Observation]:
    """One well's readings its audience may see, in time order, served by the (well,
    observed_at) index, from ``objects`` (Django's manager unless given)."""
    readings = _well_readings(well, Observation.objects if objects is None else objects)
    if filters.start:
        readings = readings.filter(observed_at__gte=filters.start)
    if filters.end:
        readings = readings.filter(observed_at__lte=filters.end)
    if filters.data_quality:
        readings = readings.filter(data_quality=filters.data_quality)
    if filters.source:
        readings = readings.filter(source=filters.source)
    return readings.order_by("observed_at")


def _page_queryset(
    well: WellScope,
    filters: ObservationFilters,
    after: datetime | None,
    before: datetime | None,
    objects: Manager | None = None,
) -> QuerySet:
    readings = observation_queryset(well=well, filters=filters, objects=objects)
    if before is not None:
        readings = readings.filter(observed_at__lt=before).order_by("-observed_at")
    elif after is not None:
        readings = readings.filter(observed_at__gt=after)
    return readings.values(*OBSERVATION_FIELDS)


def _api_row(row: dict) -> dict:
    """A reading as the API shows it: its plausibility flags as a list."""
    row["flags"] = plausibility.flags_list(row["flags"])
    return row


def _page_rows(rows: list[dict], limit: int, backwards: bool) -> tuple[list[dict], bool]:
    more = len(rows) > limit
    rows = [_api_row(row) for row in rows[:limit]]
    if backwards:
        rows.reverse()
    return rows, more


async def observation_apage(
    *,
    well: WellScope,
    filters: ObservationFilters,
    after: datetime | None = None,
    before: datetime | None = None,
    limit: int,
) -> tuple[list[dict[str, Any]], bool]:
    """A keyset page of up to ``limit`` readings in time order, after ``after`` or before
    ``before``, and whether more lie beyond it in that direction.

    No COUNT(*): a long series is paged by time, reading one row past the page to know
    whether there is more.
    """
    readings = _page_queryset(well, filters, after, before, reading(Observation))
    return _page_rows([row async for row in readings[: limit + 1]], limit, before is not None)


def observation_page(
    *,
    well: WellScope,
    filters: ObservationFilters,
    after: datetime | None = None,
    before: datetime | None = None,
    limit: int,
) -> tuple[list[dict[str, Any]], bool]:
    """The sync twin of observation_apage."""
    readings = _page_queryset(well, filters, after, before)[: limit + 1]
    return _page_rows(list(readings), limit, before is not None)


def _chunk_queryset(
    well: WellScope, filters: ObservationFilters, fields: tuple[str, ...], objects: Manager | None
):
    if fields[0] != "observed_at":
        raise ValueError("fields must start with observed_at (the keyset).")
    readings = observation_queryset(well=well, filters=filters, objects=objects)
    return readings.values_list(*fields)


async def observation_achunks(
    *, well: WellScope, filters: ObservationFilters, fields: tuple[str, ...], chunk_size: int
) -> AsyncIterator[list[tuple]]:
    """A well's readings as lists of value tuples, ``chunk_size`` per query, by keyset.

    Each chunk is its own short query, so a long export never holds one open cursor (or a
    pooled connection) for its whole duration. ``fields`` must start with observed_at.
    """
    readings = _chunk_queryset(well, filters, fields, reading(Observation))
    after = None
    while True:
        page = readings if after is None else readings.filter(observed_at__gt=after)
        chunk = [row async for row in page[:chunk_size]]
        # The connection goes back to its pool before the caller takes its time over the
        # chunk.
        await release(Observation)
        if not chunk:
            return
        yield chunk
        if len(chunk) < chunk_size:
            return
        after = chunk[-1][0]


CSV_CHUNK_GROWTH = 4


def _csv_cells(well: WellScope, filters: ObservationFilters, site_cell: str) -> QuerySet:
    fields = [Observation._meta.get_field(name) for name in CSV_FIELDS[1:]]
    cells = [
        FloatText(field.name) if isinstance(field, FloatField) else SafeText(field.name)
        for field in fields
    ]
    readings = observation_queryset(well=well, filters=filters)
    return readings.values_list(Value(site_cell), IsoTimestamp("observed_at"), *cells)


async def observation_csv_achunks(
    *, well: WellScope, filters: ObservationFilters, site_cell: str, chunk_size: int
) -> AsyncIterator[bytes]:
    """A well's readings as the export's CSV rows (after ``site_cell``), written by
    PostgreSQL, one ``COPY`` per chunk, by keyset like observation_achunks.

    The first chunk has ``chunk_size`` rows, so the first byte comes soon; each next one
    twice as many, up to CSV_CHUNK_GROWTH times that, since every chunk costs two queries
    and a connection's round trip to its pool (a 1,000,000-row export: 0.54 of `COPY`'s
    rows/s in chunks of 5,000, 0.67 in chunks of 20,000). Each chunk first finds its last
    reading's time (an index walk), then copies the rows up to it, so the keyset never
    depends on reading the CSV back."""
    keys = _chunk_queryset(well, filters, ("observed_at",), reading(Observation))
    cells = _csv_cells(well, filters, site_cell)
    after, largest = None, chunk_size * CSV_CHUNK_GROWTH
    while True:
        page, rows = (
            (keys, cells)
            if after is None
            else (keys.filter(observed_at__gt=after), cells.filter(observed_at__gt=after))
        )
        last = [key async for (key,) in page[chunk_size - 1 : chunk_size]]
        if last:
            rows = rows.filter(observed_at__lte=last[0])
        text = await copy_csv(Observation, rows)
        await release(Observation)
        if text:
            yield text
        if not last:
            return
        after, chunk_size = last[0], min(2 * chunk_size, largest)


def observation_chunks(
    *, well: WellScope, filters: ObservationFilters, fields: tuple[str, ...], chunk_size: int
) -> Iterator[list[tuple]]:
    """The sync twin of observation_achunks (the benchmarks' sync views)."""
    readings = _chunk_queryset(well, filters, fields, None)
    after = None
    while True:
        page = readings if after is None else readings.filter(observed_at__gt=after)
        chunk = list(page[:chunk_size])
        close_old_connections()
        if not chunk:
            return
        yield chunk
        if len(chunk) < chunk_size:
            return
        after = chunk[-1][0]


async def hydrograph_aget(
    *, well: WellScope, start: datetime | None, end: datetime | None, max_points: int
) -> dict[str, Any]:
    """A well's series for the hydrograph over [start, end], at most about ``max_points``
    drawn (hydrograph.hydrograph_series)."""
    readings = observation_queryset(
        well=well,
        filters=ObservationFilters(start=start, end=end),
        objects=reading(Observation),
    ).values_list(
        EpochSeconds("observed_at"), "depth_to_water_ft", "source", "data_quality", "level_status"
    )
    return hydrograph_series([row async for row in readings], max_points=max_points)


def _recent(well: WellScope, limit: int, objects: Manager) -> QuerySet:
    readings = _well_readings(well, objects).order_by("-observed_at")
    return readings.values(*OBSERVATION_FIELDS)[:limit]


async def observation_recent_aget(*, well: WellScope, limit: int = 20) -> list[dict[str, Any]]:
    return [_api_row(row) async for row in _recent(well, limit, reading(Observation))]


def observation_recent_get(*, well: WellScope, limit: int = 20) -> list[dict[str, Any]]:
    return [_api_row(row) for row in _recent(well, limit, Observation.objects)]
