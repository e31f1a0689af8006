"""The migration checklist: its classification of each case, the real project against
ADR-0004, and a drifted table failing --strict with the route's name."""

import inspect
import json
import shutil
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from apps.ops.checklist.analysis import analyze, analyze_class
from apps.ops.checklist.routes import http_entries

from . import checklist_fixtures as fixtures

ADR = settings.BASE_DIR / "ADR" / "0004-sync-to-async-migration.md"


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        (fixtures.sync_view, "sync"),
        (fixtures.native_view, "async-native"),
        (fixtures.unsafe_direct_view, "async-unsafe"),
        (fixtures.unsafe_through_helper_view, "async-unsafe"),
        (fixtures.offloaded_view, "async-offloaded"),
        (fixtures.sleeping_view, "async-unsafe"),
        (fixtures.driver_view, "async-driver"),
        (fixtures.driver_through_helper_view, "async-driver"),
        (fixtures.driver_but_unsafe_view, "async-unsafe"),
    ],
)
def test_function_views(view, expected):
    assert analyze(view).classification == expected


def test_the_reason_names_the_call_and_the_helper():
    direct = analyze(fixtures.unsafe_direct_view)
    assert any("Well.objects.get" in reason for reason in direct.reasons("sync-db"))
    through = analyze(fixtures.unsafe_through_helper_view)
    assert any(
        "via tests.ops.checklist_fixtures.helper_that_iterates" in r for r in through.reasons()
    )
    assert any("time.sleep" in r for r in analyze(fixtures.sleeping_view).reasons("blocking"))


def test_class_based_view_and_consumer():
    assert analyze_class(fixtures.AsyncClassView).classification == "async-native"
    assert analyze_class(fixtures.CountingConsumer).classification == "async-offloaded"


def test_routes_enumerate_each_operation_and_handler():
    entries = {e.key: e for e in http_entries("tests.ops.checklist_fixtures")}
    read, write = entries[("GET", "/api/mixed")], entries[("POST", "/api/mixed")]
    assert analyze(read.handler).classification == "async-native"
    assert analyze(write.handler).classification == "sync"
    assert write.in_async_path_view and not read.in_async_path_view
    assert ("GET", "/class/") in entries and ("POST", "/class/") in entries
    assert entries[("*", "/sleeping/")].handler is fixtures.sleeping_view


def checklist(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("migration_checklist", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return 1, out.getvalue(), str(exc)
    return 0, out.getvalue(), err.getvalue()


def test_the_project_matches_adr_0004():
    code, out, _ = checklist("--format", "json", "--strict")
    assert code == 0
    report = json.loads(out)
    assert report["failing"] == 0
    statuses = {(i["method"], i["route"]): i["status"] for i in report["items"]}
    # The admin's row is "out of scope", as planned.
    assert set(statuses.values()) == {"at target", "out of scope"}
    assert statuses[("GET", "/api/stats")] == "at target"
    kinds = {(i["method"], i["route"]): i["classification"] for i in report["items"]}
    # Reads through django-async-backend's async_objects (ADR-0007), via asyncdriver.reading.
    assert kinds[("GET", "/api/wells/{site_no}")] == "async-driver"
    assert kinds[("GET", "/api/contacts")] == "async-native"
    assert kinds[("POST", "/api/wells")] == "sync"
    assert ("*", "/admin/") in kinds


def test_a_drifted_table_fails_strict_naming_the_route(tmp_path):
    drifted = tmp_path / "adr.md"
    shutil.copy(ADR, drifted)
    text = drifted.read_text()
    contacts_row = next(line for line in text.splitlines() if "| GET | `/api/contacts`" in line)
    text = text.replace(contacts_row, contacts_row.replace("| P2 |", "| P3 |"))
    health_row = next(line for line in text.splitlines() if "`/api/health`" in line)
    text = text.replace(health_row + "\n", "")
    text = text.replace(
        "<!-- migration-checklist:end -->",
        "| http | GET | `/api/retired` | `apps.api.routers.system.stats` | P2 | at target | |\n"
        "<!-- migration-checklist:end -->",
    )
    drifted.write_text(text)
    code, _, message = checklist("--adr", str(drifted), "--strict")
    assert code == 1
    assert "GET /api/contacts (behind)" in message
    assert "GET /api/health (not in ADR)" in message
    assert "GET /api/retired (in ADR but gone)" in message
    # --write keeps the (now deliberate) P3 target, behind, drops the retired row and adds
    # the missing route as unplanned: a decision still to make, never its current phase.
    checklist("--adr", str(drifted), "--write")
    code, _, message = checklist("--adr", str(drifted), "--strict")
    assert code == 1
    assert message == (
        "2 failing the plan: GET /api/contacts (behind), GET /api/health (unplanned)"
    )


def test_text_and_markdown_formats():
    code, text, _ = checklist()
    assert code == 0 and "P2:" in text and "at target" in text
    code, markdown, _ = checklist("--format", "markdown")
    assert "| status |" in markdown and "`/api/stats`" in markdown


def test_json_gives_file_line_and_call_chain_of_each_unsafe_finding(settings):
    settings.ROOT_URLCONF = "tests.ops.checklist_fixtures"
    code, out, _ = checklist("--format", "json")
    unsafe = json.loads(out)["unsafe"]
    (through,) = [f for f in unsafe if f["route"] == "/unsafe-helper/"]
    helper_line = inspect.getsourcelines(fixtures.helper_that_iterates)[1] + 1
    assert (through["kind"], through["category"]) == ("sync-db", "queryset-evaluation")
    assert (through["file"], through["line"]) == ("tests/ops/checklist_fixtures.py", helper_line)
    assert [site["calls"] for site in through["chain"]] == [
        "tests.ops.checklist_fixtures.helper_that_iterates"
    ]
    assert through["chain"][0]["function"].endswith("unsafe_through_helper_view")
    # The text format leads with file:line, so a terminal or editor can jump to it.
    _, text, _ = checklist()
    assert f"tests/ops/checklist_fixtures.py:{helper_line}: iterates a queryset" in text
    assert {f["route"] for f in unsafe} >= {"/unsafe-direct/", "/sleeping/"}
