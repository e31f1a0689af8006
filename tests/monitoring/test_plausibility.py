"""Plausibility checks (apps/monitoring/plausibility.py): implausible readings are stored
with a warning flag, shown in the API's answer, the import's report and the admin's filter,
never refused and never silent. On both databases."""

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model

from apps.monitoring.models import Observation
from apps.monitoring.plausibility import JUMP, NEGATIVE_NOT_FLOWING, OUTSIDE_RANGE, series_flags
from tests.pipeline.conftest import run

from .factories import well_create

START = datetime(2023, 1, 5, 16, tzinfo=UTC)


def monthly(depths, status="static"):
    return [(START + timedelta(days=30 * i), d, status) for i, d in enumerate(depths)]


def judge_last(series):
    return series_flags(series, judge=[False] * (len(series) - 1) + [True]).get(len(series) - 1, [])


def test_a_negative_static_depth_in_a_deep_series_is_flagged_twice():
    # Issue 24: -3.5 ft marked "static" in a 155 ft series.
    series = monthly([155.2, 154.8, 156.1, 155.5, 154.9, 155.7, -3.5])
    assert judge_last(series) == [NEGATIVE_NOT_FLOWING, OUTSIDE_RANGE, JUMP]


def test_a_flowing_well_above_land_surface_is_not_flagged():
    series = monthly([-2.1, -2.4, -1.9, -2.2, -2.0, -2.3, -2.6], status="flowing")
    assert judge_last(series) == []


def test_a_jump_is_judged_by_how_fast_it_came():
    level = [80.0] * 6
    sudden = monthly(level) + [(START + timedelta(days=150, hours=6), 89.0, "static")]
    assert judge_last(sudden) == [JUMP]  # 9 ft in six hours
    gradual = monthly([*level, 89.0])  # 9 ft over thirty days: a season, not a spike
    assert judge_last(gradual) == []


def test_one_spike_is_one_flag():
    at = [START + timedelta(hours=h) for h in range(30)]
    depths = [50.0] * 14 + [75.0] + [50.1] * 15
    flags = series_flags(
        [(t, d, "static") for t, d in zip(at, depths, strict=True)], judge=[True] * 30
    )
    assert flags == {14: [OUTSIDE_RANGE, JUMP]}


@pytest.mark.django_db(transaction=True)  # the async reads run on their own connection
def test_the_api_stores_the_reading_and_answers_with_its_flags(client, writer_token):
    well = well_create()
    Observation.objects.bulk_create(
        Observation(well=well, observed_at=at, depth_to_water_ft=d)
        for at, d, _ in monthly([155.0] * 6)
    )
    response = client.post(
        f"/api/wells/{well.site_no}/observations",
        json.dumps({"observed_at": "2023-07-10T16:00:00Z", "depth_to_water_ft": -3.5}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {writer_token}"},
    )
    assert response.status_code == 201, response.content
    (created,) = response.json()["results"]
    assert created["flags"] == [NEGATIVE_NOT_FLOWING, OUTSIDE_RANGE, JUMP]
    listed = client.get(f"/api/wells/{well.site_no}/observations").json()["results"]
    assert [r["flags"] for r in listed] == [[]] * 6 + [created["flags"]]
    csv = client.get(f"/api/wells/{well.site_no}/observations?format=csv")

    async def body() -> bytes:
        return b"".join([chunk async for chunk in csv.streaming_content])

    assert b'"negative_not_flowing,outside_range,jump"' in asyncio.run(body())


@pytest.mark.django_db
def test_an_import_reports_its_flagged_readings(tmp_path):
    well_create(site_no="AR0009")
    rows = "".join(f"AR0009,2024-{m:02d}-10 09:00,155.{m}\n" for m in range(1, 8))
    path = tmp_path / "levels.csv"
    path.write_text(
        "well_name_point_id,water_level_date_time,depth_to_water_ft\n"
        + rows
        + "AR0009,2024-08-10 09:00,-3.5\n"
    )
    result = run("import_waterlevels", str(path))
    assert result.code == 0, result.err
    assert "1 reading(s) stored with a plausibility warning" in result.out
    assert "AR0009 2024-08-10T15:00:00+00:00 -3.5 ft: negative_not_flowing" in result.out
    assert Observation.objects.get(depth_to_water_ft=-3.5).flags.startswith(NEGATIVE_NOT_FLOWING)


@pytest.mark.django_db
def test_the_admin_filters_readings_by_warning(client):
    well = well_create()
    good = Observation.objects.create(well=well, observed_at=START, depth_to_water_ft=50.0)
    odd = Observation.objects.create(
        well=well, observed_at=START + timedelta(days=1), depth_to_water_ft=90.0, flags=JUMP
    )
    client.force_login(get_user_model().objects.create_superuser("dm", "dm@example.org", "pw-1!x"))
    page = client.get("/admin/monitoring/observation/?flag=jump")
    assert page.status_code == 200
    shown = {o.pk for o in page.context["cl"].result_list}
    assert shown == {odd.pk} and good.pk not in shown
    assert "Any warning" in page.content.decode()


@pytest.mark.django_db
def test_a_reading_is_labelled_by_its_site_number():
    reading = Observation.objects.create(
        well=well_create(site_no="SN0042"), observed_at=START, depth_to_water_ft=12.5
    )
    assert str(reading) == "SN0042 @ 2023-01-05 16:00 UTC 12.5 ft"
