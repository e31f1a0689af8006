"""Reads from the monitoring domain. Querysets are built lazily here (no database work until
they are awaited or iterated); ``a``-prefixed functions are async and never block the event
loop: they start from ``asyncdriver.reading(Model)``, which is django-async-backend's
manager on PostgreSQL (P4, ADR-0007) and Django's async ORM otherwise (P2). Their sync
twins serve the websocket consumers' threads, the benchmarks and ADR-0004's P0/P1."""

import math
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import close_old_connections, models
from django.db.models import Count, F, Manager, Max, Min, Q, QuerySet
from django.utils import timezone

from . import plausibility
from .asyncdriver import on_own_connection, read_path, reading, release
from .expressions import EpochSeconds
from .models import (
    Contact,
    Group,
    LexiconTerm,
    Location,
    Observation,
    Sample,
    Well,
    WellContact,
)
from .singleflight import SingleFlight

WELL_ORDERINGS = (
    "site_no",
    "-site_no",
    "name",
    "-name",
    "well_depth_ft",
    "-well_depth_ft",
    "updated_at",
    "-updated_at",
)

# The columns every observation read returns (API JSON, CSV, websocket events).
OBSERVATION_FIELDS = (
    "id",
    "observed_at",
    "depth_to_water_ft",
    "water_level_elevation_ft",
    "elevation_datum",
    "measuring_point_height_ft",
    "method",
    "level_status",
    "data_quality",
    "source",
    "measured_by",
    "notes",
    "flags",
)


def _strict(queryset: QuerySet) -> QuerySet:
    """Apply the read fetch mode (settings.PIEZO_READ_FETCH_MODE): the test suite sets
    FETCH_RAISE, so a field or relation a read forgot to load fails loudly instead of
    running a hidden query (which in an async view would block, or raise)."""
    return queryset.fetch_mode(getattr(models, settings.PIEZO_READ_FETCH_MODE))


@dataclass(frozen=True, kw_only=True)
class WellFilters:
    status: str | None = None
    kind: str | None = None
    county: str | None = None
    aquifer: str | None = None
    group: str | None = None
    q: str | None = None
    # (min_lon, min_lat, max_lon, max_lat), as GeoJSON orders a bbox.
    bbox: tuple[float, float, float, float] | None = None
    ordering: str = "site_no"


def well_queryset(*, filters: WellFilters, objects: Manager | None = None) -> QuerySet[Well]:
    """Wells matching ``filters``, with their location joined (one query, no lazy loads),
    from ``objects`` (Django's manager unless given)."""
    wells = _strict((Well.objects if objects is None else objects).select_related("location"))
    if filters.status:
        wells = wells.filter(status=filters.status)
    if filters.kind:
        wells = wells.filter(kind=filters.kind)
    if filters.county:
        wells = wells.filter(location__county__iexact=filters.county)
    if filters.aquifer:
        wells = wells.filter(aquifer__iexact=filters.aquifer)
    if filters.group:
        wells = wells.filter(groups__name__iexact=filters.group)
    if filters.q:
        wells = wells.filter(Q(name__icontains=filters.q) | Q(site_no__icontains=filters.q))
    if filters.bbox:
        min_lon, min_lat, max_lon, max_lat = filters.bbox
        wells = wells.filter(
            location__longitude__gte=min_lon,
            location__longitude__lte=max_lon,
            location__latitude__gte=min_lat,
            location__latitude__lte=max_lat,
        )
    return wells.order_by(filters.ordering, "pk")


def well_aqueryset(*, filters: WellFilters) -> QuerySet[Well]:
    """well_queryset for async callers (P4 or P2, ADR-0007)."""
    return well_queryset(filters=filters, objects=reading(Well))


@dataclass(frozen=True)
class WellDetail:
    """One well with its location and summary loaded, its groups' names and its contacts
    (name, organization, role) in the order they were added."""

    well: Well
    groups: list[str]
    contacts: list[dict[str, str]]


CONTACT_FIELDS = {"name": F("contact__name"), "organization": F("contact__organization")}


def _well_detail_queryset(site_no: str, objects: Manager) -> QuerySet[Well]:
    return _strict(objects.select_related("location", "summary")).filter(site_no=site_no)


def _well_groups(well_id: int, objects: Manager) -> QuerySet:
    return objects.filter(wells=well_id).order_by("name").values_list("name", flat=True)


def _well_contacts(well_id: int, objects: Manager) -> QuerySet:
    return objects.filter(well_id=well_id).order_by("pk").values("role", **CONTACT_FIELDS)


WELL_LIST_FIELDS = ("site_no", "name", "kind", "status", "aquifer", "well_depth_ft", "updated_at")


def well_rows(wells: QuerySet[Well]) -> QuerySet:
    """``wells`` as the API's list rows: plain values with the location's columns beside
    the well's, no model instances to build and read back."""
    return wells.values(
        *WELL_LIST_FIELDS,
        county=F("location__county"),
        state=F("location__state"),
        latitude=F("location__latitude"),
        longitude=F("location__longitude"),
    )


async def well_aget(*, site_no: str) -> WellDetail | None:
    """One well with its location, summary, groups and contacts, or None: three plain
    queries, since the async driver has no prefetch_related (ADR-0007)."""
    well = await _well_detail_queryset(site_no, reading(Well)).afirst()
    if well is None:
        return None
    return WellDetail(
        well,
        [name async for name in _well_groups(well.pk, reading(Group))],
        [contact async for contact in _well_contacts(well.pk, reading(WellContact))],
    )


def well_get(*, site_no: str) -> WellDetail | None:
    """The sync twin of well_aget (the benchmarks' sync views)."""
    well = _well_detail_queryset(site_no, Well.objects).first()
    if well is None:
        return None
    return WellDetail(
        well,
        list(_well_groups(well.pk, Group.objects)),
        list(_well_contacts(well.pk, WellContact.objects)),
    )


async def well_aget_id(*, site_no: str) -> int | None:
    return await reading(Well).filter(site_no=site_no).values_list("pk", flat=True).afirst()


def well_get_id(*, site_no: str) -> int | None:
    return Well.objects.filter(site_no=site_no).values_list("pk", flat=True).first()


def _series_summary() -> dict[str, Any]:
    return {
        "count": Count("id"),
        "first_observed_at": Min("observed_at"),
        "last_observed_at": Max("observed_at"),
        "min_depth_to_water_ft": Min("depth_to_water_ft"),
        "max_depth_to_water_ft": Max("depth_to_water_ft"),
    }


async def well_series_asummary(*, well_id: int) -> dict[str, Any]:
    """Count, time span and depth range of a well's readings."""
    return await reading(Observation).filter(well_id=well_id).aaggregate(**_series_summary())


def well_series_summary(*, well_id: int) -> dict[str, Any]:
    return Observation.objects.filter(well_id=well_id).aggregate(**_series_summary())


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


def well_exists(*, site_no: str) -> bool:
    return Well.objects.filter(site_no=site_no).exists()


def observation_payloads(*, ids: list[int]) -> list[dict[str, Any]]:
    """Readings shaped as the REST API's observation (JSON-ready), for live events."""
    rows = (
        Observation.objects.filter(pk__in=ids)
        .order_by("observed_at")
        .values(*OBSERVATION_FIELDS, "well__site_no")
    )
    return [
        {
            **{field: row[field] for field in OBSERVATION_FIELDS},
            "flags": plausibility.flags_list(row["flags"]),
            "observed_at": row["observed_at"].isoformat(),
            "site_no": row["well__site_no"],
        }
        for row in rows
    ]


@dataclass(frozen=True, kw_only=True)
class ObservationFilters:
    start: datetime | None = None
    end: datetime | None = None
    data_quality: str | None = None
    source: str | None = None


def observation_queryset(
    *, well_id: int, filters: ObservationFilters, objects: Manager | None = None
) -> QuerySet[Observation]:
    """One well's readings in time order, served by the (well, observed_at) index, from
    ``objects`` (Django's manager unless given)."""
    readings = (Observation.objects if objects is None else objects).filter(well_id=well_id)
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
    well_id: int,
    filters: ObservationFilters,
    after: datetime | None,
    before: datetime | None,
    objects: Manager | None = None,
) -> QuerySet:
    readings = observation_queryset(well_id=well_id, filters=filters, objects=objects)
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
    well_id: int,
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
    readings = _page_queryset(well_id, filters, after, before, reading(Observation))
    return _page_rows([row async for row in readings[: limit + 1]], limit, before is not None)


def observation_page(
    *,
    well_id: int,
    filters: ObservationFilters,
    after: datetime | None = None,
    before: datetime | None = None,
    limit: int,
) -> tuple[list[dict[str, Any]], bool]:
    """The sync twin of observation_apage."""
    readings = _page_queryset(well_id, filters, after, before)[: limit + 1]
    return _page_rows(list(readings), limit, before is not None)


def _chunk_queryset(
    well_id: int, filters: ObservationFilters, fields: tuple[str, ...], objects: Manager | None
):
    if fields[0] != "observed_at":
        raise ValueError("fields must start with observed_at (the keyset).")
    readings = observation_queryset(well_id=well_id, filters=filters, objects=objects)
    return readings.values_list(*fields)


async def observation_achunks(
    *, well_id: int, filters: ObservationFilters, fields: tuple[str, ...], chunk_size: int
) -> AsyncIterator[list[tuple]]:
    """A well's readings as lists of value tuples, ``chunk_size`` per query, by keyset.

    Each chunk is its own short query, so a long export never holds one open cursor (or a
    pooled connection) for its whole duration. ``fields`` must start with observed_at.
    """
    readings = _chunk_queryset(well_id, filters, fields, reading(Observation))
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


def observation_chunks(
    *, well_id: int, filters: ObservationFilters, fields: tuple[str, ...], chunk_size: int
) -> Iterator[list[tuple]]:
    """The sync twin of observation_achunks (the benchmarks' sync views)."""
    readings = _chunk_queryset(well_id, filters, fields, None)
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


def sample_queryset(*, site_no: str | None = None) -> QuerySet[Sample]:
    samples = _strict(Sample.objects.select_related("well").prefetch_related("results"))
    if site_no:
        samples = samples.filter(well__site_no=site_no)
    return samples.order_by("-sampled_at", "pk")


def contact_queryset() -> QuerySet[Contact]:
    return _strict(Contact.objects.order_by("name", "pk"))


def group_queryset() -> QuerySet[Group]:
    return _strict(Group.objects.annotate(well_count=Count("wells")).order_by("name"))


def lexicon_queryset(*, category: str | None = None) -> QuerySet[LexiconTerm]:
    terms = _strict(LexiconTerm.objects.all())
    if category:
        terms = terms.filter(category=category)
    return terms.order_by("category", "code")


async def database_aping() -> str:
    """One round trip to the database on the path public reads take, and which path that
    is ("async-driver" or "async-orm", ADR-0007); raises when it cannot be reached."""
    await reading(LexiconTerm).values_list("pk", flat=True).afirst()
    return read_path(LexiconTerm)


@dataclass
class ChartSeries:
    """One series for the hydrograph: times (epoch seconds) and depths; a None depth is a
    deliberate break (a gap in the record), drawn as a gap."""

    t: list[float]
    depth: list[float | None]

    def add(self, at: float, depth: float | None) -> None:
        self.t.append(at)
        self.depth.append(depth)


def _with_breaks(points: list[tuple[float, float]], gap_s: float) -> ChartSeries:
    series = ChartSeries([], [])
    previous = None
    for at, depth in points:
        if previous is not None and at - previous > gap_s:
            series.add((previous + at) / 2, None)  # break the line across the gap
        series.add(at, depth)
        previous = at
    return series


def _min_max_buckets(points: list[tuple[float, float]], buckets: int) -> list[tuple[float, float]]:
    """Downsample keeping each time bucket's shallowest and deepest reading, in time order,
    so the overview keeps every extreme a hydrogeologist would look for."""
    if len(points) <= buckets * 2:
        return points
    start, end = points[0][0], points[-1][0]
    width = (end - start) / buckets or 1.0
    kept: list[tuple[float, float]] = []
    bucket, low, high = None, None, None
    for point in points:
        index = int((point[0] - start) / width)
        if index != bucket:
            if low is not None:
                kept.extend(sorted({low, high}))
            bucket, low, high = index, point, point
        else:
            low = point if point[1] < low[1] else low
            high = point if point[1] > high[1] else high
    if low is not None:
        kept.extend(sorted({low, high}))
    return kept


# A reading whose nearest neighbour from the same source is this close is part of a dense,
# regular series (a logger's, whether it came in live or in an imported file): a line.
DENSE_NEIGHBOUR_S = 86400
# Gaps that break a line: a few sampling intervals for dense data, a season for visits.
DENSE_GAP_S, SPARSE_GAP_S, OVERVIEW_GAP_S = 6 * 3600, 100 * 86400, 10 * 86400


def _split_by_density(points: list[tuple[float, float, bool]]) -> tuple[list, list]:
    """(dense, sparse) readings of one source, each as (t, depth, provisional)."""
    dense, sparse = [], []
    for i, point in enumerate(points):
        before = point[0] - points[i - 1][0] if i else math.inf
        after = points[i + 1][0] - point[0] if i + 1 < len(points) else math.inf
        (dense if min(before, after) <= DENSE_NEIGHBOUR_S else sparse).append(point)
    return dense, sparse


async def hydrograph_aget(
    *, well_id: int, start: datetime | None, end: datetime | None, max_points: int
) -> dict[str, Any]:
    """A well's series for the hydrograph. Readings are drawn by what they look like, not
    where they came from: dense, regular runs (loggers, live or imported) as a line, the
    rest (field visits) as dots; provisional ones apart; readings without a value (dry,
    obstructed) as markers. Each reading is sent once. When the range holds more than
    ``max_points``, every series is thinned in proportion, keeping each time bucket's
    shallowest and deepest reading."""
    readings = observation_queryset(
        well_id=well_id,
        filters=ObservationFilters(start=start, end=end),
        objects=reading(Observation),
    ).values_list(
        EpochSeconds("observed_at"), "depth_to_water_ft", "source", "data_quality", "level_status"
    )
    by_source: dict[str, list[tuple[float, float, bool]]] = {}
    no_value = []
    async for at, depth, source, quality, status in readings:
        at = round(at, 3)  # julianday's float arithmetic: back to whole milliseconds
        if depth is None:
            no_value.append((at, status))
        else:
            by_source.setdefault(source, []).append((at, depth, quality == "provisional"))
    dense, sparse = [], []
    for points in by_source.values():
        source_dense, source_sparse = _split_by_density(points)
        dense += source_dense
        sparse += source_sparse
    dense.sort()
    sparse.sort()
    series = {
        "points": [(t, d) for t, d, provisional in sparse if not provisional],
        "provisional": [(t, d) for t, d, provisional in sparse if provisional],
        "line": [(t, d) for t, d, provisional in dense if not provisional],
        "line_provisional": [(t, d) for t, d, provisional in dense if provisional],
    }
    with_value = len(dense) + len(sparse)
    total = with_value + len(no_value)
    downsampled = with_value > max_points
    if downsampled:
        # Share the budget fairly, smallest series first: a series that fits its share
        # (thirty field visits beside 262,800 logger readings) is kept whole and leaves the
        # rest to the others; a bigger one keeps each bucket's min and max.
        remaining = max_points
        by_size = sorted(series, key=lambda name: len(series[name]))
        for left, name in zip(range(len(by_size), 0, -1), by_size, strict=True):
            share = remaining // left
            if len(series[name]) > share:
                series[name] = _min_max_buckets(series[name], max(1, share // 2))
            remaining -= len(series[name])
    depths = [d for points in series.values() for _, d in points]
    line_gap = OVERVIEW_GAP_S if downsampled else DENSE_GAP_S
    return {
        "total": total,
        "downsampled": downsampled,
        "plotted": sum(len(points) for points in series.values()) + len(no_value),
        "min_depth_to_water_ft": min(depths) if depths else None,
        "max_depth_to_water_ft": max(depths) if depths else None,
        "points": _with_breaks(series["points"], gap_s=SPARSE_GAP_S).__dict__,
        "provisional": ChartSeries(
            [t for t, _ in series["provisional"]], [d for _, d in series["provisional"]]
        ).__dict__,
        "line": _with_breaks(series["line"], gap_s=line_gap).__dict__,
        "line_provisional": _with_breaks(series["line_provisional"], gap_s=line_gap).__dict__,
        "no_value": {"t": [a for a, _ in no_value], "status": [s for _, s in no_value]},
    }


async def featured_well_aget() -> Well | None:
    """The landing page's featured well: an active well with a logger, else any active well."""
    logged = _strict(reading(Well).select_related("location")).filter(
        status=Well.Status.ACTIVE, deployments__removed_on__isnull=True, deployments__isnull=False
    )
    return (
        await logged.order_by("site_no").afirst()
        or await _strict(reading(Well).select_related("location"))
        .filter(status=Well.Status.ACTIVE)
        .order_by("site_no")
        .afirst()
    )


async def well_filter_choices_aget() -> dict[str, list[str]]:
    """The values the wells browser offers in its filters."""
    return {
        "county": [
            c
            async for c in reading(Location)
            .exclude(county="")
            .order_by("county")
            .values_list("county", flat=True)
            .distinct()
        ],
        "aquifer": [
            a
            async for a in reading(Well)
            .exclude(aquifer="")
            .order_by("aquifer")
            .values_list("aquifer", flat=True)
            .distinct()
        ],
        "group": [g async for g in reading(Group).order_by("name").values_list("name", flat=True)],
        "status": list(Well.Status.values),
    }


def _recent(well_id: int, limit: int, objects: Manager) -> QuerySet:
    readings = objects.filter(well_id=well_id).order_by("-observed_at")
    return readings.values(*OBSERVATION_FIELDS)[:limit]


async def observation_recent_aget(*, well_id: int, limit: int = 20) -> list[dict[str, Any]]:
    return [_api_row(row) async for row in _recent(well_id, limit, reading(Observation))]


def observation_recent_get(*, well_id: int, limit: int = 20) -> list[dict[str, Any]]:
    return [_api_row(row) for row in _recent(well_id, limit, Observation.objects)]
