"""import_waterlevels: every rule of the CSV and USGS RDB imports. Each failure case checks
the exit code, that the message names the row and column, and that nothing was written."""

import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from django.conf import settings

from apps.monitoring.models import Observation
from tests.monitoring.factories import well_create
from tests.support.server import server_database_url

from .conftest import run

pytestmark = pytest.mark.django_db

HEADER = (
    "well_name_point_id,water_level_date_time,depth_to_water_ft,mp_height,level_status,"
    "data_quality,sample_method,measuring_person,field_staff,water_level_notes"
)
VALID = f"""{HEADER}
AR0001,2024-05-01 09:30,101.25,1.5,Static,Approved,Steel tape,Ana Martínez,Ben Yazzie,spring visit
AR0001,2024-06-01T09:30:00-06:00,102.5,,static,provisional,electric_tape,,,
AR0002,2024-05-01 10:00,,,dry,,,,,
"""


def count() -> int:
    return Observation.objects.count()


def test_a_valid_file_is_imported(wells, write_csv):
    result = run("import_waterlevels", str(write_csv(VALID)))
    assert result.code == 0, result.err
    assert "Imported 3 of 3 rows" in result.out
    first = Observation.objects.get(well__site_no="AR0001", depth_to_water_ft=101.25)
    # Naive: local time in America/Denver, which was on MDT (-06:00) that day.
    assert first.observed_at == datetime(2024, 5, 1, 15, 30, tzinfo=UTC)
    assert (first.level_status, first.data_quality, first.method) == (
        "static",
        "approved",
        "steel_tape",
    )
    assert first.measuring_point_height_ft == 1.5 and first.measured_by == "Ana Martínez"
    assert (
        first.source == "import" and "Ben Yazzie" in first.notes and "spring visit" in first.notes
    )
    dry = Observation.objects.get(well__site_no="AR0002")
    assert dry.depth_to_water_ft is None and dry.level_status == "dry"


def test_winter_times_take_the_standard_offset(wells, write_csv):
    path = write_csv(f"{HEADER}\nAR0001,2024-01-15 09:30,100,,,,,,,\n")
    assert run("import_waterlevels", str(path)).code == 0
    assert Observation.objects.get().observed_at == datetime(2024, 1, 15, 16, 30, tzinfo=UTC)


def test_timezone_option(wells, write_csv):
    path = write_csv(f"{HEADER}\nAR0001,2024-01-15 09:30,100,,,,,,,\n")
    assert run("import_waterlevels", str(path), "--timezone", "America/New_York").code == 0
    assert Observation.objects.get().observed_at == datetime(2024, 1, 15, 14, 30, tzinfo=UTC)
    bad = run("import_waterlevels", str(path), "--timezone", "Mars/Olympus")
    assert bad.code == 1 and "'Mars/Olympus' is not a time zone" in bad.err


def test_columns_in_any_order_with_extras_and_aliases(wells, write_csv):
    text = (
        "notes_from_the_field,depth_to_water_ft,sampler,measurement_date_time,well_name_point_id\n"
        "ignored,55.5,Irene Tso,2024-05-01 09:30,AR0002\n"
    )
    result = run("import_waterlevels", str(write_csv(text)))
    assert result.code == 0, result.err
    reading = Observation.objects.get()
    assert (reading.well.site_no, reading.depth_to_water_ft, reading.measured_by) == (
        "AR0002",
        55.5,
        "Irene Tso",
    )


def test_a_byte_order_mark_is_ignored(wells, write_csv):
    result = run("import_waterlevels", str(write_csv(VALID, encoding="utf-8-sig")))
    assert result.code == 0, result.err
    assert count() == 3


def test_crlf_line_endings(wells, write_csv):
    assert run("import_waterlevels", str(write_csv(VALID.replace("\n", "\r\n")))).code == 0
    assert count() == 3


def test_the_same_file_twice_adds_nothing(wells, write_csv):
    path = write_csv(VALID)
    assert run("import_waterlevels", str(path)).code == 0
    again = run("import_waterlevels", str(path), "--output", "json")
    assert again.code == 0
    assert again.json()["rows"] == 3
    assert again.json()["imported"] == 0 and again.json()["already_present"] == 3
    assert count() == 3


def test_dry_run_writes_nothing(wells, write_csv):
    result = run("import_waterlevels", str(write_csv(VALID)), "--dry-run", "--output", "json")
    assert result.code == 0
    assert result.json()["imported"] == 3 and result.json()["dry_run"] is True
    assert count() == 0


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (",2024-05-01 09:30,10,,,,,,,", "well_name_point_id", "missing required field"),
        ("AR0001,,10,,,,,,,", "water_level_date_time", "missing required field"),
        ("AR0001,2024-05-01 09:30,ten,,,,,,,", "depth_to_water_ft", "'ten' is not a number"),
        ("AR0001,2024-05-01 09:30,1e9,,,,,,,", "depth_to_water_ft", "outside"),
        ("AR0001,2024-05-01 09:30,NaN,,,,,,,", "depth_to_water_ft", "outside"),
        ("AR0001,2024-05-01 09:30,10,tall,,,,,,", "mp_height", "'tall' is not a number"),
        ("AR0001,yesterday,10,,,,,,,", "water_level_date_time", "is not a date and time"),
        ("AR0001,2024-05-01,10,,,,,,,", "water_level_date_time", "no time of day"),
        ("AR0001,2024-02-30 09:30,10,,,,,,,", "water_level_date_time", "is not a date and time"),
        ("XX9999,2024-05-01 09:30,10,,,,,,,", "well_name_point_id", "unknown well"),
        ("AR0001,2024-05-01 09:30,10,,soggy,,,,,", "level_status", "allowed: destroyed, dry"),
        (
            "AR0001,2024-05-01 09:30,10,,,great,,,,",
            "data_quality",
            "allowed: approved, provisional",
        ),
        ("AR0001,2024-05-01 09:30,10,,,,dowsing,,,", "sample_method", "allowed: airline"),
        ("AR0001,2024-05-01 09:30,,,static,,,,,", "depth_to_water_ft", "needs a level status"),
        # DST began 2024-03-10 at 02:00 in Denver: 02:30 did not happen.
        ("AR0001,2024-03-10 02:30,10,,,,,,,", "water_level_date_time", "does not exist"),
        # DST ended 2024-11-03 at 02:00: 01:30 happened twice.
        ("AR0001,2024-11-03 01:30,10,,,,,,,", "water_level_date_time", "is ambiguous"),
    ],
)
def test_a_bad_row_stops_the_whole_file(wells, write_csv, row, column, message):
    good = "AR0002,2024-05-01 09:30,10,,,,,,,"
    path = write_csv(f"{HEADER}\n{good}\n{row}\n")
    result = run("import_waterlevels", str(path))
    assert result.code == 1
    assert f"row 3, column {column}:" in result.err
    assert message in result.err
    assert "nothing was imported" in result.err
    assert count() == 0


def test_an_offset_resolves_the_dst_overlap(wells, write_csv):
    path = write_csv(f"{HEADER}\nAR0001,2024-11-03T01:30:00-07:00,10,,,,,,,\n")
    assert run("import_waterlevels", str(path)).code == 0
    assert Observation.objects.get().observed_at == datetime(2024, 11, 3, 8, 30, tzinfo=UTC)


def test_every_problem_is_listed(wells, write_csv):
    path = write_csv(f"{HEADER}\nXX1,2024-05-01 09:30,a,,,,,,,\nAR0001,nope,10,,wet,,,,,\n")
    result = run("import_waterlevels", str(path), "--output", "json")
    assert result.code == 1
    problems = {(e["row"], e["column"]) for e in result.json()["errors"]}
    assert problems == {
        (2, "well_name_point_id"),
        (2, "depth_to_water_ft"),
        (3, "water_level_date_time"),
        (3, "level_status"),
    }
    assert result.err.count("row ") == 4


@pytest.mark.parametrize(
    "missing", ["well_name_point_id", "water_level_date_time", "depth_to_water_ft"]
)
def test_a_missing_required_column(wells, write_csv, missing):
    columns = ["well_name_point_id", "water_level_date_time", "depth_to_water_ft"]
    values = {
        "well_name_point_id": "AR0001",
        "water_level_date_time": "2024-05-01 09:30",
        "depth_to_water_ft": "1",
    }
    kept = [c for c in columns if c != missing]
    path = write_csv(",".join(kept) + "\n" + ",".join(values[c] for c in kept) + "\n")
    result = run("import_waterlevels", str(path))
    assert result.code == 1
    assert f"row 1, column {missing}: missing required column" in result.err
    assert count() == 0


def test_an_empty_file(wells, write_csv):
    result = run("import_waterlevels", str(write_csv("")))
    assert result.code == 1 and "empty" in result.err
    assert count() == 0


def test_a_file_with_only_a_header(wells, write_csv):
    result = run("import_waterlevels", str(write_csv(HEADER + "\n")), "--output", "json")
    assert result.code == 0
    assert result.json()["rows"] == 0 and result.json()["imported"] == 0


def test_a_missing_file(db, tmp_path):
    result = run("import_waterlevels", str(tmp_path / "nope.csv"))
    assert result.code == 1 and "no such file" in result.err


def test_a_file_that_is_not_utf8(wells, write_csv):
    path = write_csv(f"{HEADER}\nAR0001,2024-05-01 09:30,10,,,,,José,,\n", encoding="latin-1")
    result = run("import_waterlevels", str(path))
    assert result.code == 1 and "not UTF-8" in result.err
    assert count() == 0


def test_usgs_groundwater_levels_file(db, usgs_file):
    well_create(site_no="434400121275801")
    result = run(
        "import_waterlevels", str(usgs_file("waterservices_gwlevels.txt")), "--output", "json"
    )
    assert result.code == 0, result.err
    assert result.json()["format"] == "usgs-rdb"
    assert result.json()["imported"] == 1
    reading = Observation.objects.get()
    # 2016-10-26 09:22 PDT is 16:22 UTC.
    assert reading.observed_at == datetime(2016, 10, 26, 16, 22, tzinfo=UTC)
    assert (reading.depth_to_water_ft, reading.method, reading.data_quality) == (
        28.33,
        "steel_tape",
        "approved",
    )
    assert reading.level_status == "static"
    again = run(
        "import_waterlevels", str(usgs_file("waterservices_gwlevels.txt")), "--output", "json"
    )
    assert again.json()["already_present"] == 1 and Observation.objects.count() == 1


def test_usgs_file_for_an_unknown_well(db, usgs_file):
    result = run("import_waterlevels", str(usgs_file("waterservices_gwlevels.txt")))
    assert result.code == 1
    assert "column site_no: '434400121275801' unknown well" in result.err
    assert count() == 0


def test_usgs_rdb_bad_codes(db, tmp_path):
    well_create(site_no="434400121275801")
    text = (
        "# comment\n"
        "agency_cd\tsite_no\tlev_dt\tlev_tm\tlev_tz_cd\tlev_va\tlev_status_cd\tlev_meth_cd\tlev_age_cd\n"
        "5s\t15s\t10d\t5d\t5s\t12s\t1s\t1s\t1s\n"
        "USGS\t434400121275801\t2016-10-26\t09:22\tXYZ\t28.3\tQ\tK\tA\n"
    )
    path = tmp_path / "levels.rdb"
    path.write_text(text)
    result = run("import_waterlevels", str(path), "--format", "usgs-rdb")
    assert result.code == 1
    for column in ("lev_dt", "lev_status_cd", "lev_meth_cd"):
        assert f"row 4, column {column}:" in result.err
    assert count() == 0


@pytest.mark.django_db(transaction=True)
def test_real_exit_code_and_streams(wells, write_csv):
    """Through manage.py, as a data manager runs it: exit 1, the problem on stderr, no
    traceback; and a clean file then imports, exit 0."""
    bad = write_csv(f"{HEADER}\nAR0001,2024-05-01 09:30,deep,,,,,,,\n", name="bad.csv")
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project.settings.test",
        "DATABASE_URL": server_database_url(),
    }

    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            capture_output=True,
            text=True,
            cwd=settings.BASE_DIR,
            env=environ,
            timeout=60,
        )

    failed = manage("import_waterlevels", str(bad))
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr
    assert "row 2, column depth_to_water_ft: 'deep' is not a number" in failed.stderr
    assert count() == 0
    imported = manage("import_waterlevels", str(write_csv(VALID)))
    assert imported.returncode == 0, imported.stderr
    assert count() == 3


CORRECTED = VALID.replace("101.25,1.5,Static", "101.75,1.5,Static").replace(
    "102.5,,static,provisional", "102.5,,recently pumped,provisional"
)


def test_a_corrected_file_is_reported_and_kept_until_replace(wells, write_csv):
    """Issue 24: a corrected file re-imported kept the old values silently (rc 0)."""
    assert run("import_waterlevels", str(write_csv(VALID))).code == 0
    corrected = write_csv(CORRECTED, name="corrected.csv")
    kept = run("import_waterlevels", str(corrected))
    assert kept.code == 3, kept.err
    assert "2 rows differ from what is stored and were kept" in kept.out
    assert "AR0001 2024-05-01T15:30:00+00:00: depth_to_water_ft 101.25 -> 101.75" in kept.out
    assert "level_status 'static' -> 'recently_pumped'" in kept.out
    assert "--replace replaces them" in kept.err
    stored = Observation.objects.get(well__site_no="AR0001", observed_at__month=5)
    assert stored.depth_to_water_ft == 101.25  # kept, and said so
    report = run("import_waterlevels", str(corrected), "--output", "json").json()
    assert (report["imported"], report["differing"], report["replaced"]) == (0, 2, 0)
    assert report["differences"][0]["changes"] == {"depth_to_water_ft": [101.25, 101.75]}
    dry = run("import_waterlevels", str(corrected), "--replace", "--dry-run")
    assert dry.code == 0 and "would replace them" in dry.out
    assert Observation.objects.get(pk=stored.pk).depth_to_water_ft == 101.25
    replaced = run("import_waterlevels", str(corrected), "--replace")
    assert replaced.code == 0 and "2 rows differ from what is stored: replaced them" in replaced.out
    assert Observation.objects.get(pk=stored.pk).depth_to_water_ft == 101.75
    assert count() == 3
    # Nothing differs any more: a plain re-import is quiet and succeeds.
    again = run("import_waterlevels", str(corrected))
    assert again.code == 0 and "differ" not in again.out


def test_a_logger_download_can_be_imported_as_transducer_readings(wells, write_csv):
    path = write_csv(f"{HEADER}\nAR0001,2024-01-15 09:30,100,,,,,,,\n")
    assert run("import_waterlevels", str(path), "--source", "transducer").code == 0
    assert Observation.objects.get().source == "transducer"


def test_the_summary_is_refreshed_by_an_import(wells, write_csv):
    from apps.monitoring.models import WellSummary

    assert run("import_waterlevels", str(write_csv(VALID))).code == 0
    summary = WellSummary.objects.get(well__site_no="AR0001")
    assert summary.observation_count == 2 and summary.last_depth_to_water_ft == 102.5
    assert run("import_waterlevels", str(write_csv(CORRECTED)), "--replace").code == 0
    assert WellSummary.objects.get(well__site_no="AR0001").max_depth_to_water_ft == 102.5
