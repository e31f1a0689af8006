"""The monitoring domain's contract, written once: what an observation row is, the ranges a
number may take, which level statuses excuse a missing depth, and the events the domain
announces with the shape of each. Models, API schemas, the importer, exports, the admin,
the live layer and the demo data derive from these; none restates them
(tests/monitoring/test_contract.py fails when a layer drifts). Framework-free (Django is
imported only where a validator runs), so the benchmark's raw ceiling can import it too."""

import math
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple, TypedDict


def validate_finite(value: float) -> None:
    """Reject NaN and infinities, which a float column would happily store."""
    from django.core.exceptions import ValidationError

    if value is not None and not math.isfinite(value):
        raise ValidationError("Enter a finite number, not %(value)s.", params={"value": value})


@dataclass(frozen=True)
class Limit:
    """The inclusive range a measured number may take, in its field's unit: wide enough
    for every real well (the deepest are a few thousand feet; Death Valley's land surface is
    -282 ft), narrow enough to catch a unit or keying mistake."""

    low: float
    high: float

    def contains(self, value: float) -> bool:
        return math.isfinite(value) and self.low <= value <= self.high

    def describe(self) -> str:
        return f"{self.low:g} to {self.high:g}"

    def validators(self) -> list:
        """The model field's validators: the range, and finiteness."""
        from django.core.validators import MaxValueValidator, MinValueValidator

        return [MinValueValidator(self.low), MaxValueValidator(self.high), validate_finite]


# Every range, by field name (the names are unique across the domain's models).
LIMITS: dict[str, Limit] = {
    "latitude": Limit(-90.0, 90.0),
    "longitude": Limit(-180.0, 180.0),
    "land_surface_elevation_ft": Limit(-1500.0, 30000.0),
    "well_depth_ft": Limit(0.0, 50000.0),
    "depth_to_water_ft": Limit(-1000.0, 10000.0),
    "water_level_elevation_ft": Limit(-2000.0, 40000.0),
    "measuring_point_height_ft": Limit(-100.0, 100.0),
}


# Level statuses under which a reading can have no depth value (the well was dry, the
# probe was blocked...). Every other reading has a depth.
NO_VALUE_STATUSES = ("dry", "obstructed", "flowing", "pumping", "destroyed", "other")
MISSING_DEPTH = (
    "A reading without a depth needs a level status that says why "
    f"({', '.join(NO_VALUE_STATUSES)})."
)


def depth_is_explained(depth: float | None, level_status: str) -> bool:
    """The one rule for a missing depth: allowed only with a status that says why."""
    return depth is not None or level_status in NO_VALUE_STATUSES


class ObservationRow(NamedTuple):
    """One validated reading as the bulk writers take it (imports, demo data, benchmarks):
    the observation table's columns that a writer supplies, in this order. ``flags`` and
    ``created_at`` are Piezo's to fill."""

    well_id: int
    observed_at: datetime
    depth_to_water_ft: float | None
    water_level_elevation_ft: float | None = None
    elevation_datum: str = ""
    measuring_point_height_ft: float | None = None
    method: str = ""
    level_status: str = "static"
    data_quality: str = "provisional"
    source: str = "manual"
    measured_by: str = ""
    notes: str = ""
    sensor_id: int | None = None


OBSERVATION_COLUMNS = ObservationRow._fields

# The columns every observation read returns (API JSON, websocket events), in this order.
OBSERVATION_FIELDS = (
    "id",
    "observed_at",
    "depth_to_water_ft",
    "water_level_elevation_ft",
    "elevation_datum",
    "measuring_point_height_ft",
    "method",
    "level_status",
    "data_quality",
    "source",
    "measured_by",
    "notes",
    "flags",
)
# The same columns as a CSV export orders them (after site_no): what a reader scans first.
CSV_FIELDS = (
    "observed_at",
    "depth_to_water_ft",
    "level_status",
    "method",
    "data_quality",
    "source",
    "measured_by",
    "water_level_elevation_ft",
    "elevation_datum",
    "measuring_point_height_ft",
    "notes",
    "flags",
)
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection,
# OWASP): `=HYPERLINK(...)` in a reading's notes would become a live link, `=cmd|...` a
# command. An export's text cells that start with one get a leading single quote, which
# spreadsheets show as text and a reader of the CSV can strip (exports.csv_cell, and
# expressions.SafeText for the exports PostgreSQL writes).
FORMULA_STARTS = frozenset("=+-@\t\r")


class EventKind(StrEnum):
    """What the domain announces after a commit (apps/monitoring/events.py)."""

    WELLS_CHANGED = "wells.changed"
    OBSERVATIONS_CREATED = "observations.created"
    OBSERVATIONS_CHANGED = "observations.changed"
    OBSERVATIONS_DELETED = "observations.deleted"
    SAMPLES_CREATED = "samples.created"
    SAMPLES_CHANGED = "samples.changed"
    IMPORT_COMPLETED = "import.completed"
    STATS_REBUILT = "stats.rebuilt"


class WellsChanged(TypedDict):
    site_nos: list[str]


class ObservationsWritten(TypedDict):
    """Readings of one well created or changed by one commit."""

    site_no: str
    observation_ids: list[int]


class ObservationsDeleted(TypedDict):
    site_no: str
    count: int


class SamplesWritten(TypedDict):
    site_no: str


class ImportCompleted(TypedDict):
    path: str
    imported: int


class StatsRebuilt(TypedDict):
    wells: int


EVENT_PAYLOADS: dict[EventKind, type] = {
    EventKind.WELLS_CHANGED: WellsChanged,
    EventKind.OBSERVATIONS_CREATED: ObservationsWritten,
    EventKind.OBSERVATIONS_CHANGED: ObservationsWritten,
    EventKind.OBSERVATIONS_DELETED: ObservationsDeleted,
    EventKind.SAMPLES_CREATED: SamplesWritten,
    EventKind.SAMPLES_CHANGED: SamplesWritten,
    EventKind.IMPORT_COMPLETED: ImportCompleted,
    EventKind.STATS_REBUILT: StatsRebuilt,
}


def payload_problem(kind: EventKind, payload: dict) -> str | None:
    """Why ``payload`` is not ``kind``'s shape (missing or unknown keys), or None."""
    shape = EVENT_PAYLOADS[kind]
    missing = shape.__required_keys__ - payload.keys()
    unknown = payload.keys() - shape.__required_keys__ - shape.__optional_keys__
    if missing or unknown:
        return f"{kind} payload: missing {sorted(missing)}, unknown {sorted(unknown)}"
    return None
