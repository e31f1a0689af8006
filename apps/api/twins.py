"""Sync twins of the hot read endpoints: the benchmarks' sync baseline (bench/README.md)
and ADR-0004's P1, where every view is sync (tests/concurrency/test_phases.py).

Each twin is a plain ``def`` view over the same selector's sync twin and the same response
code and schema as its async original, so Django runs it as users of a sync codebase
would: in a thread, through ``sync_to_async`` (thread-sensitive). Mounted at /bench/sync/api/
by project/urls_bench.py (the bench settings) and in place of the async reads by
project/urls_sync.py (P1). The write a twin's path shares is mounted beside it, as it is.
"""

from django.http import HttpRequest
from ninja import NinjaAPI, Query

from apps.monitoring import exports, selectors

from .auth import WriteAccess
from .errors import register_error_handlers
from .pagination import paginate
from .renderers import ORJSONRenderer, prevalidated_json
from .routers.wells import (
    ObservationQuery,
    WellQuery,
    csv_response,
    no_such_well,
    observation_create,
    observation_page_body,
    observation_query_parts,
    well_detail_body,
)
from .schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    ObservationPageOut,
    ObservationsCreatedOut,
    PageParams,
    StatsOut,
    WellDetailOut,
    WellPageOut,
    error_responses,
)
from .throttles import WRITES

api = NinjaAPI(
    title="Piezo API: sync twins (benchmarks only)",
    version="1",
    renderer=ORJSONRenderer(),
    urls_namespace="api-sync-twins",
    docs_url=None,
)
register_error_handlers(api)


def _audience(request: HttpRequest) -> selectors.Audience:
    return selectors.audience_get(user=request.user)


def _visible_well(request: HttpRequest, site_no: str) -> selectors.WellScope:
    scope = selectors.well_scope_get(site_no=site_no, audience=_audience(request))
    if scope is None:
        raise no_such_well(site_no)
    return scope


@api.get("/stats", response={200: StatsOut, **error_responses()})
def stats(request: HttpRequest):
    return selectors.stats_get(audience=_audience(request))


@api.get("/wells", response={200: WellPageOut, **READ_ERRORS})
def well_list(request: HttpRequest, filters: Query[WellQuery], paging: Query[PageParams]):
    rows = selectors.well_row_queryset(filters=filters.to_filters(), audience=_audience(request))
    return prevalidated_json(paginate(request, rows, paging))


@api.get("/wells/{site_no}", response={200: WellDetailOut, **READ_ERRORS})
def well_detail(request: HttpRequest, site_no: str):
    detail = selectors.well_get(site_no=site_no, audience=_audience(request))
    if detail is None:
        raise no_such_well(site_no)
    series = selectors.well_series_summary(detail=detail)
    latest = selectors.observation_recent_get(well=detail.scope, limit=1)
    return well_detail_body(detail, series, latest)


@api.get("/wells/{site_no}/observations", response={200: ObservationPageOut, **READ_ERRORS})
def observation_list(request: HttpRequest, site_no: str, query: Query[ObservationQuery]):
    filters, after, before = observation_query_parts(query)
    well = _visible_well(request, site_no)
    if query.format == "csv":
        # A sync iterator: under ASGI, Django reads it whole (sync_to_async(list)) before
        # sending a byte. That is the cost of a sync export this twin exists to show.
        return csv_response(exports.observation_csv_stream(well=well, filters=filters), site_no)
    rows, more = selectors.observation_page(
        well=well, filters=filters, after=after, before=before, limit=query.page_size
    )
    return prevalidated_json(
        observation_page_body(request, site_no, rows, more, after=after, before=before)
    )


# Already sync; mounted here because a path the twins own answers 405 for other methods.
api.post(
    "/wells/{site_no}/observations",
    response={201: ObservationsCreatedOut, **WRITE_ERRORS},
    auth=WriteAccess("monitoring.add_observation"),
    throttle=WRITES,
)(observation_create)
