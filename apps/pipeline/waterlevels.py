"""Turning one row of a water-level file into one observation, or into the problems that
stop it: each problem names its row, column and value."""

from dataclasses import dataclass
from datetime import datetime, tzinfo

from apps.monitoring.contract import LIMITS, MISSING_DEPTH, ObservationRow, depth_is_explained
from apps.monitoring.models import Observation, lexicon_labels
from apps.monitoring.storable import text_problem

from .timeparse import TimeError, parse_field_time, parse_usgs_time

# USGS codes (lev_status_cd, lev_meth_cd, lev_age_cd) mapped to Piezo's vocabulary.
USGS_STATUS = {
    "": "static",
    "1": "static",
    "D": "dry",
    "O": "obstructed",
    "F": "flowing",
    "E": "flowing",
    "G": "flowing",
    "H": "flowing",
    "P": "pumping",
    "R": "recently_pumped",
    "S": "nearby_pumping",
    "T": "nearby_pumping",
    "W": "destroyed",
    "X": "surface_water",
    "Z": "other",
    "N": "other",
    "V": "other",
    "I": "other",
    "J": "other",
}
USGS_METHOD = {
    "": "",
    "S": "steel_tape",
    "T": "electric_tape",
    "V": "electric_tape",
    "W": "electric_tape",
    "X": "electric_tape",
    "F": "transducer",
    "A": "airline",
    "C": "airline",
    "G": "pressure_gage",
    "H": "pressure_gage",
    "E": "estimated",
    "R": "reported",
    "U": "unknown",
    "B": "other",
    "L": "other",
    "M": "other",
    "N": "other",
    "O": "other",
    "Z": "other",
}
USGS_AGE = {"": "provisional", "A": "approved", "P": "provisional"}

# Free-text cells longer than the column are cut to fit, as the model allows.
MEASURED_BY_LENGTH = Observation._meta.get_field("measured_by").max_length
DATUM_LENGTH = Observation._meta.get_field("elevation_datum").max_length

CSV_REQUIRED = ("well_name_point_id", "water_level_date_time", "depth_to_water_ft")
CSV_ALIASES = {"measurement_date_time": "water_level_date_time", "sampler": "measuring_person"}
RDB_REQUIRED = ("site_no", "lev_dt", "lev_va")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        shown = f" {self.value!r}" if self.value else ""
        return f"row {self.row}, column {self.column}:{shown} {self.message}"

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


def unstorable_cells(line: int, row: dict[str, str]) -> list[RowError]:
    """Cells whose text no database can store (a NUL character): row errors on SQLite as on
    PostgreSQL, which would otherwise fail the whole import with a database error."""
    return [
        RowError(line, column, value, problem)
        for column, value in row.items()
        if value and (problem := text_problem(value))
    ]


class Vocabulary:
    """The lexicon, accepting a term's code or label in any case."""

    def __init__(self) -> None:
        self.codes: dict[str, dict[str, str]] = {}
        for category, terms in lexicon_labels().items():
            lookup = self.codes.setdefault(category, {})
            for code, label in terms.items():
                lookup[code.lower()] = code
                lookup[label.lower()] = code
        # Raw spellings seen so far: a file repeats the same few values a million times.
        self._seen: dict[tuple[str, str], str | None] = {}

    def code(self, category: str, value: str) -> str | None:
        key = (category, value)
        if key not in self._seen:
            self._seen[key] = self.codes.get(category, {}).get(value.strip().lower())
        return self._seen[key]

    def allowed(self, category: str) -> str:
        return ", ".join(sorted(set(self.codes.get(category, {}).values())))


class RowConverter:
    """Converts rows of one file; ``errors`` collects the problems of the last row."""

    def __init__(
        self,
        *,
        file_format: str,
        zone: tzinfo,
        wells: dict[str, int],
        vocabulary: Vocabulary,
        source: str = "import",
    ) -> None:
        self.source = source  # "import", or "transducer" for a logger's download
        self.file_format = file_format
        self.zone = zone
        self.wells = wells
        self.vocabulary = vocabulary

    # -- header ---------------------------------------------------------------------
    def header_errors(self, columns: list[str]) -> list[RowError]:
        required = CSV_REQUIRED if self.file_format == "csv" else RDB_REQUIRED
        return [
            RowError(1, name, "", "missing required column")
            for name in required
            if name not in columns
        ]

    # -- rows -----------------------------------------------------------------------
    def convert(self, line: int, row: dict[str, str]) -> ObservationRow | list[RowError]:
        if unstorable := unstorable_cells(line, row):
            return unstorable
        if self.file_format == "csv":
            return self._convert_csv(line, row)
        return self._convert_rdb(line, row)

    def _well(self, line: int, column: str, value: str, errors: list[RowError]) -> int | None:
        if not value:
            errors.append(RowError(line, column, "", "missing required field"))
            return None
        well_id = self.wells.get(value)
        if well_id is None:
            errors.append(
                RowError(line, column, value, "unknown well (no well has this site number)")
            )
        return well_id

    @staticmethod
    def _number(
        line: int, column: str, value: str, errors: list[RowError], *, field: str
    ) -> float | None:
        """The cell as a number within the range of ``field`` (contract.LIMITS)."""
        if not value:
            return None
        try:
            number = float(value)
        except ValueError:
            errors.append(RowError(line, column, value, "is not a number"))
            return None
        limit = LIMITS[field]
        if not limit.contains(number):
            errors.append(RowError(line, column, value, f"is outside {limit.describe()}"))
            return None
        return number

    def _term(
        self,
        line: int,
        column: str,
        value: str,
        category: str,
        errors: list[RowError],
        default: str,
    ) -> str:
        if not value:
            return default
        code = self.vocabulary.code(category, value)
        if code is None:
            errors.append(
                RowError(
                    line,
                    column,
                    value,
                    f"is not a {category.replace('_', ' ')} term; "
                    f"allowed: {self.vocabulary.allowed(category)}",
                )
            )
            return default
        return code

    def _time(
        self, line: int, column: str, value: str, errors: list[RowError], parse
    ) -> datetime | None:
        try:
            return parse()
        except TimeError as exc:
            errors.append(RowError(line, column, value, str(exc)))
            return None

    @staticmethod
    def _depth_needs_reason(
        line: int, column: str, depth: float | None, status: str, errors: list[RowError]
    ) -> None:
        if not depth_is_explained(depth, status):
            errors.append(RowError(line, column, "", f"missing: {MISSING_DEPTH}"))

    def _convert_csv(self, line: int, row: dict[str, str]) -> ObservationRow | list[RowError]:
        errors: list[RowError] = []
        get = row.get
        well_id = self._well(line, "well_name_point_id", get("well_name_point_id", ""), errors)
        raw_time = get("water_level_date_time", "")
        observed_at = None
        if raw_time:
            observed_at = self._time(
                line,
                "water_level_date_time",
                raw_time,
                errors,
                lambda: parse_field_time(raw_time, zone=self.zone),
            )
        else:
            errors.append(RowError(line, "water_level_date_time", "", "missing required field"))
        depth = self._number(
            line,
            "depth_to_water_ft",
            get("depth_to_water_ft", ""),
            errors,
            field="depth_to_water_ft",
        )
        mp_height = self._number(
            line, "mp_height", get("mp_height", ""), errors, field="measuring_point_height_ft"
        )
        status = self._term(
            line, "level_status", get("level_status", ""), "level_status", errors, "static"
        )
        quality = self._term(
            line, "data_quality", get("data_quality", ""), "data_quality", errors, "provisional"
        )
        method = self._term(line, "sample_method", get("sample_method", ""), "method", errors, "")
        if not get("depth_to_water_ft", "") or depth is not None:
            self._depth_needs_reason(line, "depth_to_water_ft", depth, status, errors)
        if errors:
            return errors
        staff = [
            get(name, "") for name in ("field_staff", "field_staff_2", "field_staff_3") if get(name)
        ]
        measured_by = get("measuring_person", "") or (staff[0] if staff else "")
        notes = get("water_level_notes", "")
        if staff:
            notes = "; ".join(part for part in (notes, f"Field staff: {', '.join(staff)}") if part)
        return ObservationRow(
            well_id,
            observed_at,
            depth,
            measuring_point_height_ft=mp_height,
            method=method,
            level_status=status,
            data_quality=quality,
            source=self.source,
            measured_by=measured_by[:MEASURED_BY_LENGTH],
            notes=notes,
        )

    def _convert_rdb(self, line: int, row: dict[str, str]) -> ObservationRow | list[RowError]:
        errors: list[RowError] = []
        get = row.get
        well_id = self._well(line, "site_no", get("site_no", ""), errors)
        observed_at = self._time(
            line,
            "lev_dt",
            f"{get('lev_dt')} {get('lev_tm')} {get('lev_tz_cd')}".strip(),
            errors,
            lambda: parse_usgs_time(
                get("lev_dt", ""), get("lev_tm", ""), get("lev_tz_cd", ""), zone=self.zone
            ),
        )
        depth = self._number(line, "lev_va", get("lev_va", ""), errors, field="depth_to_water_ft")
        elevation = self._number(
            line, "sl_lev_va", get("sl_lev_va", ""), errors, field="water_level_elevation_ft"
        )
        status = self._usgs_code(
            line, "lev_status_cd", get("lev_status_cd", ""), USGS_STATUS, errors
        )
        method = self._usgs_code(line, "lev_meth_cd", get("lev_meth_cd", ""), USGS_METHOD, errors)
        quality = self._usgs_code(line, "lev_age_cd", get("lev_age_cd", ""), USGS_AGE, errors)
        if not get("lev_va", "") or depth is not None:
            self._depth_needs_reason(line, "lev_va", depth, status or "static", errors)
        if errors:
            return errors
        return ObservationRow(
            well_id,
            observed_at,
            depth,
            water_level_elevation_ft=elevation,
            elevation_datum=get("sl_datum_cd", "")[:DATUM_LENGTH],
            method=method,
            level_status=status,
            data_quality=quality,
            source=self.source,
            measured_by=get("lev_agency_cd", "")[:MEASURED_BY_LENGTH],
        )

    @staticmethod
    def _usgs_code(
        line: int, column: str, value: str, mapping: dict[str, str], errors: list[RowError]
    ) -> str | None:
        code = mapping.get(value.strip().upper())
        if code is None:
            allowed = ", ".join(sorted(k for k in mapping if k))
            errors.append(
                RowError(line, column, value, f"is not a known USGS code; allowed: {allowed}")
            )
        return code
