"""Observation exports, shared by the API's streaming CSV and `manage.py
export_observations`. Rows are read in keyset chunks, and the connection is released
between chunks, so a million-row export holds no cursor or pooled connection while the
client is slowly reading."""

import asyncio
import csv
import io
import json
from collections.abc import AsyncIterator, Iterator

from .contract import CSV_FIELDS, FORMULA_STARTS
from .models import Observation
from .selectors import (
    ObservationFilters,
    WellScope,
    copy_supported,
    observation_achunks,
    observation_chunks,
    observation_csv_achunks,
)

CHUNK_SIZE = 5000
# Rows formatted between two turns of the event loop. Formatting is CPU on the loop: a
# whole 5,000-row chunk at once (about 25 ms) let sixteen concurrent exports hold every
# other request on the worker for 300 ms (docs/benchmarks.md); 500 rows is about 2.5 ms.
FORMAT_STEP = 500


def csv_filename(site_no: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in site_no)
    return f"{safe}-observations.csv"


def csv_cell(value):
    # Numbers are never text here, so -3.5 stays a number (contract.FORMULA_STARTS).
    if value.__class__ is str and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def _csv_text(rows: list[tuple]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    text = buffer.getvalue()
    if "\r" in text:
        # Python 3.12's writer leaves a lone carriage return unquoted, and readers end the
        # row there; 3.13 and PostgreSQL quote it, as RFC 4180 asks. A writer whose line
        # ending holds one quotes it too.
        text = "".join(_row_text(row) for row in rows)
    return text


def _row_text(row: tuple) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(row)
    return buffer.getvalue()[:-2] + "\n"


def _csv_rows(site_no: str, chunk: list[tuple]) -> str:
    site_no = csv_cell(site_no)
    return _csv_text(
        [
            (site_no, observed_at.isoformat(), *[csv_cell(value) for value in rest])
            for observed_at, *rest in chunk
        ]
    )


async def observation_csv_astream(
    *,
    well: WellScope,
    filters: ObservationFilters,
    chunk_size: int = CHUNK_SIZE,
    bom: bool = False,
) -> AsyncIterator[bytes]:
    """The CSV of a well's readings, UTF-8: a header (after a byte-order mark with ``bom``,
    for spreadsheets), then a chunk at a time, each read whole before it is sent: written
    by PostgreSQL where it serves the reads (ADR-0014), else FORMAT_STEP rows at a time in
    Python."""
    yield (("\ufeff" if bom else "") + _csv_text([("site_no", *CSV_FIELDS)])).encode()
    if copy_supported(Observation):
        # As PostgreSQL wrote them: decoding and encoding again would only hold two more
        # copies of each chunk while it is sent.
        async for text in observation_csv_achunks(
            well=well, filters=filters, site_cell=csv_cell(well.site_no), chunk_size=chunk_size
        ):
            yield text
        return
    async for chunk in observation_achunks(
        well=well, filters=filters, fields=CSV_FIELDS, chunk_size=chunk_size
    ):
        for start in range(0, len(chunk), FORMAT_STEP):
            if start:
                # Sending a piece does not suspend while the client keeps up, so without
                # this no other request would run until the whole chunk was sent.
                await asyncio.sleep(0)
            yield _csv_rows(well.site_no, chunk[start : start + FORMAT_STEP]).encode()


def observation_csv_stream(
    *, well: WellScope, filters: ObservationFilters, chunk_size: int = CHUNK_SIZE
) -> Iterator[str]:
    """The sync twin of observation_csv_astream (the benchmarks' sync views)."""
    yield _csv_text([("site_no", *CSV_FIELDS)])
    for chunk in observation_chunks(
        well=well, filters=filters, fields=CSV_FIELDS, chunk_size=chunk_size
    ):
        yield _csv_rows(well.site_no, chunk)


async def observation_json_astream(
    *, well: WellScope, filters: ObservationFilters, chunk_size: int = CHUNK_SIZE
) -> AsyncIterator[str]:
    """The same rows as a JSON array of objects, written a chunk at a time."""
    fields = ("site_no", *CSV_FIELDS)
    yield "["
    first = True
    async for chunk in observation_achunks(
        well=well, filters=filters, fields=CSV_FIELDS, chunk_size=chunk_size
    ):
        for observed_at, *rest in chunk:
            row = dict(zip(fields, (well.site_no, observed_at.isoformat(), *rest), strict=True))
            yield ("" if first else ",") + "\n" + json.dumps(row)
            first = False
    yield "\n]\n"
