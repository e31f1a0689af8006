"""Imports. Each import is all or nothing: the file is read once, streaming, inside one
transaction that validates every row, collects every problem and writes the rows while the
file is clean; if any row was not, the transaction is rolled back. Readings already stored
are not added again, so the same file twice adds nothing; a stored reading that the file
says differently is counted and listed, and replaced only when asked (``replace``). Memory
stays flat with the file's size. See ADR-0005."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min, Q

from apps.monitoring.contract import EventKind
from apps.monitoring.events import event_publish_on_commit
from apps.monitoring.models import Observation, Well
from apps.monitoring.services import (
    SiteRecord,
    observation_flags_apply,
    observation_import_rows,
    well_summaries_refresh,
    wells_upsert,
)

from .parsers import FileFormatError, detect_format, read_rows
from .timeparse import zone_named
from .waterlevels import (
    CSV_ALIASES,
    RowConverter,
    RowError,
    Vocabulary,
    unstorable_cells,
)

FORMATS = ("csv", "usgs-rdb")
FLAG_EXAMPLES = 20


@dataclass
class ImportSummary:
    path: str
    file_format: str
    dry_run: bool
    rows: int = 0
    imported: int = 0
    already_present: int = 0  # rows whose well and time are stored (same values or not)
    differing: int = 0  # of those, rows whose values differ from what is stored
    replaced: int = 0  # of those, rows that replaced the stored values (--replace)
    differences: list[dict] = field(default_factory=list)  # the first few, stored vs file
    flagged_count: int = 0  # readings stored with a plausibility warning
    flagged: list[dict] = field(default_factory=list)  # the first few of them
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def kept_differences(self) -> int:
        """Rows the file says differently from what is stored, and that were not replaced."""
        return self.differing - self.replaced

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "format": self.file_format,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "imported": self.imported,
            "already_present": self.already_present,
            "differing": self.differing,
            "replaced": self.replaced,
            "differences": [
                {**d, "observed_at": d["observed_at"].isoformat()} for d in self.differences
            ],
            "flagged_count": self.flagged_count,
            "flagged": [{**f, "observed_at": f["observed_at"].isoformat()} for f in self.flagged],
            "errors": [error.as_dict() for error in self.errors],
        }


def observations_flag_imported(*, well_ids: set[int], created_at) -> tuple[int, list[dict]]:
    """Judge the readings an import inserted (they share its ``created_at``); returns how
    many were flagged and the first few (by site and time) as (site_no, observed_at, depth,
    flags). Only the examples are read back: a file whose every row is flagged costs no
    list of a million dicts."""
    firsts = (
        Observation.objects.filter(well_id__in=well_ids, created_at=created_at)
        .values("well_id")
        .annotate(first=Min("observed_at"))
    )
    flagged_ids: dict[int, list[str]] = {}
    for row in firsts:
        flagged_ids |= observation_flags_apply(
            well_id=row["well_id"],
            start=row["first"],
            new=Q(created_at=created_at),
        )
    examples = (
        Observation.objects.filter(well_id__in=well_ids, created_at=created_at)
        .exclude(flags="")
        .order_by("well__site_no", "observed_at")
        .values_list("pk", "well__site_no", "observed_at", "depth_to_water_ft")[:FLAG_EXAMPLES]
    )
    return len(flagged_ids), [
        {
            "site_no": site_no,
            "observed_at": at,
            "depth_to_water_ft": depth,
            "flags": flagged_ids[pk],
        }
        for pk, site_no, at, depth in examples
    ]


def waterlevels_import(
    *,
    path: Path,
    file_format: str | None = None,
    zone_name: str,
    dry_run: bool = False,
    replace: bool = False,
    source: str = "import",
    on_progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Import a water-level file (CSV field sheet or USGS RDB). Raises FileFormatError
    or TimeError for problems with the file or the options; row problems are returned in
    the summary, and then nothing is written."""
    zone = zone_named(zone_name)
    file_format = file_format or detect_format(path)
    if file_format not in FORMATS:
        raise FileFormatError(f"unknown format {file_format!r}; use one of {', '.join(FORMATS)}")
    summary = ImportSummary(path=str(path), file_format=file_format, dry_run=dry_run)
    converter = RowConverter(
        file_format=file_format,
        zone=zone,
        wells=dict(Well.objects.values_list("site_no", "pk")),
        vocabulary=Vocabulary(),
        source=source,
    )

    columns, rows = read_rows(path, file_format, aliases=CSV_ALIASES)
    summary.errors.extend(converter.header_errors(columns))
    if summary.errors:
        return summary

    touched: set[int] = set()

    def valid_rows():
        # Every row is validated; rows are handed on for writing only while the file is
        # still clean. The transaction below is rolled back if any row was not.
        for line, row in rows:
            summary.rows += 1
            result = converter.convert(line, row)
            if isinstance(result, list):
                summary.errors.extend(result)
            elif not summary.errors:
                touched.add(result.well_id)  # its summary is refreshed below
                yield result

    with transaction.atomic():
        written = observation_import_rows(
            rows=valid_rows(), replace=replace, on_progress=on_progress
        )
        if summary.errors:
            transaction.set_rollback(True)
            return summary
        summary.imported = written.inserted
        summary.already_present = summary.rows - written.inserted
        summary.differing = written.differing
        summary.replaced = written.replaced
        summary.differences = written.differences
        # Judged in the transaction, so a dry run reports the warnings it would store.
        summary.flagged_count, summary.flagged = observations_flag_imported(
            well_ids=touched, created_at=written.created_at
        )
        if dry_run:
            transaction.set_rollback(True)
            return summary
        well_summaries_refresh(well_ids=touched)
        event_publish_on_commit(
            kind=EventKind.IMPORT_COMPLETED,
            payload={"path": path.name, "imported": summary.imported},
        )
    return summary


# USGS site types that are groundwater sites, and the well kind each becomes.
GROUNDWATER_SITE_TYPES = {"GW": "well", "GW-MW": "well", "GW-TH": "well", "SP": "spring"}


@dataclass
class SiteImportSummary:
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "errors": [error.as_dict() for error in self.errors],
        }


def sites_import(*, path: Path, file_format: str | None = None) -> SiteImportSummary:
    """Create or update wells and their locations from a USGS RDB site file (or a CSV with
    the same column names). Wells and springs are imported; other site types (stream
    gages, ST, ...) are counted as skipped with the reason. All or nothing."""
    file_format = file_format or detect_format(path)
    columns, rows = read_rows(path, file_format)
    summary = SiteImportSummary()
    missing = [
        c
        for c in ("site_no", "station_nm", "site_tp_cd", "dec_lat_va", "dec_long_va")
        if c not in columns
    ]
    if missing:
        summary.errors = [RowError(1, name, "", "missing required column") for name in missing]
        return summary
    sites: list[SiteRecord] = []
    lines: list[int] = []
    for line, row in rows:
        summary.rows += 1
        site_type = row.get("site_tp_cd", "")
        if site_type not in GROUNDWATER_SITE_TYPES:
            reason = f"site type {site_type or '(blank)'} is not a groundwater site"
            summary.skipped[reason] = summary.skipped.get(reason, 0) + 1
            continue
        errors: list[RowError] = unstorable_cells(line, row)
        if not row.get("site_no"):
            errors.append(RowError(line, "site_no", "", "missing required field"))
        latitude = RowConverter._number(
            line, "dec_lat_va", row.get("dec_lat_va", ""), errors, field="latitude"
        )
        longitude = RowConverter._number(
            line, "dec_long_va", row.get("dec_long_va", ""), errors, field="longitude"
        )
        altitude = RowConverter._number(
            line, "alt_va", row.get("alt_va", ""), errors, field="land_surface_elevation_ft"
        )
        if latitude is None and not errors:
            errors.append(RowError(line, "dec_lat_va", "", "missing required field"))
        if longitude is None and not any(e.column == "dec_long_va" for e in errors):
            errors.append(RowError(line, "dec_long_va", "", "missing required field"))
        summary.errors.extend(errors)
        if not errors:
            lines.append(line)
            sites.append(
                SiteRecord(
                    site_no=row["site_no"],
                    name=row.get("station_nm", "")[:200] or row["site_no"],
                    kind=GROUNDWATER_SITE_TYPES[site_type],
                    location={
                        "latitude": latitude,
                        "longitude": longitude,
                        "land_surface_elevation_ft": altitude,
                        "vertical_datum": row.get("alt_datum_cd", "")[:16],
                        "huc": row.get("huc_cd", "")[:16],
                    },
                )
            )
    if summary.errors:
        return summary
    try:
        summary.created, summary.updated = wells_upsert(sites=sites)
    except ValidationError as error:
        # Keyed "<index>.<field>" by the service: back to the file's row and column.
        for key, messages in error.message_dict.items():
            index, _, name = key.partition(".")
            summary.errors.extend(
                RowError(lines[int(index)], name, "", message) for message in messages
            )
    return summary
