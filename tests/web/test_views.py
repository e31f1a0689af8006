"""The pages without a browser: what they render with JavaScript off, and the hydrograph
data they draw from."""

from datetime import UTC, datetime, timedelta

import pytest
from asgiref.sync import sync_to_async

from apps.monitoring.models import Observation, Well
from tests.monitoring.factories import well_create
from tests.support.visibility import public_reading_ids, public_well_ids

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def test_landing_renders_the_figures_without_javascript(async_client, demo):
    page = (await async_client.get("/")).content.decode()
    observations = len(await sync_to_async(public_reading_ids)())
    assert f'data-stat="observations" data-value="{observations}"' in page
    wells = len(await sync_to_async(public_well_ids)())
    assert f'data-stat="wells" data-value="{wells}"' in page
    assert "Featured well" in page


async def test_wells_browser_filters_and_paginates(async_client, demo):
    everything = (await async_client.get("/wells/")).content.decode()
    assert 'data-count="9"' in everything  # the public ones of 12
    public = Well.objects.filter(release_status="public")
    well = await public.select_related("location").order_by("site_no").afirst()
    by_county = (
        await async_client.get("/wells/", {"county": well.location.county})
    ).content.decode()
    in_county = await public.filter(location__county=well.location.county).acount()
    assert f'data-count="{in_county}"' in by_county and well.site_no in by_county
    by_q = (await async_client.get("/wells/", {"q": well.site_no})).content.decode()
    assert 'data-count="1"' in by_q
    unknown = (
        await async_client.get("/wells/", {"county": "Atlantis", "page": "99"})
    ).content.decode()
    assert 'data-count="9"' in unknown and "Page 1 of 1" in unknown


async def test_well_page_and_unknown_well(async_client, demo):
    well = await Well.objects.filter(deployments__isnull=False).afirst()
    page = (await async_client.get(f"/wells/{well.site_no}/")).content.decode()
    assert well.name in page and 'role="img"' in page and "recent-readings" in page
    assert f"/api/wells/{well.site_no}/observations?format=csv" in page
    assert (await async_client.get("/wells/NOPE/")).status_code == 404


def seed_series(site_no: str) -> Well:
    well = well_create(site_no=site_no)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    rows = [
        Observation(
            well=well,
            observed_at=start + timedelta(hours=h),
            depth_to_water_ft=50 + (h % 24) / 10,
            source="transducer",
            method="transducer",
            data_quality="approved",
        )
        for h in range(5000)
        if not 1000 <= h < 1100  # a 100-hour logger outage
    ]
    rows += [
        Observation(
            well=well,
            observed_at=start + timedelta(days=d, minutes=5),
            depth_to_water_ft=49.0,
            data_quality="provisional",
        )
        for d in range(0, 200, 30)
    ]
    rows.append(
        Observation(
            well=well,
            observed_at=start + timedelta(days=3, minutes=7),
            depth_to_water_ft=None,
            level_status="dry",
        )
    )
    Observation.objects.bulk_create(rows)
    return well


async def test_hydrograph_data(async_client):
    await sync_to_async(seed_series)("HG0001")
    full = (await async_client.get("/api/wells/HG0001/hydrograph?max_points=200000")).json()
    assert full["total"] == 4900 + 7 + 1 and full["plotted"] == full["total"]
    assert not full["downsampled"]
    # The 100-hour outage is one break (a null) in the logger line.
    assert full["line"]["depth"].count(None) == 1
    # The seven provisional visits are sent once, as provisional (not also as points).
    assert full["points"]["t"] == [] and len(full["provisional"]["t"]) == 7
    assert full["no_value"]["status"] == ["dry"]
    overview = (await async_client.get("/api/wells/HG0001/hydrograph?max_points=500")).json()
    assert overview["downsampled"] and overview["plotted"] <= 520
    depths = [d for d in overview["line"]["depth"] if d is not None]
    assert min(depths) == 50.0 and max(depths) == pytest.approx(52.3)  # extremes kept
    ranged = (
        await async_client.get(
            "/api/wells/HG0001/hydrograph",
            {"start": "2024-01-02T00:00:00Z", "end": "2024-01-03T00:00:00Z", "max_points": 200000},
        )
    ).json()
    assert ranged["plotted"] == 25
    assert (
        await async_client.get("/api/wells/HG0001/hydrograph?start=2025-01-01&end=2024-01-01")
    ).status_code == 400
    assert (await async_client.get("/api/wells/NOPE/hydrograph")).status_code == 404
