"""Wells and their water-level series. Reads are async views over the async ORM; writes
are sync views whose transaction is one service call (django-ninja then runs the whole
path view async and each sync operation through sync_to_async)."""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Field, Query, Router, Schema, Status

from apps.monitoring import exports, selectors, services
from apps.monitoring.contract import OBSERVATION_FIELDS
from apps.monitoring.timepolicy import NAIVE_RULE, TimeError, instant

from ..auth import WriteAccess, audience_for
from ..errors import ApiError
from ..pagination import apaginate, link
from ..renderers import prevalidated_json
from ..schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    GeoJSONOut,
    HydrographOut,
    ObservationBatchIn,
    ObservationIn,
    ObservationPageOut,
    ObservationsCreatedOut,
    PageParams,
    WellDetailOut,
    WellIn,
    WellOut,
    WellPageOut,
    WellPatch,
    WellStatus,
    error_responses,
)
from ..throttles import WRITES

router = Router(tags=["wells"])


class WellQuery(Schema):
    status: WellStatus | None = None
    kind: str | None = Field(None, max_length=32)
    county: str | None = Field(None, max_length=64)
    aquifer: str | None = Field(None, max_length=120)
    group: str | None = Field(None, max_length=120)
    q: str | None = Field(None, max_length=100, description="Part of the name or site number.")
    bbox: str | None = Field(
        None,
        description="min_lon,min_lat,max_lon,max_lat (WGS84)",
        examples=["-107,34,-106,35"],
        pattern=r"^\s*-?\d+(\.\d+)?(\s*,\s*-?\d+(\.\d+)?){3}\s*$",
    )
    ordering: Literal[selectors.WELL_ORDERINGS] = "site_no"

    def to_filters(self) -> selectors.WellFilters:
        return selectors.WellFilters(
            **self.dict(exclude={"bbox"}), bbox=_parse_bbox(self.bbox) if self.bbox else None
        )


def _parse_bbox(raw: str) -> tuple[float, float, float, float]:
    parts = raw.split(",")
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        numbers = []
    if len(numbers) != 4 or any(n != n or abs(n) == float("inf") for n in numbers):
        raise ApiError(
            400,
            "bad_request",
            f"bbox must be four numbers min_lon,min_lat,max_lon,max_lat; got {raw!r}.",
            loc=["query", "bbox"],
        )
    min_lon, min_lat, max_lon, max_lat = numbers
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ApiError(
            400,
            "bad_request",
            "bbox must satisfy -180 <= min_lon <= max_lon <= 180 and "
            "-90 <= min_lat <= max_lat <= 90.",
            loc=["query", "bbox"],
        )
    return min_lon, min_lat, max_lon, max_lat


def no_such_well(site_no: str) -> ApiError:
    return ApiError(
        404, "not_found", f"No well with site number {site_no!r}.", loc=["path", "site_no"]
    )


def _time_range(start: datetime | None, end: datetime | None) -> tuple:
    """``start`` and ``end`` in UTC, refusing a range that ends before it starts."""
    start, end = _utc(start, "start"), _utc(end, "end")
    if start and end and start > end:
        raise ApiError(400, "bad_request", "start is after end.", loc=["query", "start"])
    return start, end


def _utc(value: datetime | None, name: str) -> datetime | None:
    """A query time in UTC, by the one rule for time (timepolicy.py: without an offset,
    local time in PIEZO_LOCAL_TIMEZONE); 400 if it cannot be, as 9999-12-31T23:00-05:00
    or a local time that DST skips cannot."""
    if value is None:
        return None
    try:
        return instant(value)
    except OverflowError:
        raise ApiError(
            400, "bad_request", f"{name} is out of the range of dates.", loc=["query", name]
        ) from None
    except TimeError as exc:
        raise ApiError(400, "bad_request", f"{name} {exc}.", loc=["query", name]) from None


@router.get("/wells", response={200: WellPageOut, **READ_ERRORS}, summary="List wells")
async def well_list(request: HttpRequest, filters: Query[WellQuery], paging: Query[PageParams]):
    """Wells matching the filters that the caller may see, a page at a time (page_size up to
    1,000). ``location_precision`` says where coordinates are rounded for want of the
    owner's consent."""
    matching = {"filters": filters.to_filters(), "audience": await audience_for(request)}
    rows = selectors.well_row_aqueryset(**matching)
    counted = selectors.well_counted_aqueryset(**matching)
    return prevalidated_json(await apaginate(request, rows, paging, counted=counted))


@router.get(
    "/wells.geojson",
    response={200: GeoJSONOut, **error_responses(400, 401)},
    summary="Wells as GeoJSON",
    openapi_extra={
        "responses": {
            200: {
                "description": "OK",
                "content": {
                    "application/geo+json": {"schema": {"$ref": "#/components/schemas/GeoJSONOut"}}
                },
            }
        }
    },
)
async def well_geojson(request: HttpRequest, filters: Query[WellQuery]):
    """The same filters and visibility as /wells, as a GeoJSON FeatureCollection of points."""
    wells = selectors.well_aqueryset(
        filters=filters.to_filters(), audience=await audience_for(request)
    )
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [well.shown_longitude, well.shown_latitude],
            },
            "properties": {
                "site_no": well.site_no,
                "name": well.name,
                "kind": well.kind,
                "status": well.status,
                "aquifer": well.aquifer,
                "county": well.location.county,
                "location_precision": "exact" if well.exact_location else "0.01°",
            },
        }
        async for well in wells
    ]
    # RFC 7946's media type, so GIS clients know what they got.
    return prevalidated_json(
        {"type": "FeatureCollection", "features": features}, content_type="application/geo+json"
    )


def links_to_the_well(*operations: str) -> dict:
    """OpenAPI links from a write's 201 to the operations on the same well, so clients (and
    schemathesis's stateful phase) can follow a created well through its life."""
    return {
        "responses": {
            201: {
                "links": {
                    operation: {
                        "operationId": f"apps_api_routers_wells_{operation}",
                        "parameters": {"site_no": "$response.body#/site_no"},
                    }
                    for operation in operations
                }
            }
        }
    }


@router.post(
    "/wells",
    response={201: WellOut, **WRITE_ERRORS},
    auth=WriteAccess("monitoring.add_well"),
    throttle=WRITES,
    summary="Create a well",
    openapi_extra=links_to_the_well(
        "well_detail", "well_update", "well_delete", "observation_create", "observation_list"
    ),
)
def well_create(request: HttpRequest, payload: WellIn):
    return Status(201, services.well_create(**payload.dict()))


WELL_SCALAR_FIELDS = (
    "site_no",
    "name",
    "kind",
    "status",
    "aquifer",
    "well_depth_ft",
    "release_status",
    "created_at",
    "updated_at",
)


@router.get("/wells/{site_no}", response={200: WellDetailOut, **READ_ERRORS}, summary="One well")
async def well_detail(request: HttpRequest, site_no: str):
    """A well with its location, groups, contacts, latest reading and series summary, as
    far as the caller may see them."""
    detail = await selectors.well_aget(site_no=site_no, audience=await audience_for(request))
    if detail is None:
        raise no_such_well(site_no)
    series = await selectors.well_series_asummary(detail=detail)
    latest = await selectors.observation_recent_aget(well=detail.scope, limit=1)
    return well_detail_body(detail, series, latest)


async def visible_well(site_no: str, audience: selectors.Audience) -> selectors.WellScope:
    """The well as ``audience`` may read it; 404 when there is none or it may not see it."""
    scope = await selectors.well_scope_aget(site_no=site_no, audience=audience)
    if scope is None:
        raise no_such_well(site_no)
    return scope


def well_detail_body(detail: selectors.WellDetail, series: dict, latest: list[dict]) -> dict:
    well = detail.well
    return {
        **{field: getattr(well, field) for field in WELL_SCALAR_FIELDS},
        "location": detail.location,
        "groups": detail.groups,
        "contacts": detail.contacts,
        "latest_observation": {**latest[0], "site_no": well.site_no} if latest else None,
        "series": series,
        "summary": detail.summary,
    }


@router.patch(
    "/wells/{site_no}",
    response={200: WellOut, **WRITE_ERRORS},
    auth=WriteAccess("monitoring.change_well"),
    throttle=WRITES,
    summary="Update a well",
)
def well_update(request: HttpRequest, site_no: str, payload: WellPatch):
    changes = payload.dict(exclude_unset=True)
    if not changes:
        raise ApiError(
            422,
            "validation_error",
            "Nothing to change: send a JSON object with at least one field.",
            loc=["body"],
        )
    return services.well_update(site_no=site_no, changes=changes)


@router.delete(
    "/wells/{site_no}",
    response={204: None, **WRITE_ERRORS},
    auth=WriteAccess("monitoring.delete_well"),
    throttle=WRITES,
    summary="Delete a well and its readings",
)
def well_delete(request: HttpRequest, site_no: str):
    services.well_delete(site_no=site_no)
    return Status(204, None)


class ObservationQuery(Schema):
    start: datetime | None = Field(None, description=NAIVE_RULE)
    end: datetime | None = Field(None, description=NAIVE_RULE)
    data_quality: str | None = Field(None, max_length=32)
    source: Literal["manual", "transducer", "import"] | None = None
    after: datetime | None = Field(None, description="Page cursor: readings after this time.")
    before: datetime | None = Field(None, description="Page cursor: readings before this time.")
    page_size: int = Field(500, ge=1, le=1000)
    format: Literal["json", "csv"] = Field("json", description="csv streams the whole range.")
    bom: bool = Field(
        False,
        description="With format=csv: start with a UTF-8 byte-order mark, so that spreadsheet "
        "programs (Excel) read accented names right.",
    )


@router.get(
    "/wells/{site_no}/observations",
    response={200: ObservationPageOut, **READ_ERRORS},
    summary="A well's water levels",
    openapi_extra={
        "responses": {
            200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
        }
    },
)
async def observation_list(request: HttpRequest, site_no: str, query: Query[ObservationQuery]):
    """The series in time order, paged by time (``next``/``previous`` carry the cursor;
    there is no total count), or with ``format=csv`` the whole range streamed as CSV."""
    filters, after, before = observation_query_parts(query)
    well = await visible_well(site_no, await audience_for(request))
    if query.format == "csv":
        return csv_response(
            exports.observation_csv_astream(well=well, filters=filters, bom=query.bom), site_no
        )
    rows, more = await selectors.observation_apage(
        well=well, filters=filters, after=after, before=before, limit=query.page_size
    )
    return prevalidated_json(
        observation_page_body(request, site_no, rows, more, after=after, before=before)
    )


def observation_query_parts(query: ObservationQuery) -> tuple:
    """The query's filters and page cursors, in UTC; 400 when they contradict each other."""
    start, end = _time_range(query.start, query.end)
    if query.after and query.before:
        raise ApiError(
            400, "bad_request", "Give after or before, not both.", loc=["query", "after"]
        )
    filters = selectors.ObservationFilters(
        start=start, end=end, data_quality=query.data_quality, source=query.source
    )
    return filters, _utc(query.after, "after"), _utc(query.before, "before")


def csv_response(stream, site_no: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(stream, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{exports.csv_filename(site_no)}"'
    return response


def observation_page_body(
    request: HttpRequest,
    site_no: str,
    rows: list[dict],
    more: bool,
    *,
    after: datetime | None,
    before: datetime | None,
) -> dict:
    going_back = before is not None
    has_next = bool(rows) and (going_back or more)
    has_previous = bool(rows) and (more if going_back else after is not None)
    return {
        "site_no": site_no,
        "next": link(request, after=rows[-1]["observed_at"].isoformat(), before=None)
        if has_next
        else None,
        "previous": link(request, before=rows[0]["observed_at"].isoformat(), after=None)
        if has_previous
        else None,
        "results": [{**row, "site_no": site_no} for row in rows],
    }


class HydrographQuery(Schema):
    start: datetime | None = Field(None, description=NAIVE_RULE)
    end: datetime | None = Field(None, description=NAIVE_RULE)
    max_points: int = Field(2000, ge=100, le=200_000)


@router.get(
    "/wells/{site_no}/hydrograph",
    response={200: HydrographOut, **READ_ERRORS},
    summary="A well's series for a chart",
)
async def hydrograph(request: HttpRequest, site_no: str, query: Query[HydrographQuery]):
    """The series to draw (times in epoch seconds, UTC): ``line`` and ``line_provisional``
    hold dense, regular runs (loggers, live or imported: any reading within a day of
    another from the same source), ``points`` and ``provisional`` the rest (field visits),
    ``no_value`` the dry or obstructed visits; each reading appears once, and gaps in a
    line are breaks (null depths). More than ``max_points`` in the range are thinned by
    min/max buckets, every series in proportion (``downsampled`` says so); ask for a
    narrower range for full resolution."""
    start, end = _time_range(query.start, query.end)
    well = await visible_well(site_no, await audience_for(request))
    chart = await selectors.hydrograph_aget(
        well=well, start=start, end=end, max_points=query.max_points
    )
    return {"site_no": site_no, **chart}


@router.post(
    "/wells/{site_no}/observations",
    response={201: ObservationsCreatedOut, **WRITE_ERRORS},
    auth=WriteAccess("monitoring.add_observation"),
    throttle=WRITES,
    summary="Add one reading or a batch",
    openapi_extra=links_to_the_well("observation_list", "hydrograph", "well_detail"),
)
def observation_create(
    request: HttpRequest, site_no: str, payload: ObservationIn | ObservationBatchIn
):
    """One reading (an object) or a batch (an array of up to 10,000), all or nothing."""
    readings = payload if isinstance(payload, list) else [payload]
    created = services.observation_create_many(
        site_no=site_no, readings=[reading.dict() for reading in readings]
    )
    return Status(
        201,
        {
            "site_no": site_no,
            "created": len(created),
            "results": [
                {**{f: getattr(o, f) for f in OBSERVATION_FIELDS}, "site_no": site_no}
                for o in created
            ],
        },
    )
