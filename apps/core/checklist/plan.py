"""The migration plan (ADR-0004's table) compared with what the code is.

The table sits between two markers in the ADR; each row names a route (method and path),
its handler and its target phase. ``--write`` regenerates it from the code, keeping the
targets of the rows that already exist."""

from dataclasses import dataclass, field
from pathlib import Path

from .analysis import NATIVE, OFFLOADED, SYNC, UNKNOWN, UNSAFE, Analysis, analyze, analyze_class
from .routes import Entry, all_entries

BEGIN = "<!-- migration-checklist:begin -->"
END = "<!-- migration-checklist:end -->"
PHASES = ("P0", "P1", "P2", "P3", "P4")
OUT_OF_SCOPE = "out of scope"
HEADER = "| kind | method | route | handler | target |\n|---|---|---|---|---|"


@dataclass
class Row:
    kind: str
    method: str
    route: str
    handler: str
    target: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.route)

    def markdown(self) -> str:
        return (
            f"| {self.kind} | {self.method} | `{self.route}` | `{self.handler}` | {self.target} |"
        )


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

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def current_phase(entry: Entry, analysis: Analysis) -> str | None:
    """Where the code stands: P1 sync under ASGI, P2 async reads and websockets, P3 async
    writes; None for async code that blocks (it belongs to no phase until fixed)."""
    if entry.kind == "admin":
        return OUT_OF_SCOPE
    if analysis.classification == SYNC:
        return "P1"
    if analysis.classification in (NATIVE, OFFLOADED):
        return "P3" if entry.writes else "P2"
    return None


def read_table(adr_path: Path) -> list[Row]:
    text = adr_path.read_text()
    if BEGIN not in text or END not in text:
        raise ValueError(f"{adr_path} has no table between {BEGIN} and {END}")
    body = text.split(BEGIN, 1)[1].split(END, 1)[0]
    rows = []
    for line in body.splitlines():
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if len(cells) != 5 or cells[0] in ("kind", "") or set(cells[0]) <= {"-"}:
            continue
        rows.append(Row(*cells))
    return rows


def classify(entry: Entry) -> Analysis:
    if entry.handler is None:
        return Analysis(SYNC)
    if isinstance(entry.handler, type):
        return analyze_class(entry.handler)
    return analyze(entry.handler)


def compare(adr_path: Path) -> list[Item]:
    rows = {row.key: row for row in read_table(adr_path)}
    items: list[Item] = []
    for entry in all_entries():
        analysis = classify(entry)
        phase = current_phase(entry, analysis)
        row = rows.pop(entry.key, None)
        target = row.target if row else None
        notes = analysis.reasons("sync-db") + analysis.reasons("blocking")
        if analysis.classification == UNKNOWN:
            notes += analysis.reasons("unknown")
        if entry.in_async_path_view:
            notes.append("sync operation on an async path: django-ninja runs it via sync_to_async")
        if analysis.classification == OFFLOADED:
            notes += analysis.reasons("offload")
        if analysis.classification == UNSAFE:
            status = "unsafe"
        elif row is None:
            status = "not in ADR"
        elif phase == target:
            status = "at target"
        elif phase is None or target == OUT_OF_SCOPE or phase == OUT_OF_SCOPE:
            status = "unknown" if phase is None else "behind"
        elif PHASES.index(phase) < PHASES.index(target):
            status = "behind"
        else:
            status = "ahead"
        items.append(
            Item(
                entry.kind,
                entry.method,
                entry.route,
                entry.handler_name,
                analysis.classification,
                phase,
                target,
                status,
                notes,
            )
        )
    for row in rows.values():
        items.append(
            Item(
                row.kind,
                row.method,
                row.route,
                row.handler,
                "gone",
                None,
                row.target,
                "in ADR but gone",
            )
        )
    return items


def write_table(adr_path: Path) -> int:
    """Rewrite the table from the code; returns the number of rows."""
    existing = {row.key: row for row in read_table(adr_path)}
    rows = []
    for entry in all_entries():
        phase = current_phase(entry, classify(entry))
        old = existing.get(entry.key)
        target = old.target if old else (phase or "P2")
        rows.append(Row(entry.kind, entry.method, entry.route, entry.handler_name, target))
    table = "\n".join([HEADER, *(row.markdown() for row in rows)])
    text = adr_path.read_text()
    before, rest = text.split(BEGIN, 1)
    _, after = rest.split(END, 1)
    adr_path.write_text(f"{before}{BEGIN}\n{table}\n{END}{after}")
    return len(rows)


def failing(items: list[Item]) -> list[Item]:
    """What --strict refuses: unsafe, behind, missing from the ADR, or stale in it."""
    return [
        i
        for i in items
        if i.status in ("unsafe", "behind", "not in ADR", "in ADR but gone", "unknown")
    ]


def summary_lines(items: list[Item]) -> list[str]:
    lines = []
    targets = sorted({i.target for i in items if i.target}, key=lambda t: (t not in PHASES, t))
    for target in targets:
        group = [i for i in items if i.target == target]
        at = sum(1 for i in group if i.status == "at target")
        unsafe = sum(1 for i in group if i.status == "unsafe")
        lines.append(f"{target}: {at}/{len(group)} at target, {unsafe} unsafe")
    untracked = [i for i in items if not i.target]
    if untracked:
        lines.append(f"not in the ADR: {len(untracked)}")
    return lines
