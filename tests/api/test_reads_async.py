"""Every read endpoint through the async test client: correct answers, pagination edges,
filters, errors, and no SynchronousOnlyOperation anywhere on the async paths."""

import asyncio
from datetime import UTC, datetime

import pytest
from asgiref.sync import sync_to_async
from django.db.models import Count, Max

from apps.monitoring import exports, selectors
from apps.monitoring.models import Group, Observation, Sample, Well
from tests.support.visibility import public_reading_ids, public_sample_ids, public_well_ids

# Every test here only reads: the demo data is committed once for the module.
pytestmark = [pytest.mark.asyncio]


@pytest.fixture
def data(reads_only):
    return reads_only


def expected_stats() -> dict:
    """The public's figures (anonymous callers): the demo has private wells and readings
    whose owners did not consent (tests/support/visibility.py)."""
    public = Observation.objects.filter(pk__in=public_reading_ids())
    observations = public.aggregate(
        total=Count("id"),
        latest=Max("observed_at"),
    )
    wells = Well.objects.filter(pk__in=public_well_ids())
    return {
        "wells": wells.count(),
        "active_wells": wells.filter(status="active").count(),
        "observations": observations["total"],
        "samples": len(public_sample_ids()),
        "latest": observations["latest"],
    }


async def test_stats_match_the_database(async_client, data):
    response = await async_client.get("/api/stats")
    assert response.status_code == 200
    body = response.json()
    assert body["scope"] == "public"
    expected = await sync_to_async(expected_stats)()
    assert body["wells"] == expected["wells"] == 9  # of 12: three are private
    assert body["active_wells"] == expected["active_wells"]
    assert body["observations"] == expected["observations"] > 0
    assert body["samples"] == expected["samples"]
    assert sum(body["wells_by_status"].values()) == body["wells"]
    assert datetime.fromisoformat(body["latest_observed_at"]) == expected["latest"]


async def test_health(async_client, data):
    response = await async_client.get("/api/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok" and response.json()["database"] == "ok"
    assert set(response.json()["event_loop"]) >= {"max_ms", "last_ms", "threshold_ms"}


async def test_well_list_pages_cover_every_well_once(async_client, data):
    seen = []
    url = "/api/wells?page_size=5"
    while url:
        response = await async_client.get(url)
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 9  # the public ones of 12
        seen += [w["site_no"] for w in body["results"]]
        url = body["next"]
    public = await sync_to_async(public_well_ids)()
    expected = [
        s
        async for s in Well.objects.filter(pk__in=public)
        .order_by("site_no")
        .values_list("site_no", flat=True)
    ]
    assert seen == expected
    last = (await async_client.get("/api/wells?page_size=4&page=3")).json()
    assert len(last["results"]) == 1 and last["next"] is None and last["previous"]


async def test_well_list_counts_what_it_lists_under_each_filter(async_client, data):
    # The count is a query of its own (without the page's coordinates): it must match.
    every = (await async_client.get("/api/wells?page_size=1000")).json()["results"]
    first = every[0]
    lon, lat = first["longitude"], first["latitude"]
    for query in (
        "",
        "status=active",
        f"county={first['county']}",
        f"q={first['name'][:3]}",
        f"bbox={lon - 0.5},{lat - 0.5},{lon + 0.5},{lat + 0.5}",
        "ordering=-well_depth_ft",
    ):
        body = (await async_client.get(f"/api/wells?page_size=1000&{query}")).json()
        assert body["count"] == len(body["results"]) > 0, query


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("page=3&page_size=5", 404, "page_not_found"),
        ("page=0", 400, "bad_request"),
        ("page_size=1001", 400, "bad_request"),
        ("page_size=abc", 400, "bad_request"),
        ("ordering=colour", 400, "bad_request"),
        ("bbox=1,2,3", 400, "bad_request"),
        ("bbox=a,b,c,d", 400, "bad_request"),
        ("bbox=-107,36,-106,35", 400, "bad_request"),
        ("bbox=nan,1,2,3", 400, "bad_request"),
        ("status=sleeping", 400, "bad_request"),
    ],
)
async def test_well_list_rejects_bad_queries(async_client, data, query, status, code):
    response = await async_client.get(f"/api/wells?{query}")
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code
    assert body["detail"][0]["loc"][0] == "query"


async def test_well_list_filters(async_client, data):
    well = await Well.objects.select_related("location").order_by("site_no").afirst()
    checks = {
        f"q={well.site_no[:6]}": lambda w: (
            well.site_no[:6] in w["site_no"] or well.site_no[:6] in w["name"]
        ),
        f"county={well.location.county.lower()}": lambda w: w["county"] == well.location.county,
        f"aquifer={well.aquifer}": lambda w: True,
        "status=active": lambda w: w["status"] == "active",
        f"kind={well.kind}": lambda w: w["kind"] == well.kind,
    }
    for query, predicate in checks.items():
        body = (await async_client.get(f"/api/wells?{query}&page_size=1000")).json()
        assert body["results"], query
        assert all(predicate(w) for w in body["results"]), query
        assert well.site_no in [w["site_no"] for w in body["results"]] or "status" in query
    lat, lon = well.location.latitude, well.location.longitude
    body = (
        await async_client.get(
            f"/api/wells?bbox={lon - 0.01},{lat - 0.01},{lon + 0.01},{lat + 0.01}"
        )
    ).json()
    assert well.site_no in [w["site_no"] for w in body["results"]]
    assert all(abs(w["latitude"] - lat) <= 0.01 for w in body["results"])


async def test_well_list_group_filter_and_ordering(async_client, data):
    group = await Group.objects.annotate(n=Count("wells")).filter(n__gt=0).afirst()
    body = (await async_client.get(f"/api/wells?group={group.name}&page_size=1000")).json()
    members = {s async for s in group.wells.values_list("site_no", flat=True)}
    assert {w["site_no"] for w in body["results"]} == members
    ordered = (await async_client.get("/api/wells?ordering=-well_depth_ft&page_size=1000")).json()
    depths = [w["well_depth_ft"] for w in ordered["results"]]
    assert depths == sorted(depths, reverse=True)


async def test_like_metacharacters_in_q_match_literally(async_client, data):
    for q in ("%", "_", "\\", "'; DROP TABLE monitoring_well; --"):
        response = await async_client.get("/api/wells", {"q": q})
        assert response.status_code == 200
        assert response.json()["count"] == 0
    assert await Well.objects.acount() == 12


async def test_geojson_uses_the_same_filters(async_client, data):
    response = await async_client.get("/api/wells.geojson?status=active")
    assert response["Content-Type"] == "application/geo+json"  # RFC 7946
    body = response.json()
    assert body["type"] == "FeatureCollection"
    public = await sync_to_async(public_well_ids)()
    active = await Well.objects.filter(status="active", pk__in=public).acount()
    assert len(body["features"]) == active
    feature = body["features"][0]
    well = await Well.objects.select_related("location").aget(
        site_no=feature["properties"]["site_no"]
    )
    exact = feature["properties"]["location_precision"] == "exact"
    assert feature["geometry"] == {
        "type": "Point",
        "coordinates": [
            well.location.longitude if exact else round(well.location.longitude, 2),
            well.location.latitude if exact else round(well.location.latitude, 2),
        ],
    }
    assert (await async_client.get("/api/wells.geojson?bbox=1,2")).status_code == 400


async def test_well_detail(async_client, data):
    well = await Well.objects.filter(deployments__isnull=False).afirst()
    body = (await async_client.get(f"/api/wells/{well.site_no}")).json()
    latest = await Observation.objects.filter(well=well).order_by("-observed_at").afirst()
    assert body["site_no"] == well.site_no
    assert body["series"]["count"] == await Observation.objects.filter(well=well).acount()
    assert body["latest_observation"]["id"] == latest.pk
    assert body["latest_observation"]["site_no"] == well.site_no
    assert body["location"]["state"] == "NM"
    assert isinstance(body["groups"], list) and isinstance(body["contacts"], list)


async def test_unknown_well_is_404(async_client, data):
    for url in ("/api/wells/NOPE", "/api/wells/NOPE/observations"):
        response = await async_client.get(url)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        assert "NOPE" in response.json()["detail"][0]["msg"]


async def test_observation_pages_walk_the_whole_series(async_client, data):
    well = await Well.objects.filter(deployments__isnull=False).afirst()
    expected = [
        pk
        async for pk in Observation.objects.filter(well=well)
        .order_by("observed_at")
        .values_list("pk", flat=True)
    ]
    seen, url, pages = [], f"/api/wells/{well.site_no}/observations?page_size=100", 0
    while url:
        body = (await async_client.get(url)).json()
        seen += [row["id"] for row in body["results"]]
        url, pages = body["next"], pages + 1
    assert seen == expected
    assert pages == -(-len(expected) // 100)
    # And backwards from the end, through "previous".
    last_page = (
        await async_client.get(
            f"/api/wells/{well.site_no}/observations?page_size=100&before=2100-01-01T00:00:00Z"
        )
    ).json()
    assert [r["id"] for r in last_page["results"]] == expected[-100:]
    previous = (await async_client.get(last_page["previous"])).json()
    assert [r["id"] for r in previous["results"]] == expected[-200:-100]


async def test_observation_filters(async_client, data):
    well = await Well.objects.filter(deployments__isnull=False).afirst()
    url = f"/api/wells/{well.site_no}/observations"
    body = (
        await async_client.get(
            url, {"start": "2025-06-20T00:00:00Z", "end": "2025-06-25", "page_size": 1000}
        )
    ).json()
    times = [datetime.fromisoformat(r["observed_at"]) for r in body["results"]]
    assert times and min(times) >= datetime(2025, 6, 20, tzinfo=UTC)
    # Without an offset, local time in PIEZO_LOCAL_TIMEZONE (America/Denver, MDT in June):
    # midnight there is 06:00 UTC, and the hourly logger's 06:00 reading is the last one.
    assert max(times) == datetime(2025, 6, 25, 6, tzinfo=UTC)
    manual = (await async_client.get(url, {"source": "manual", "page_size": 1000})).json()
    assert {r["source"] for r in manual["results"]} == {"manual"}
    approved = (await async_client.get(url, {"data_quality": "approved", "page_size": 1000})).json()
    assert {r["data_quality"] for r in approved["results"]} == {"approved"}


@pytest.mark.parametrize(
    "query",
    [
        "start=yesterday",
        "start=2025-13-01",
        "start=2025-06-30&end=2025-01-01",
        "format=xml",
        "page_size=0",
        "after=2025-01-01T00:00:00Z&before=2025-02-01T00:00:00Z",
    ],
)
async def test_observation_list_rejects_bad_queries(async_client, data, query):
    well = await Well.objects.afirst()
    response = await async_client.get(f"/api/wells/{well.site_no}/observations?{query}")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "bad_request"


async def test_observation_csv_streams_the_series(async_client, data):
    well = await Well.objects.filter(deployments__isnull=False).afirst()
    response = await async_client.get(f"/api/wells/{well.site_no}/observations?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"] == f'attachment; filename="{well.site_no}-observations.csv"'
    )
    assert response.streaming
    text = b"".join([chunk async for chunk in response.streaming_content]).decode()
    lines = text.splitlines()
    assert lines[0].startswith("site_no,observed_at,depth_to_water_ft,level_status")
    count = await Observation.objects.filter(well=well).acount()
    assert len(lines) == count + 1
    first = await Observation.objects.filter(well=well).order_by("observed_at").afirst()
    assert lines[1].split(",")[:2] == [well.site_no, first.observed_at.isoformat()]
    assert not text.startswith("\ufeff")
    for_excel = await async_client.get(
        f"/api/wells/{well.site_no}/observations?format=csv&bom=true"
    )
    body = b"".join([chunk async for chunk in for_excel.streaming_content])
    assert body.startswith(b"\xef\xbb\xbfsite_no,observed_at,")  # UTF-8 BOM, then the header


async def test_samples_contacts_groups_lexicon(async_client, data):
    samples = (await async_client.get("/api/samples?page_size=1")).json()
    assert samples["count"] == len(await sync_to_async(public_sample_ids)())
    assert samples["count"] < await Sample.objects.acount()
    sample_id = samples["results"][0]["id"]
    detail = (await async_client.get(f"/api/samples/{sample_id}")).json()
    assert detail["results"] and detail["site_no"]
    assert (await async_client.get("/api/samples/999999")).status_code == 404
    contacts = (await async_client.get("/api/contacts")).json()
    assert contacts["count"] > 0
    contact_id = contacts["results"][0]["id"]
    assert (await async_client.get(f"/api/contacts/{contact_id}")).json()["id"] == contact_id
    groups = (await async_client.get("/api/groups")).json()
    group = groups["results"][0]
    members = Well.objects.filter(groups__id=group["id"], release_status="public")
    assert group["well_count"] == await members.acount()
    assert (await async_client.get(f"/api/groups/{group['id']}")).status_code == 200
    method = (await async_client.get("/api/lexicon?category=method&page_size=1000")).json()
    assert "steel_tape" in [t["code"] for t in method["results"]]
    assert (await async_client.get("/api/lexicon/method/steel_tape")).json()[
        "label"
    ] == "Steel tape"
    assert (await async_client.get("/api/lexicon/method/nope")).status_code == 404
    assert (await async_client.get("/api/lexicon?category=colour")).status_code == 400


async def test_csv_export_lets_other_requests_run_every_few_hundred_rows(data, monkeypatch):
    """Formatting a 5,000-row chunk is about 25 ms of CPU on the event loop: concurrent
    exports once held every other request on the worker for 300 ms (docs/benchmarks.md).
    The stream formats FORMAT_STEP rows at a time and gives the loop a turn in between.
    (Where PostgreSQL serves the reads it writes the rows itself: tests/monitoring.)"""
    monkeypatch.setattr(exports, "FORMAT_STEP", 50)  # the demo series is short
    monkeypatch.setattr(exports, "copy_supported", lambda model: False)
    well = await Well.objects.filter(deployments__isnull=False).afirst()
    rows = await Observation.objects.filter(well=well).acount()
    assert rows > 4 * exports.FORMAT_STEP  # one query's chunk, several formatting steps
    turns, seen = 0, []

    async def other_request():
        nonlocal turns
        while True:
            turns += 1
            await asyncio.sleep(0)

    other = asyncio.create_task(other_request())
    await asyncio.sleep(0)
    scope = await selectors.well_scope_aget(site_no=well.site_no, audience=selectors.EVERYONE)
    async for piece in exports.observation_csv_astream(
        well=scope, filters=selectors.ObservationFilters()
    ):
        seen.append((turns, piece.count(b"\n")))
    other.cancel()
    assert sum(lines for _, lines in seen) == rows + 1
    assert max(lines for _, lines in seen) <= exports.FORMAT_STEP
    assert all(after > before for (before, _), (after, _) in zip(seen, seen[1:], strict=False))


async def test_a_naive_query_time_that_dst_skips_is_a_400_naming_it(async_client, data):
    well = await Well.objects.afirst()
    response = await async_client.get(
        f"/api/wells/{well.site_no}/observations", {"start": "2025-03-09T02:30"}
    )
    assert response.status_code == 400
    (detail,) = response.json()["detail"]
    assert detail["loc"] == ["query", "start"] and "does not exist" in detail["msg"]
