"""Readings in bulk: imports, demo data, benchmarks. Rows are contract.ObservationRow, already
validated by the caller; they are written as fast as each database allows (PostgreSQL
through ``COPY``, SQLite through batched ``executemany``), one function per backend, and
imports go through a staging table and set-based SQL (ADR-0005)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice

from django.db import connection

from ..contract import OBSERVATION_COLUMNS, ObservationRow
from ..models import Observation, Well

ProgressCallback = Callable[[int], None]

# The columns every bulk write fills: a row's, then Piezo's own (no flags yet, one stamp).
_WRITTEN_COLUMNS = (*OBSERVATION_COLUMNS, "flags", "created_at")
_COLUMN_LIST = ", ".join(_WRITTEN_COLUMNS)
_DATETIME_POSITIONS = [i for i, name in enumerate(OBSERVATION_COLUMNS) if name.endswith("_at")]


def _rows_copy_postgresql(
    cursor,
    *,
    target: str,
    rows: Iterable[ObservationRow],
    created_at: datetime,
    batch_size: int,
    on_progress: ProgressCallback | None,
) -> int:
    written = 0
    with cursor.copy(f"COPY {target} ({_COLUMN_LIST}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row((*row, "", created_at))
            written += 1
            if on_progress and written % batch_size == 0:
                on_progress(batch_size)
    if on_progress:
        on_progress(written % batch_size)
    return written


def _rows_insert_sqlite(
    cursor,
    *,
    target: str,
    rows: Iterable[ObservationRow],
    created_at: datetime,
    batch_size: int,
    on_progress: ProgressCallback | None,
) -> int:
    placeholders = ", ".join(["%s"] * len(_WRITTEN_COLUMNS))
    sql = f"INSERT INTO {target} ({_COLUMN_LIST}) VALUES ({placeholders})"
    # created_at is one value for the whole write: adapt it once, not per row.
    extra = ("", _sqlite_datetime(created_at))
    iterator, written = iter(rows), 0
    while batch := list(islice(iterator, batch_size)):
        prepared = []
        for row in batch:
            values = [*row, *extra]
            for position in _DATETIME_POSITIONS:
                values[position] = _sqlite_datetime(values[position])
            prepared.append(values)
        cursor.executemany(sql, prepared)
        written += len(prepared)
        if on_progress:
            on_progress(len(prepared))
    return written


def _sqlite_datetime(value: datetime | None) -> str | None:
    """What Django's SQLite adapt_datetimefield_value stores (naive UTC text, the
    connection's zone being UTC), without its per-value settings lookups."""
    return None if value is None else str(value.astimezone(UTC).replace(tzinfo=None))


_ROW_WRITERS = {"postgresql": _rows_copy_postgresql, "sqlite": _rows_insert_sqlite}


def _rows_write(
    cursor,
    *,
    target: str,
    rows: Iterable[ObservationRow],
    batch_size: int,
    on_progress: ProgressCallback | None,
) -> tuple[datetime, int]:
    """Write rows into ``target`` (the table, or a staging copy of it) with the backend's
    writer; every row gets one ``created_at``. Returns it and how many rows."""
    created_at = datetime.now(UTC)
    written = _ROW_WRITERS[connection.vendor](
        cursor,
        target=target,
        rows=rows,
        created_at=created_at,
        batch_size=batch_size,
        on_progress=on_progress,
    )
    return created_at, written


def observation_bulk_insert(
    *,
    rows: Iterable[ObservationRow],
    batch_size: int = 10_000,
    on_progress: ProgressCallback | None = None,
) -> int:
    """Insert validated readings fast, in the caller's transaction (demo data, benchmarks,
    tests); returns how many. Past the summaries: the caller refreshes or rebuilds them
    (well_summaries_refresh, well_summaries_rebuild), in the same transaction to keep the
    figures exact. Imports go through observation_import_rows, which also compares rows
    with what is stored."""
    with connection.cursor() as cursor:
        return _rows_write(
            cursor,
            target=Observation._meta.db_table,
            rows=rows,
            batch_size=batch_size,
            on_progress=on_progress,
        )[1]


# What a re-imported row may say differently about a stored reading: every value column.
# Not the key (well, time), not how or when it arrived (source, sensor, created_at), not
# what Piezo derives from it (flags).
_NOT_COMPARED = {"id", "well", "observed_at", "source", "sensor", "flags", "created_at"}
_COMPARED_COLUMNS = tuple(
    f.column for f in Observation._meta.concrete_fields if f.name not in _NOT_COMPARED
)
DIFFERENCE_EXAMPLES = 20
_STAGING = "piezo_import_staging"


@dataclass
class ImportWrite:
    """What an import wrote: new readings, stored readings the file says differently
    (``differing``, the first few in ``differences``) and how many of those it replaced."""

    inserted: int = 0
    differing: int = 0
    replaced: int = 0
    differences: list[dict] = field(default_factory=list)
    created_at: datetime | None = None  # every inserted row's: how to find them again


@dataclass(frozen=True)
class _StagingSql:
    """How one backend stages an import: create the (constraint-free) staging table, pick
    the first row the file gave for each key, and compare two values."""

    create: tuple[str, ...]
    first: str
    distinct: str  # "{a} ... {b}": true when a and b differ, NULLs included


_TABLE = Observation._meta.db_table
_STAGING_SQL = {
    "postgresql": _StagingSql(
        create=(
            f"CREATE TEMP TABLE {_STAGING} ON COMMIT DROP AS SELECT * FROM {_TABLE} WITH NO DATA",
        ),
        first=(
            f"(SELECT DISTINCT ON (well_id, observed_at) {_COLUMN_LIST} FROM {_STAGING} "
            "ORDER BY well_id, observed_at, ctid)"
        ),
        distinct="{a} IS DISTINCT FROM {b}",
    ),
    "sqlite": _StagingSql(
        create=(
            f"DROP TABLE IF EXISTS temp.{_STAGING}",
            f"CREATE TEMP TABLE {_STAGING} AS SELECT * FROM {_TABLE} WHERE 0",
        ),
        first=(
            f"(SELECT {_COLUMN_LIST} FROM {_STAGING} WHERE rowid IN "
            f"(SELECT MIN(rowid) FROM {_STAGING} GROUP BY well_id, observed_at))"
        ),
        distinct="{a} IS NOT {b}",
    ),
}


def observation_import_rows(
    *,
    rows: Iterable[ObservationRow],
    replace: bool = False,
    batch_size: int = 10_000,
    on_progress: ProgressCallback | None = None,
) -> ImportWrite:
    """Write an import's validated rows in the caller's transaction, through a staging
    table and set-based SQL on both databases (ADR-0005): rows whose (well, time) is new
    are inserted (the first of any repeated in the file); rows whose key is stored are
    compared column by column, counted and listed when they differ, and replaced only with
    ``replace``. Never silently kept, never silently overwritten."""
    sql = _STAGING_SQL[connection.vendor]
    with connection.cursor() as cursor:
        for statement in sql.create:
            cursor.execute(statement)
        stamp, _ = _rows_write(
            cursor, target=_STAGING, rows=rows, batch_size=batch_size, on_progress=on_progress
        )
        compared = [c for c in _COMPARED_COLUMNS if c in _WRITTEN_COLUMNS]
        differs = " OR ".join(sql.distinct.format(a=f"s.{c}", b=f"o.{c}") for c in compared)
        matched = (
            f"FROM {sql.first} s JOIN {_TABLE} o "
            "ON o.well_id = s.well_id AND o.observed_at = s.observed_at"
        )
        cursor.execute(f"SELECT COUNT(*) {matched} WHERE {differs}")
        result = ImportWrite(differing=cursor.fetchone()[0], created_at=stamp)
        if result.differing:
            result.differences = _differences(cursor, matched, differs, compared)
        if replace and result.differing:
            assignments = ", ".join(f"{c} = s.{c}" for c in compared)
            cursor.execute(
                f"UPDATE {_TABLE} AS o SET {assignments} FROM {sql.first} s "
                "WHERE o.well_id = s.well_id AND o.observed_at = s.observed_at "
                f"AND ({differs})"
            )
            result.replaced = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {_TABLE} ({_COLUMN_LIST}) SELECT {_COLUMN_LIST} FROM {sql.first} s "
            "WHERE true ON CONFLICT (well_id, observed_at) DO NOTHING"
        )
        result.inserted = cursor.rowcount
        cursor.execute(f"DROP TABLE {_STAGING}")
    return result


def _differences(cursor, matched: str, differs: str, compared: list[str]) -> list[dict]:
    """The first few stored readings a file says differently: each changed column's stored
    and new value."""
    pairs = ", ".join(f"o.{c}, s.{c}" for c in compared)
    cursor.execute(
        f"SELECT w.site_no, s.observed_at, {pairs} {matched} "
        f"JOIN {Well._meta.db_table} w ON w.id = s.well_id WHERE {differs} "
        f"ORDER BY s.well_id, s.observed_at LIMIT {DIFFERENCE_EXAMPLES}"
    )
    differences = []
    for site_no, observed_at, *values in cursor.fetchall():
        if isinstance(observed_at, str):  # SQLite's naive UTC text
            observed_at = datetime.fromisoformat(observed_at).replace(tzinfo=UTC)
        changes = {
            c: [values[2 * i], values[2 * i + 1]]
            for i, c in enumerate(compared)
            if values[2 * i] != values[2 * i + 1]
        }
        differences.append({"site_no": site_no, "observed_at": observed_at, "changes": changes})
    return differences
