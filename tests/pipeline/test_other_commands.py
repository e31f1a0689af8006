"""import_sites, rebuild_stats and export_observations."""

import json
from datetime import UTC, datetime, time, timedelta

import pytest

from apps.monitoring.contract import ObservationRow
from apps.monitoring.models import Observation, Well, WellSummary
from apps.monitoring.services import observation_bulk_insert
from tests.monitoring.factories import observation_create, well_create

from .conftest import run

pytestmark = pytest.mark.django_db


def test_usgs_site_files_of_stream_gages_are_skipped_with_the_reason(usgs_file):
    for name, total in (("waterservices_site.txt", 2), ("nwis_sites.txt", 206)):
        result = run("import_sites", str(usgs_file(name)), "--output", "json")
        assert result.code == 0, result.err
        summary = result.json()
        assert summary["rows"] == total and summary["created"] == 0
        assert summary["skipped"] == {"site type ST is not a groundwater site": total}
    assert Well.objects.count() == 0


def test_groundwater_sites_are_created_then_updated(tmp_path):
    header = (
        "\t".join(
            (
                "agency_cd",
                "site_no",
                "station_nm",
                "site_tp_cd",
                "dec_lat_va",
                "dec_long_va",
                "alt_va",
                "alt_datum_cd",
                "huc_cd",
            )
        )
        + "\n"
    )
    widths = "5s\t15s\t50s\t7s\t16s\t16s\t8s\t10s\t16s\n"
    rows = (
        "USGS\t350101106390101\tALBUQUERQUE TEST WELL 1\tGW\t35.0169\t-106.6503\t5010.5\t"
        "NAVD88\t13020203\n"
        "USGS\t350202106390201\tSPRING AT TIJERAS\tSP\t35.034\t-106.39\t\t\t13020203\n"
        "USGS\t08330000\tRIO GRANDE AT ALBUQUERQUE\tST\t35.089\t-106.68\t4950\tNAVD88\t13020203\n"
    )
    path = tmp_path / "sites.rdb"
    path.write_text("# USGS sites\n" + header + widths + rows)
    first = run("import_sites", str(path), "--output", "json").json()
    assert (first["created"], first["updated"], sum(first["skipped"].values())) == (2, 0, 1)
    well = Well.objects.select_related("location").get(site_no="350101106390101")
    assert well.kind == "well" and well.location.land_surface_elevation_ft == 5010.5
    assert Well.objects.get(site_no="350202106390201").kind == "spring"
    second = run("import_sites", str(path), "--output", "json").json()
    assert (second["created"], second["updated"]) == (0, 2)
    assert Well.objects.count() == 2


def test_bad_site_rows_write_nothing(tmp_path):
    path = tmp_path / "sites.rdb"
    path.write_text(
        "agency_cd\tsite_no\tstation_nm\tsite_tp_cd\tdec_lat_va\tdec_long_va\n5s\t15s\t50s\t7s\t16s\t16s\n"
        "USGS\t1\tOK WELL\tGW\t35\t-106\n"
        "USGS\t2\tBAD WELL\tGW\t95\tlong\n"
    )
    result = run("import_sites", str(path))
    assert result.code == 1
    assert "row 4, column dec_lat_va: '95' is outside -90 to 90" in result.err
    assert "row 4, column dec_long_va: 'long' is not a number" in result.err
    assert Well.objects.count() == 0


def test_rebuild_stats_computes_trend_and_change():
    well = well_create()
    start = datetime(2015, 1, 1, tzinfo=UTC)
    # Falling 2 ft a year (depth growing), monthly, with one dry visit.
    Observation.objects.bulk_create(
        Observation(
            well=well,
            observed_at=start + timedelta(days=30.4375 * month),
            depth_to_water_ft=100 + 2 * month / 12,
        )
        for month in range(121)
    )
    Observation.objects.create(
        well=well,
        observed_at=start + timedelta(days=15),
        depth_to_water_ft=None,
        level_status="dry",
    )
    result = run("rebuild_stats")
    assert result.code == 0 and "Rebuilt 1 well summaries" in result.out
    summary = WellSummary.objects.get(well=well)
    assert summary.observation_count == 122
    assert summary.trend_ft_per_year == pytest.approx(2.0, abs=0.01)
    assert summary.change_12_months_ft == pytest.approx(2.0, abs=0.05)
    assert summary.min_depth_to_water_ft == 100 and summary.max_depth_to_water_ft == pytest.approx(
        120
    )
    assert summary.median_depth_to_water_ft == pytest.approx(110)
    # Running again swaps in a fresh set, it does not add to it.
    run("rebuild_stats")
    assert WellSummary.objects.count() == 1


def test_rebuild_stats_check_finds_figures_a_write_skipped():
    well = well_create()
    recent = datetime.combine(datetime.now(UTC).date() - timedelta(days=2), time(6), UTC)
    observation_create(well=well, observed_at=recent - timedelta(days=400))
    assert run("rebuild_stats", "--check").code == 0
    # A raw insert and update, past the services' refresh: two recent readings, one of
    # them withheld.
    later = recent + timedelta(hours=1)
    observation_bulk_insert(
        rows=[ObservationRow(well.pk, recent, 10.0), ObservationRow(well.pk, later, 10.5)]
    )
    Observation.objects.filter(observed_at=later).update(release_status="private")
    result = run("rebuild_stats", "--check")
    assert result.code == 1
    assert f"well {well.pk}: observation_count kept 1, recomputed 3" in result.err
    assert f"well {well.pk}: public_observation_count kept 1, recomputed 2" in result.err
    assert f"well {well.pk} on {recent.date()}: readings kept (0, 0), recomputed (2, 1)" in (
        result.err
    )
    run("rebuild_stats")
    assert run("rebuild_stats", "--check").code == 0


@pytest.mark.django_db(transaction=True)
def test_export_observations():
    """The export reads through the async ORM (on another thread), so the data it reads
    must be committed: hence a transactional test."""
    well = well_create(site_no="AR0009")
    for day in range(3):
        Observation.objects.create(
            well=well,
            observed_at=datetime(2024, 5, 1 + day, 15, tzinfo=UTC),
            depth_to_water_ft=10 + day,
        )
    result = run("export_observations", "--well", "AR0009")
    lines = result.out.splitlines()
    assert lines[0].startswith("site_no,observed_at,depth_to_water_ft")
    assert lines[1].startswith("AR0009,2024-05-01T15:00:00+00:00,10.0")
    assert len(lines) == 4
    ranged = run(
        "export_observations",
        "--well",
        "AR0009",
        "--format",
        "json",
        "--start",
        "2024-05-02",
        "--end",
        "2024-05-02T23:00",
    )
    rows = json.loads(ranged.out)
    assert [row["depth_to_water_ft"] for row in rows] == [11.0]
    assert run("export_observations", "--well", "NOPE").code == 1
    assert (
        run(
            "export_observations",
            "--well",
            "AR0009",
            "--start",
            "2024-06-01",
            "--end",
            "2024-05-01",
        ).code
        == 1
    )


@pytest.mark.django_db(transaction=True)
def test_export_reads_naive_times_by_the_one_rule():
    """Without an offset, a time is local in PIEZO_LOCAL_TIMEZONE, as in imports and the
    API (ADR-0009); a local time that DST skips is an error, never a guess."""
    well = well_create(site_no="AR0001")
    for hour in (5, 7):  # 05:00 and 07:00 UTC on 2 May: 23:00 and 01:00 MDT
        Observation.objects.create(
            well=well, observed_at=datetime(2024, 5, 2, hour, tzinfo=UTC), depth_to_water_ft=hour
        )
    local_day = run("export_observations", "--well", "AR0001", "--start", "2024-05-02")
    assert [line.split(",")[2] for line in local_day.out.splitlines()[1:]] == ["7.0"]
    utc_day = run("export_observations", "--well", "AR0001", "--start", "2024-05-02T00:00Z")
    assert len(utc_day.out.splitlines()) == 3
    gap = run("export_observations", "--well", "AR0001", "--start", "2024-03-10T02:30")
    assert gap.code == 1 and "does not exist" in gap.err
