"""The migration plan (ADR-0004's table) compared with what the code is.

The table sits between two markers in the ADR and is read by its header: the columns
``kind``, ``method``, ``route``, ``handler`` and ``target`` are required; ``status`` is
written by ``--write``; ``reviewed`` holds the team's reviewed-safe marks; any other column
(owner, due, issue, notes, ...) belongs to the team and survives ``--write`` untouched, as do
note lines inside the block. A malformed table is an error that names the line and the
route, never a guess.

A reviewed-safe mark reads ``who YYYY-MM-DD "finding": why`` (several separated by ``;``):
it covers the analyser's findings on that route whose text contains ``finding``, so a false
positive does not force a code change, and a new finding is not covered by an old mark.
"""

import importlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .analysis import (
    DRIVER,
    NATIVE,
    OFFLOADED,
    SYNC,
    UNKNOWN,
    UNSAFE,
    UNSAFE_KINDS,
    Analysis,
    analyze,
    analyze_class,
    analyze_middleware,
)
from .routes import Entry, all_entries

BEGIN = "<!-- migration-checklist:begin -->"
END = "<!-- migration-checklist:end -->"
PROGRESS_BEGIN = "<!-- migration-checklist:progress -->"
PROGRESS_END = "<!-- /migration-checklist:progress -->"
PHASES = ("P0", "P1", "P2", "P3", "P4")
OUT_OF_SCOPE = "out of scope"
UNPLANNED = "unplanned"
TARGETS = (*PHASES, OUT_OF_SCOPE, UNPLANNED)
REQUIRED = ("kind", "method", "route", "handler", "target")
STATUS, REVIEWED = "status", "reviewed"
# What --strict refuses; the first two are listed first.
FAILING = ("unsafe", "unknown", "behind", "ahead", "unplanned", "not in ADR", "in ADR but gone")
REVIEW = re.compile(
    r'^(?P<who>[\w.@+-]+) (?P<when>\d{4}-\d{2}-\d{2}) "(?P<finding>[^"]+)": (?P<why>.+)$'
)


class TableError(ValueError):
    """The ADR's table cannot be read; the message names every line at fault."""


@dataclass(frozen=True)
class Review:
    who: str
    when: str
    finding: str
    why: str

    def markdown(self) -> str:
        return f'{self.who} {self.when} "{self.finding}": {self.why}'


@dataclass
class Row:
    line: int
    cells: dict[str, str]
    reviews: list[Review] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        return (self.cells["method"], self.cells["route"])

    @property
    def target(self) -> str:
        return self.cells["target"]

    @property
    def name(self) -> str:
        return f"line {self.line} ({self.cells['method']} {self.cells['route']})"


@dataclass
class Table:
    columns: list[str]
    rows: list[Row]
    notes: list[str]


@dataclass
class Item:
    kind: str
    method: str
    route: str
    handler: str
    classification: str
    phase: str | None
    target: str | None
    status: str
    notes: list[str] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    reviews: list[dict] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.method} {self.route} ({self.status})"

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def current_phase(entry: Entry, analysis: Analysis) -> str | None:
    """Where the code stands: P1 sync under ASGI, P2 async reads and websockets, P3 async
    writes, P4 reads on the async driver; None for async code that blocks (it belongs to
    no phase until fixed)."""
    if entry.kind == "admin":
        return OUT_OF_SCOPE
    if analysis.classification == SYNC:
        return "P1"
    if analysis.classification == DRIVER:
        return "P4"
    if analysis.classification in (NATIVE, OFFLOADED):
        return "P3" if entry.writes else "P2"
    return None


# -- reading the table -----------------------------------------------------------------


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _handler_exists(dotted: str) -> bool:
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for part in parts[split:]:
            obj = getattr(obj, part, None)
            if obj is None:
                return False
        return True
    return False


def _block(adr_path: Path) -> tuple[str, int]:
    """The text between the markers and the line number of its first line."""
    text = adr_path.read_text()
    if BEGIN not in text or END not in text:
        raise TableError(f"{adr_path} has no table between {BEGIN} and {END}")
    before, rest = text.split(BEGIN, 1)
    return rest.split(END, 1)[0], before.count("\n") + 1


def read_table(adr_path: Path) -> Table:
    body, first_line = _block(adr_path)
    columns: list[str] | None = None
    rows: list[Row] = []
    notes: list[str] = []
    problems: list[str] = []
    in_progress = False
    for offset, raw in enumerate(body.split("\n")):
        line_no, line = first_line + offset, raw.strip()
        if line == PROGRESS_BEGIN:
            in_progress = True
        if in_progress:
            in_progress = line != PROGRESS_END
            continue
        if not line.startswith("|"):
            if line:
                notes.append(raw.rstrip())
            continue
        cells = _cells(line)
        if columns is None:
            columns = cells
            missing = [c for c in REQUIRED if c not in [name.lower() for name in columns]]
            if missing:
                problems.append(f"line {line_no}: the header lacks {', '.join(missing)}")
            continue
        if all(set(cell) <= set("-: ") for cell in cells):
            continue  # the separator
        if len(cells) != len(columns):
            problems.append(
                f"line {line_no}: {len(cells)} cells where the header has {len(columns)}"
            )
            continue
        values = {
            name.lower(): cell.strip("`").strip() for name, cell in zip(columns, cells, strict=True)
        }
        row = Row(line_no, {name.lower(): value for name, value in values.items()})
        problems += _row_problems(row)
        rows.append(row)
    if columns is None:
        problems.append(f"{adr_path}: no table header between the markers")
    seen: dict[tuple[str, str], Row] = {}
    for row in rows:
        if row.key in seen:
            problems.append(f"{row.name}: duplicates line {seen[row.key].line}")
        seen.setdefault(row.key, row)
    if problems:
        raise TableError(f"{adr_path}: " + "; ".join(problems))
    return Table([c.lower() for c in columns], rows, notes)


def _row_problems(row: Row) -> list[str]:
    problems = []
    if row.target not in TARGETS:
        problems.append(f"{row.name}: target {row.target!r} is not one of {', '.join(TARGETS)}")
    if not _handler_exists(row.cells["handler"]):
        problems.append(f"{row.name}: no handler {row.cells['handler']!r} in the code")
    for mark in filter(None, (m.strip() for m in row.cells.get(REVIEWED, "").split(";"))):
        match = REVIEW.match(mark)
        if match is None:
            problems.append(
                f'{row.name}: reviewed mark {mark!r} is not: who YYYY-MM-DD "finding": why'
            )
            continue
        try:
            date.fromisoformat(match["when"])
        except ValueError:
            problems.append(f"{row.name}: reviewed mark's date {match['when']!r} is no date")
            continue
        row.reviews.append(Review(**match.groupdict()))
    return problems


# -- comparing with the code -----------------------------------------------------------


def classify(entry: Entry) -> Analysis:
    if entry.handler is None:
        return Analysis(SYNC)
    if entry.kind == "middleware":
        return analyze_middleware(entry.handler)
    if isinstance(entry.handler, type):
        return analyze_class(entry.handler)
    return analyze(entry.handler)


def _status(analysis: Analysis, phase: str | None, row: Row | None) -> str:
    if analysis.classification in (UNSAFE, UNKNOWN):
        blocking = [f.detail for f in analysis.findings if f.kind in (*UNSAFE_KINDS, "unknown")]
        covered = row is not None and all(
            any(review.finding in detail for review in row.reviews) for detail in blocking
        )
        if covered and blocking:
            return "reviewed"
        return "unsafe" if analysis.classification == UNSAFE else "unknown"
    if row is None:
        return "not in ADR"
    if row.target == UNPLANNED:
        return UNPLANNED
    if row.target == OUT_OF_SCOPE:
        # A deliberate decision not to move this route (or the admin).
        return "out of scope"
    if phase == OUT_OF_SCOPE:
        return "behind"
    if phase == row.target:
        return "at target"
    return "behind" if PHASES.index(phase) < PHASES.index(row.target) else "ahead"


def compare(adr_path: Path, table: Table | None = None) -> list[Item]:
    table = table or read_table(adr_path)
    rows = {row.key: row for row in table.rows}
    items: list[Item] = []
    for entry in all_entries():
        analysis = classify(entry)
        phase = current_phase(entry, analysis)
        row = rows.pop(entry.key, None)
        notes = [str(f) for f in analysis.unsafe]
        if analysis.classification == UNKNOWN:
            notes += analysis.reasons("unknown")
        if entry.in_async_path_view:
            notes.append("sync operation on an async path: django-ninja runs it via sync_to_async")
        if analysis.classification == OFFLOADED:
            notes += analysis.reasons("offload")
        if analysis.classification == DRIVER:
            notes += analysis.reasons("driver")[:1]
        items.append(
            Item(
                entry.kind,
                entry.method,
                entry.route,
                entry.handler_name,
                analysis.classification,
                phase,
                row.target if row else None,
                _status(analysis, phase, row),
                notes,
                [f.__dict__ for f in analysis.findings],
                [r.__dict__ for r in row.reviews] if row else [],
                _extra(row),
            )
        )
    for row in rows.values():
        items.append(
            Item(
                row.cells["kind"],
                row.cells["method"],
                row.cells["route"],
                row.cells["handler"],
                "gone",
                None,
                row.target,
                "in ADR but gone",
                extra=_extra(row),
            )
        )
    return items


def _extra(row: Row | None) -> dict[str, str]:
    if row is None:
        return {}
    return {k: v for k, v in row.cells.items() if k not in (*REQUIRED, STATUS, REVIEWED)}


def failing(items: list[Item]) -> list[Item]:
    """What --strict refuses, unsafe and unknown first, then in the order of FAILING."""
    found = [i for i in items if i.status in FAILING]
    return sorted(found, key=lambda i: FAILING.index(i.status))


@dataclass(frozen=True)
class Progress:
    target: str
    rows: int
    at: int  # at target, or deliberately out of scope
    reviewed: int
    unsafe: int  # unsafe or unknown


def progress(items: list[Item]) -> list[Progress]:
    """Per target that has rows: how many are done, reviewed, unsafe."""
    found = []
    for target in TARGETS:
        statuses = [i.status for i in items if i.target == target]
        if statuses:
            found.append(
                Progress(
                    target,
                    len(statuses),
                    sum(s in ("at target", "out of scope") for s in statuses),
                    statuses.count("reviewed"),
                    sum(s in ("unsafe", "unknown") for s in statuses),
                )
            )
    return found


def summary_lines(items: list[Item]) -> list[str]:
    """One line per target, e.g. "P2: 18/20 at target, 1 unsafe, 1 reviewed"."""
    lines = [
        f"{p.target}: {p.at}/{p.rows} at target, {p.unsafe} unsafe, {p.reviewed} reviewed"
        for p in progress(items)
    ]
    untracked = [i for i in items if not i.target]
    if untracked:
        lines.append(f"not in the ADR: {len(untracked)}")
    return lines


# -- writing the table -----------------------------------------------------------------


def _exit_criteria(items: list[Item]) -> list[str]:
    """Each phase's exit criteria as checkboxes, ticked from the findings."""
    lines = []
    for p in progress(items):
        if p.target not in PHASES:
            continue
        done = p.at + p.reviewed
        lines.append(
            f"- [{'x' if done == p.rows else ' '}] {p.target}: every route planned for it is "
            f"there ({done}/{p.rows})"
        )
        lines.append(
            f"- [{'x' if p.unsafe == 0 else ' '}] {p.target}: none of them blocks the event "
            f"loop ({p.unsafe} unsafe or unknown)"
        )
    return lines


def render(table: Table, items: list[Item]) -> tuple[str, list[str]]:
    """The block between the markers for ``items``, keeping the team's columns, marks and
    notes from ``table``; and what changed that a person should know (renames, removals)."""
    by_key = {row.key: row for row in table.rows}
    code_keys = {(i.method, i.route) for i in items if i.status != "in ADR but gone"}
    gone = [row for key, row in by_key.items() if key not in code_keys]
    said: list[str] = []
    columns = list(table.columns)
    for name in (STATUS, REVIEWED):
        if name not in columns:
            columns.append(name)
    rows = []
    for item in items:
        if item.status == "in ADR but gone":
            continue
        row = by_key.get((item.method, item.route))
        if row is None:
            # A renamed route keeps its plan: the gone row with the same handler.
            row = next((r for r in gone if r.cells["handler"] == item.handler), None)
            if row is not None:
                gone.remove(row)
                said.append(f"{row.name} renamed to {item.method} {item.route}")
        cells = dict(row.cells) if row else {}
        target = cells.get("target", UNPLANNED)
        cells.update(
            kind=item.kind,
            method=item.method,
            route=item.route,
            handler=item.handler,
            target=target,
        )
        status = item.status
        if row is None:
            status = UNPLANNED if status in ("not in ADR",) else status
            said.append(f"new: {item.method} {item.route}, target {UNPLANNED}")
        elif status == "not in ADR":  # a renamed row's status, now that it has its plan
            status = "at target" if item.phase == target else "behind"
        cells[STATUS] = status
        rows.append(cells)
    said += [f"{row.name} removed: no such route in the code" for row in gone]
    order = {target: n for n, target in enumerate(TARGETS)}
    rows.sort(key=lambda c: (order.get(c["target"], len(order)), c["route"], c["method"]))

    def line(cells: dict[str, str]) -> str:
        shown = {**cells, "route": f"`{cells['route']}`", "handler": f"`{cells['handler']}`"}
        return "| " + " | ".join(shown.get(c, "") for c in columns) + " |"

    header = "| " + " | ".join(columns) + " |"
    separator = "|" + "|".join("---" for _ in columns) + "|"
    progress = [
        PROGRESS_BEGIN,
        "Progress, written by `manage.py migration_checklist --write`:",
        "",
        *(f"- {summary}" for summary in summary_lines(items)),
        "",
        "Exit criteria:",
        "",
        *_exit_criteria(items),
        PROGRESS_END,
    ]
    body = [*progress, "", header, separator, *(line(r) for r in rows)]
    if table.notes:
        body += ["", *table.notes]
    return "\n".join(body), said


def write_table(adr_path: Path) -> list[str]:
    """Rewrite the block from the code; returns what changed that a person should know."""
    table = read_table(adr_path)
    block, said = render(table, compare(adr_path, table))
    text = adr_path.read_text()
    before, rest = text.split(BEGIN, 1)
    _, after = rest.split(END, 1)
    adr_path.write_text(f"{before}{BEGIN}\n{block}\n{END}{after}")
    return said
