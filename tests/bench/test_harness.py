"""The benchmark harness keeps working: its 10-second smoke run on SQLite (CI runs it
here), the sync twins mounted only in the bench settings, and the report it writes."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.plugins.database import IN_CI

BASE_DIR = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.only_on("sqlite")


@pytest.fixture(scope="module")
def smoke(tmp_path_factory) -> Path:
    if shutil.which("wrk") is None:
        if IN_CI:
            pytest.fail("CI=true and wrk is not installed (.ci/run installs it)")
        pytest.skip("wrk is not installed: apt-get install wrk")
    out = tmp_path_factory.mktemp("bench")
    completed = subprocess.run(
        [sys.executable, "bench/http_bench.py", "--smoke", "--out", str(out)],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    return out


def test_smoke_run_measures_every_target_and_endpoint_without_errors(smoke):
    result = json.loads((smoke / "http-sqlite.json").read_text())
    measured = {(c["target"], c["endpoint"]) for c in result["cells"]}
    assert measured == {
        (target, endpoint)
        for target in ("ceiling", "p4", "async", "sync", "p0")
        for endpoint in ("stats", "well", "wells_page", "year_json", "csv")
    }
    for cell in result["cells"]:
        assert cell["requests"] > 0 and cell["errors"] == 0, cell
        assert cell["peak_rss_mb"] > 0, cell
        # P0 has no event loop: WSGI.
        assert (cell["loop_lag_ms"] is None) == (cell["target"] == "p0"), cell


def test_the_ceiling_and_the_sync_twins_give_piezos_answers(smoke):
    # Otherwise a ratio to the ceiling would compare different work.
    result = json.loads((smoke / "http-sqlite.json").read_text())
    assert result["answers"] == {"async": {}, "ceiling": {}, "sync": {}, "p0": {}, "p4": {}}
    streams = {s["target"]: s for s in result["csv_stream"]}
    assert {s["rows"] for s in streams.values()} == {result["data"]["big_rows"]}


def test_report_writes_tables_and_plot(smoke, tmp_path):
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\nKept.\n\n<!-- bench:begin -->\nold\n<!-- bench:end -->\n")
    completed = subprocess.run(
        [sys.executable, "bench/report.py", "--results", str(smoke), "--doc", str(doc)],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stderr
    text = doc.read_text()
    assert "Kept." in text and "old" not in text
    assert "### Every cell: sqlite" in text and "| stats | 1 | 16 | async |" in text
    assert (tmp_path / "benchmarks.png").stat().st_size > 10_000


@pytest.mark.django_db(transaction=True)
def test_sync_twins_are_mounted_only_by_the_bench_settings(uvicorn_server):
    assert httpx.get(f"{uvicorn_server.url}/bench/sync/api/stats").status_code == 404
