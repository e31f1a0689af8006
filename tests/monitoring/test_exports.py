"""The CSV export (apps/monitoring/exports.py). On PostgreSQL the database writes the rows
(``COPY``, expressions.IsoTimestamp/FloatText/SafeText); they must be byte for byte what
Python's formatting writes, which SQLite still uses, on values chosen to differ where the
two formats could: quoting, empty text, formulas, whole and tiny floats, microseconds."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from asgiref.sync import sync_to_async

from apps.monitoring import exports, selectors
from apps.monitoring.models import Observation

from .factories import well_create

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

TEXTS = [
    "",
    "plain",
    "a,b",
    'say "hi"',
    "two\nlines",
    "carriage\rreturn",
    '=HYPERLINK("http://x")',
    "+1",
    "-dash",
    "@at",
    "\ttab first",
    "\rreturn first",
    "naïve 水位 ü",
    "'already quoted",
    " leading space",
    "\\.",
    '"',
]
DEPTHS = [0.0, -0.0, 12.0, 12.5, 0.1, 1e-05, 0.0001, 123.45, 9999.999, -999.5, 1 / 3, 2.675]
START = datetime(1968, 2, 29, 23, 59, 59, tzinfo=UTC)


def tricky_well(site_no: str) -> None:
    well = well_create(site_no=site_no)
    readings = []
    for n in range(3 * len(TEXTS)):
        dry = n % 7 == 3
        readings.append(
            Observation(
                well=well,
                # Every fifth reading has microseconds, which isoformat writes only then.
                observed_at=START + timedelta(days=41 * n, microseconds=(n % 5 == 0) * 1037 * n),
                depth_to_water_ft=None if dry else DEPTHS[n % len(DEPTHS)],
                level_status="dry" if dry else TEXTS[(n + 1) % len(TEXTS)],
                method=TEXTS[(n + 2) % len(TEXTS)],
                data_quality=TEXTS[(n + 3) % len(TEXTS)],
                measured_by=TEXTS[(n + 4) % len(TEXTS)],
                water_level_elevation_ft=None if n % 4 == 0 else 5000.0 - DEPTHS[n % len(DEPTHS)],
                elevation_datum=TEXTS[(n + 5) % len(TEXTS)][:16],
                measuring_point_height_ft=[None, 1.5, -2.0, 0.25][n % 4],
                notes=TEXTS[(n + 6) % len(TEXTS)],
                flags=TEXTS[(n + 7) % len(TEXTS)],
            )
        )
    Observation.objects.bulk_create(readings)


async def export(site_no: str, *, chunk_size: int, bom: bool = False) -> str:
    well = await selectors.well_scope_aget(site_no=site_no, audience=selectors.EVERYONE)
    stream = exports.observation_csv_astream(
        well=well, filters=selectors.ObservationFilters(), chunk_size=chunk_size, bom=bom
    )
    return b"".join([text async for text in stream]).decode()


@pytest.mark.only_on("postgresql")
async def test_postgresql_writes_the_bytes_python_writes(monkeypatch):
    await sync_to_async(tricky_well)("=TRICKY,1")
    assert await sync_to_async(selectors.copy_supported)(Observation)
    written = await export("=TRICKY,1", chunk_size=7, bom=True)
    monkeypatch.setattr(exports, "copy_supported", lambda model: False)
    formatted = await export("=TRICKY,1", chunk_size=7, bom=True)
    assert written.encode() == formatted.encode()
    rows = list(csv.reader(io.StringIO(written.removeprefix("\ufeff"), newline="")))
    assert {row[0] for row in rows[1:]} == {"'=TRICKY,1"}


async def test_chunks_meet_without_a_gap_or_a_repeat():
    await sync_to_async(tricky_well)("CHUNKS")
    whole = await export("CHUNKS", chunk_size=10_000)
    for chunk_size in (1, 2, 3 * len(TEXTS) - 1, 3 * len(TEXTS), 3 * len(TEXTS) + 1):
        assert await export("CHUNKS", chunk_size=chunk_size) == whole, chunk_size
    times = [row[1] for row in csv.reader(io.StringIO(whole))][1:]
    assert times == sorted(times) and len(set(times)) == 3 * len(TEXTS)


async def test_every_row_reads_back_whole_with_its_text():
    """A lone carriage return, which Python 3.12's writer left unquoted, is quoted: a CSV
    reader once ended the row there."""
    await sync_to_async(tricky_well)("READBACK")
    rows = list(csv.reader(io.StringIO(await export("READBACK", chunk_size=7), newline="")))
    assert rows[0] == ["site_no", *exports.CSV_FIELDS]
    assert len(rows) == 1 + 3 * len(TEXTS)
    assert all(len(row) == 1 + len(exports.CSV_FIELDS) for row in rows)
    notes = exports.CSV_FIELDS.index("notes") + 1
    expected = [exports.csv_cell(TEXTS[(n + 6) % len(TEXTS)]) for n in range(3 * len(TEXTS))]
    assert [row[notes] for row in rows[1:]] == expected


async def test_a_well_without_readings_exports_its_header_only():
    await sync_to_async(well_create)(site_no="EMPTY")
    assert await export("EMPTY", chunk_size=5) == "site_no," + ",".join(exports.CSV_FIELDS) + "\n"
