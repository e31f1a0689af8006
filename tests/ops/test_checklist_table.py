"""ADR-0004's table as a team lead edits it: every way a hand edit can go, on a copy of the
real ADR, with the command's exit code and message; and reviewed-safe marks."""

import json
import re
import shutil

import pytest
from django.conf import settings

from apps.ops.checklist import plan
from apps.ops.checklist.analysis import UNSAFE, Analysis, Finding

from .test_checklist import checklist as run

ADR = settings.BASE_DIR / "ADR" / "0004-sync-to-async-migration.md"


@pytest.fixture
def adr(tmp_path):
    copy = tmp_path / "0004.md"
    shutil.copy(ADR, copy)
    return copy


def row_of(text: str, method: str, route: str) -> str:
    return next(line for line in text.splitlines() if f"| {method} | `{route}` |" in line)


def edit(adr, method: str, route: str, change) -> None:
    text = adr.read_text()
    line = row_of(text, method, route)
    adr.write_text(text.replace(line, change(line)))


def cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


@pytest.mark.parametrize("target", ["p2", "P2 (after issue 12)", "P5", ""])
def test_a_malformed_target_is_an_error_naming_the_row(adr, target):
    edit(adr, "GET", "/api/contacts", lambda line: line.replace("| P2 |", f"| {target} |"))
    code, _, message = run("--adr", str(adr), "--strict")
    assert code == 1
    assert re.search(r"line \d+ \(GET /api/contacts\): target '.*' is not one of P0", message)


def test_extra_columns_notes_and_deliberate_targets_survive_write(adr):
    text = adr.read_text()
    text = text.replace("| target | status | reviewed |", "| target | status | reviewed | owner |")
    text = text.replace("|---|---|---|---|---|---|---|", "|---|---|---|---|---|---|---|---|")
    row = r"^(\| (?:http|websocket|middleware|admin) \|.*\|)$"
    text = re.sub(row, r"\1 ana |", text, flags=re.M)
    text = text.replace(
        "<!-- migration-checklist:end -->",
        "Note: the contacts list waits for issue 31.\n<!-- migration-checklist:end -->",
    )
    adr.write_text(text)
    edit(adr, "GET", "/api/contacts", lambda line: line.replace("| P2 |", "| P3 |"))
    assert run("--adr", str(adr), "--write")[0] == 0
    written = adr.read_text()
    contacts = cells(row_of(written, "GET", "/api/contacts"))
    assert contacts[4:] == ["P3", "behind", "", "ana"]
    assert cells(row_of(written, "GET", "/api/stats"))[-1] == "ana"
    assert "Note: the contacts list waits for issue 31." in written
    code, _, message = run("--adr", str(adr), "--strict")
    assert code == 1 and message == "1 failing the plan: GET /api/contacts (behind)"


def test_duplicate_rows_and_unknown_handlers_are_errors_naming_the_rows(adr):
    text = adr.read_text()
    stats = row_of(text, "GET", "/api/stats")
    text = text.replace(stats, stats + "\n" + stats)
    health = row_of(text, "GET", "/api/health")
    text = text.replace(health, health.replace("system.health", "system.healthz"))
    adr.write_text(text)
    code, _, message = run("--adr", str(adr), "--strict")
    assert code == 1
    assert re.search(r"line \d+ \(GET /api/stats\): duplicates line \d+", message)
    assert re.search(
        r"line \d+ \(GET /api/health\): no handler 'apps.api.routers.system.healthz'", message
    )


def test_new_routes_are_unplanned_and_fail_strict_by_name(adr):
    text = adr.read_text()
    for route in ("/api/stats", "/api/wells.geojson"):
        text = text.replace(row_of(text, "GET", route) + "\n", "")
    adr.write_text(text)
    code, _, err = run("--adr", str(adr), "--write")
    assert "new: GET /api/stats, target unplanned" in err
    written = adr.read_text()
    assert cells(row_of(written, "GET", "/api/stats"))[4:6] == ["unplanned", "unplanned"]
    code, _, message = run("--adr", str(adr), "--strict")
    assert code == 1
    assert message == (
        "2 failing the plan: GET /api/stats (unplanned), GET /api/wells.geojson (unplanned)"
    )


def test_a_renamed_route_keeps_its_plan(adr):
    edit(adr, "GET", "/api/contacts", lambda line: line.replace("`/api/contacts`", "`/api/people`"))
    edit(adr, "GET", "/api/people", lambda line: line.replace("| P2 |", "| P3 |"))
    _, _, err = run("--adr", str(adr), "--write")
    assert re.search(r"line \d+ \(GET /api/people\) renamed to GET /api/contacts", err)
    written = adr.read_text()
    assert "/api/people" not in written
    assert cells(row_of(written, "GET", "/api/contacts"))[4] == "P3"


def test_ahead_fails_strict_and_out_of_scope_is_a_decision(adr):
    edit(adr, "GET", "/api/stats", lambda line: line.replace("| P4 |", "| P2 |"))
    edit(adr, "GET", "/api/lexicon", lambda line: line.replace("| P2 |", "| out of scope |"))
    code, out, message = run("--adr", str(adr), "--strict", "--format", "json")
    assert code == 1 and message == "1 failing the plan: GET /api/stats (ahead)"
    items = {(i["method"], i["route"]): i for i in json.loads(out)["items"]}
    assert items[("GET", "/api/lexicon")]["status"] == "out of scope"


def test_strict_names_every_failing_route(adr):
    text = adr.read_text()
    rows = [line for line in text.splitlines() if line.startswith("| http | GET |")][:12]
    for line in rows:
        text = text.replace(line + "\n", "")
    adr.write_text(text)
    code, _, message = run("--adr", str(adr), "--strict")
    assert code == 1 and message.startswith("12 failing the plan: ")
    assert message.count("(not in ADR)") == 12


def test_unsafe_and_unknown_come_first():
    items = [
        plan.Item("http", "GET", route, "h", "c", None, "P2", status)
        for route, status in (
            ("/a", "not in ADR"),
            ("/b", "behind"),
            ("/c", "unknown"),
            ("/d", "unsafe"),
            ("/e", "ahead"),
        )
    ]
    assert [i.route for i in plan.failing(items)] == ["/d", "/c", "/b", "/e", "/a"]


def finding(detail: str) -> Finding:
    return Finding("sync-db", detail, "apps.x.view, line 3")


def test_a_reviewed_mark_covers_its_finding_and_no_other():
    row = plan.Row(1, {"method": "GET", "route": "/x", "target": "P2"})
    row.reviews.append(
        plan.Review("ana", "2026-11-20", "runs a query: cache.get()", "a cache, not the ORM")
    )
    reviewed = Analysis(UNSAFE, [finding("runs a query: cache.get()")])
    assert plan._status(reviewed, None, row) == "reviewed"
    more = Analysis(UNSAFE, [*reviewed.findings, finding("calls well.save()")])
    assert plan._status(more, None, row) == "unsafe"


def test_reviewed_marks_are_read_from_the_table_and_checked(adr):
    edit(
        adr,
        "GET",
        "/api/stats",
        lambda line: line.replace(
            "| at target |  |", '| at target | ana 2026-11-20 "runs a query": fine |'
        ),
    )
    code, out, _ = run("--adr", str(adr), "--format", "json")
    stats = next(i for i in json.loads(out)["items"] if i["route"] == "/api/stats")
    assert stats["reviews"] == [
        {"who": "ana", "when": "2026-11-20", "finding": "runs a query", "why": "fine"}
    ]
    edit(adr, "GET", "/api/stats", lambda line: line.replace("2026-11-20", "last week"))
    code, _, message = run("--adr", str(adr), "--strict")
    assert code == 1 and "(GET /api/stats): reviewed mark" in message


def test_write_computes_status_groups_by_phase_and_ticks_exit_criteria(adr):
    edit(adr, "GET", "/api/contacts", lambda line: line.replace("| P2 |", "| P3 |"))
    run("--adr", str(adr), "--write")
    written = adr.read_text()
    # 20 = 10 routes and consumers + 10 of the project's middleware
    assert "- P2: 20/20 at target, 0 unsafe, 0 reviewed" in written
    assert "- P3: 0/1 at target, 0 unsafe, 0 reviewed" in written
    assert "- [ ] P3: every route planned for it is there (0/1)" in written
    assert "- [x] P2: every route planned for it is there (20/20)" in written
    targets = [cells(line)[4] for line in written.splitlines() if line.startswith("| http |")]
    assert targets == sorted(targets, key=plan.TARGETS.index)


def test_markdown_is_the_table_for_a_pull_request_and_json_has_every_field(adr):
    code, markdown, _ = run("--adr", str(adr), "--format", "markdown")
    assert (
        code == 0 and "| kind | method | route | handler | target | status | reviewed |" in markdown
    )
    assert "- [x] P4: none of them blocks the event loop" in markdown
    _, out, _ = run("--adr", str(adr), "--format", "json")
    item = json.loads(out)["items"][0]
    assert {"status", "findings", "reviews", "extra", "classification", "target"} <= set(item)
