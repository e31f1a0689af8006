"""The raw ceiling: the benchmarked read endpoints as a minimal ASGI app with no framework.

It runs the same SQL as Piezo (the queries Django's ORM sends for each endpoint, one for
one) through a psycopg async pool of the same size, and serializes with the same JSON
library (orjson), so every Piezo figure can be read as a fraction of what this machine,
this database and this server can do at all. The CSV export's ceiling is PostgreSQL's
``COPY ... TO STDOUT`` of the same rows. Answers are meant to equal Piezo's (the smoke
test in tests/bench/ compares them), so neither side does less work than the other.

On SQLite the same SQL runs through the standard library's sqlite3 in worker threads
(one read-only connection each), which is what an async app without an ORM would do.

The endpoints answer as Piezo answers the public (ADR-0012): public wells only, their
readings and samples only with the owner's consent where the well has an owner, coordinates
rounded to 0.01° without consent to the exact location. That is the work an anonymous read
does, so the ceiling does it too.

Serve it with the same uvicorn:  DATABASE_URL=... uvicorn bench.ceiling:app --workers 2
"""

import asyncio
import csv
import io
import os
import sqlite3
import sys
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Framework-free, both: the ceiling stays without Django. Piezo's column lists come from the
# domain's contract.
from apps.monitoring.contract import CSV_FIELDS, OBSERVATION_FIELDS
from project.looplag import LoopLagMiddleware, monitor

DATABASE_URL = os.environ["DATABASE_URL"]
POOL_MAX_SIZE = int(os.environ.get("DB_POOL_MAX_SIZE", "10"))
POOL_MIN_SIZE = int(os.environ.get("DB_POOL_MIN_SIZE", "2"))
CHUNK_SIZE = 5000

WELL_STATUSES = ("active", "inactive", "destroyed")
LOCATION_FIELDS = (
    "latitude",
    "longitude",
    "land_surface_elevation_ft",
    "vertical_datum",
    "county",
    "state",
    "huc",
)
SUMMARY_FIELDS = (
    "observation_count",
    "first_observed_at",
    "last_observed_at",
    "last_depth_to_water_ft",
    "min_depth_to_water_ft",
    "median_depth_to_water_ft",
    "max_depth_to_water_ft",
    "trend_ft_per_year",
    "trend_p_value",
    "trend_start",
    "trend_end",
    "trend_months",
    "change_12_months_ft",
    "computed_at",
)
# The summary's two derived fields, as apps/monitoring/models.py and trends.py compute them.
TREND_METHOD = "Seasonal Kendall test and Sen's slope on monthly medians of static levels"
TREND_SIGNIFICANCE = 0.05
DATETIME_FIELDS = {
    "observed_at",
    "created_at",
    "updated_at",
    "first_observed_at",
    "last_observed_at",
    "computed_at",
    "latest",
}

_obs = ", ".join(f'"{f}"' for f in OBSERVATION_FIELDS)


def _published(data_type: str, well: str = 'w."id"') -> str:
    """The well may publish ``data_type``: no owner recorded, or the owner's consent is in
    force (apps/monitoring/selectors/visibility.py's rule)."""
    return (
        '(NOT EXISTS (SELECT 1 FROM "monitoring_wellcontact" wc '
        f'WHERE wc."well_id" = {well} AND wc."role" = \'owner\') '
        'OR EXISTS (SELECT 1 FROM "monitoring_ownerconsent" c '
        f'WHERE c."well_id" = {well} AND c."data_type" = \'{data_type}\' '
        'AND c."revoked_at" IS NULL))'
    )


def _shown(column: str) -> str:
    """A coordinate as the public sees it; COARSE() is the backend's rounding to 0.01°."""
    return f'CASE WHEN {_published("location")} THEN l."{column}" ELSE COARSE(l."{column}") END'


PUBLIC_WELL = "w.\"release_status\" = 'public'"
SQL = {
    "stats_by_status": (
        f'SELECT "status", COUNT("id") FROM "monitoring_well" w WHERE {PUBLIC_WELL} GROUP BY 1'
    ),
    # The tallies every write keeps (ADR-0013), of the wells publishing water levels.
    "stats_observations": (
        'SELECT COALESCE(SUM(t."public_observation_count"), 0), '
        'MAX(t."public_last_observed_at") FROM "monitoring_wellsummary" t '
        f'INNER JOIN "monitoring_well" w ON (t."well_id" = w."id") WHERE {PUBLIC_WELL} AND '
        + _published("water_levels")
    ),
    "stats_recent": (
        'SELECT COALESCE(SUM(t."public_observation_count"), 0) FROM "monitoring_readingday" t '
        f'INNER JOIN "monitoring_well" w ON (t."well_id" = w."id") WHERE {PUBLIC_WELL} AND '
        + _published("water_levels")
        + ' AND t."day" >= %s'
    ),
    "stats_samples": (
        'SELECT COUNT(*) FROM "monitoring_sample" s INNER JOIN "monitoring_well" w '
        'ON (s."well_id" = w."id") WHERE s."release_status" = \'public\' AND '
        f"{PUBLIC_WELL} AND " + _published("chemistry")
    ),
    "well": (
        'SELECT w."id", w."site_no", w."name", w."kind", w."status", w."aquifer", '
        'w."well_depth_ft", w."release_status", w."created_at", w."updated_at", '
        + f"{_published('water_levels')}, {_published('location')}, "
        + f"{_shown('latitude')}, {_shown('longitude')}, "
        + ", ".join(f'l."{f}"' for f in LOCATION_FIELDS[2:])
        + ", "
        + ", ".join(f's."{f}"' for f in SUMMARY_FIELDS)
        + ' FROM "monitoring_well" w '
        'INNER JOIN "monitoring_location" l ON (w."location_id" = l."id") '
        'LEFT OUTER JOIN "monitoring_wellsummary" s ON (w."id" = s."well_id") '
        f'WHERE w."site_no" = %s AND {PUBLIC_WELL} ORDER BY w."site_no" LIMIT 1'
    ),
    "well_groups": (
        'SELECT g."name" FROM "monitoring_group" g INNER JOIN "monitoring_well_groups" wg '
        'ON (g."id" = wg."group_id") WHERE wg."well_id" = %s ORDER BY g."name"'
    ),
    "well_contacts": (
        'SELECT c."name", c."organization", wc."role" FROM "monitoring_wellcontact" wc '
        'INNER JOIN "monitoring_contact" c ON (wc."contact_id" = c."id") '
        'WHERE wc."well_id" = %s ORDER BY wc."id"'
    ),
    "well_series": (
        'SELECT COUNT("id"), MIN("observed_at"), MAX("observed_at"), '
        'MIN("depth_to_water_ft"), MAX("depth_to_water_ft") '
        'FROM "monitoring_observation" WHERE "well_id" = %s AND "release_status" = \'public\''
    ),
    "well_latest": (
        f'SELECT {_obs} FROM "monitoring_observation" WHERE "well_id" = %s '
        'AND "release_status" = \'public\' ORDER BY "observed_at" DESC LIMIT 1'
    ),
    "well_count": f'SELECT COUNT(*) FROM "monitoring_well" w WHERE {PUBLIC_WELL}',
    "well_page": (
        'SELECT w."site_no", w."name", w."kind", w."status", w."aquifer", w."well_depth_ft", '
        'w."release_status", w."updated_at", l."county", l."state", '
        f"{_shown('latitude')}, {_shown('longitude')}, {_published('location')} "
        'FROM "monitoring_well" w INNER JOIN "monitoring_location" l '
        f'ON (w."location_id" = l."id") WHERE {PUBLIC_WELL} '
        'ORDER BY w."site_no" ASC, w."id" ASC LIMIT %s OFFSET %s'
    ),
    "well_id": (
        f'SELECT w."id", {_published("water_levels")} FROM "monitoring_well" w '
        f'WHERE w."site_no" = %s AND {PUBLIC_WELL} LIMIT 1'
    ),
    "observation_page": (
        f'SELECT {_obs} FROM "monitoring_observation" WHERE "well_id" = %s '
        "AND \"release_status\" = 'public' "
        'AND "observed_at" >= %s AND "observed_at" <= %s ORDER BY "observed_at" ASC LIMIT %s'
    ),
    "observation_csv": (
        "SELECT "
        + ", ".join(f'"{f}"' for f in CSV_FIELDS)
        + ' FROM "monitoring_observation" WHERE "well_id" = %s '
        'AND "release_status" = \'public\' ORDER BY "observed_at" ASC'
    ),
}
# Django's Round: PostgreSQL rounds a float as numeric, SQLite with its own ROUND.
POSTGRES_COARSE = "ROUND(({})::numeric, 2)::double precision"
SQLITE_COARSE = "ROUND({}, 2)"


def _with_coarse(sql: str, pattern: str) -> str:
    while "COARSE(" in sql:
        start = sql.index("COARSE(")
        end = sql.index(")", start)
        sql = sql[:start] + pattern.format(sql[start + len("COARSE(") : end]) + sql[end + 1 :]
    return sql


WELL_KEYS = (
    "id",
    "site_no",
    "name",
    "kind",
    "status",
    "aquifer",
    "well_depth_ft",
    "release_status",
    "created_at",
    "updated_at",
)
# What no reading in reach answers: the readings of a well whose owner has not consented.
NO_SERIES = (0, None, None, None, None)
NOWHERE = -1  # a well id no well has
WELL_PAGE_KEYS = (
    "site_no",
    "name",
    "kind",
    "status",
    "aquifer",
    "well_depth_ft",
    "release_status",
    "updated_at",
    "county",
    "state",
    "latitude",
    "longitude",
    "location_precision",
)


class NotFound(Exception):
    pass


# --- database access: psycopg's async pool, or sqlite3 in threads ----------------------


class Postgres:
    def __init__(self, url: str) -> None:
        from psycopg_pool import AsyncConnectionPool

        self.pool = AsyncConnectionPool(
            url,
            min_size=POOL_MIN_SIZE,
            max_size=POOL_MAX_SIZE,
            kwargs={"options": "-c TimeZone=UTC -c default_transaction_read_only=on"},
            open=False,
        )
        self.sql = {name: _with_coarse(sql, POSTGRES_COARSE) for name, sql in SQL.items()}

    async def open(self) -> None:
        await self.pool.open(wait=True)

    async def fetch(self, name: str, *params) -> list[tuple]:
        async with self.pool.connection() as conn:
            cursor = await conn.execute(self.sql[name], params)
            return await cursor.fetchall()

    async def csv(self, well_id: int, site_no: str, send_chunk) -> None:
        # The same rows as Piezo's export, with the site number as the first column.
        query = self.sql["observation_csv"].replace("SELECT ", "SELECT %s::text AS site_no, ", 1)
        async with self.pool.connection() as conn:
            cursor = conn.cursor()
            async with cursor.copy(
                f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER)", (site_no, well_id)
            ) as copy:
                # COPY sends a message per row: gather them into sizeable body chunks.
                buffer = bytearray()
                async for data in copy:
                    buffer += data
                    if len(buffer) >= 1 << 16:
                        await send_chunk(bytes(buffer))
                        buffer.clear()
                if buffer:
                    await send_chunk(bytes(buffer))


class SQLite:
    def __init__(self, url: str) -> None:
        self.path = url.removeprefix("sqlite:///")
        self.local = threading.local()
        self.sql = {
            name: _with_coarse(sql, SQLITE_COARSE).replace("%s", "?") for name, sql in SQL.items()
        }

    async def open(self) -> None:
        pass

    def _connection(self) -> sqlite3.Connection:
        if not hasattr(self.local, "conn"):
            self.local.conn = sqlite3.connect(
                f"file:{self.path}?mode=ro", uri=True, check_same_thread=False
            )
        return self.local.conn

    def _fetch(self, name: str, params) -> list[tuple]:
        return self._connection().execute(self.sql[name], params).fetchall()

    async def fetch(self, name: str, *params) -> list[tuple]:
        # Stored as naive UTC text, as Django's SQLite backend writes datetimes.
        params = [
            p.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
            if isinstance(p, datetime)
            else p.isoformat()
            if isinstance(p, date)
            else p
            for p in params
        ]
        rows = await asyncio.to_thread(self._fetch, name, params)
        return [tuple(_sqlite_value(v) for v in row) for row in rows]

    async def csv(self, well_id: int, site_no: str, send_chunk) -> None:
        cursor = self._connection().execute(self.sql["observation_csv"], (well_id,))
        await send_chunk(_csv_text([("site_no", *CSV_FIELDS)]))
        while chunk := await asyncio.to_thread(cursor.fetchmany, CHUNK_SIZE):
            await send_chunk(_csv_text([(site_no, *row) for row in chunk]))


def _sqlite_value(value):
    # SQLite keeps datetimes as text; the ORM parses them, so the ceiling must too.
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == " ":
        try:
            return datetime.fromisoformat(value).replace(tzinfo=UTC)
        except ValueError:
            return value
    return value


def _csv_text(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode()


db = Postgres(DATABASE_URL) if DATABASE_URL.startswith("postgres") else SQLite(DATABASE_URL)


# --- the endpoints ---------------------------------------------------------------------


async def stats(query: dict, url: str) -> dict:
    by_status = dict(await db.fetch("stats_by_status"))
    ((total, latest),) = await db.fetch("stats_observations")
    ((last_30_days,),) = await db.fetch(
        "stats_recent", datetime.now(UTC).date() - timedelta(days=29)
    )
    ((samples,),) = await db.fetch("stats_samples")
    return {
        "scope": "public",
        "wells": sum(by_status.values()),
        "active_wells": by_status.get("active", 0),
        "wells_by_status": {status: by_status.get(status, 0) for status in WELL_STATUSES},
        "observations": total,
        "observations_last_30_days": last_30_days,
        "latest_observed_at": latest,
        "samples": samples,
    }


async def well_detail(site_no: str, query: dict, url: str) -> dict:
    rows = await db.fetch("well", site_no)
    if not rows:
        raise NotFound(f"No well with site number {site_no!r}.")
    row = rows[0]
    well = dict(zip(WELL_KEYS, row[: len(WELL_KEYS)], strict=True))
    levels, exact = row[len(WELL_KEYS)], row[len(WELL_KEYS) + 1]
    location = dict(
        zip(LOCATION_FIELDS, row[len(WELL_KEYS) + 2 : -len(SUMMARY_FIELDS)], strict=True)
    )
    location["precision"] = _precision(exact)
    summary = dict(zip(SUMMARY_FIELDS, row[-len(SUMMARY_FIELDS) :], strict=True))
    well_id = well.pop("id")
    groups = await db.fetch("well_groups", well_id)
    contacts = await db.fetch("well_contacts", well_id)
    (series,) = await db.fetch("well_series", well_id) if levels else (NO_SERIES,)
    latest = await db.fetch("well_latest", well_id) if levels else []
    return {
        **well,
        "location": location,
        "groups": [name for (name,) in groups],
        "contacts": [
            {"name": name, "organization": organization, "role": role}
            for name, organization, role in contacts
        ],
        "latest_observation": _observation(latest[0], site_no) if latest else None,
        "series": dict(
            zip(
                (
                    "count",
                    "first_observed_at",
                    "last_observed_at",
                    "min_depth_to_water_ft",
                    "max_depth_to_water_ft",
                ),
                series,
                strict=True,
            )
        ),
        "summary": _summary(summary) if summary["computed_at"] is not None else None,
    }


def _precision(exact) -> str:
    return "exact" if exact else "0.01°"


def _summary(summary: dict) -> dict:
    slope, p_value = summary["trend_ft_per_year"], summary["trend_p_value"]
    if slope is None:
        direction = None
    elif p_value is None or p_value >= TREND_SIGNIFICANCE:
        direction = "no significant trend"
    else:
        direction = "water falling" if slope > 0 else "water rising"
    return {
        **summary,
        "trend_direction": direction,
        "trend_method": TREND_METHOD if slope is not None else None,
    }


def _observation(row: tuple, site_no: str) -> dict:
    reading = dict(zip(OBSERVATION_FIELDS, row, strict=True))
    reading["flags"] = [flag for flag in reading["flags"].split(",") if flag]
    return {**reading, "site_no": site_no}


async def well_list(query: dict, url: str) -> dict:
    page, page_size = int(query.get("page", 1)), int(query.get("page_size", 50))
    ((count,),) = await db.fetch("well_count")
    rows = await db.fetch("well_page", page_size, (page - 1) * page_size)
    if not rows:
        raise NotFound(f"Page {page} does not exist.")
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "next": _link(url, query, page=page + 1) if page * page_size < count else None,
        "previous": _link(url, query, page=page - 1) if page > 1 else None,
        "results": [
            {
                **dict(zip(WELL_PAGE_KEYS, row, strict=True)),
                "location_precision": _precision(row[-1]),
            }
            for row in rows
        ],
    }


async def observation_page(site_no: str, query: dict, url: str) -> dict:
    rows = await db.fetch("well_id", site_no)
    if not rows:
        raise NotFound(f"No well with site number {site_no!r}.")
    well_id, levels = rows[0]
    limit = int(query.get("page_size", 500))
    start = _utc(query["start"])
    end = _utc(query["end"])
    rows = await db.fetch("observation_page", well_id, start, end, limit + 1) if levels else []
    more = len(rows) > limit
    results = [_observation(row, site_no) for row in rows[:limit]]
    return {
        "site_no": site_no,
        "next": _link(url, query, after=results[-1]["observed_at"].isoformat())
        if results and more
        else None,
        "previous": None,
        "results": results,
    }


def _utc(raw: str) -> datetime:
    value = datetime.fromisoformat(raw)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _link(url: str, query: dict, **changes) -> str:
    return f"{url}?{urlencode({**query, **{k: str(v) for k, v in changes.items()}})}"


# --- ASGI --------------------------------------------------------------------------------


async def _send_json(send, status: int, body: dict) -> None:
    payload = orjson.dumps(body, default=str, option=orjson.OPT_NON_STR_KEYS)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": payload})


async def _send_csv(send, well_id: int, site_no: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/csv; charset=utf-8")],
        }
    )

    async def send_chunk(data: bytes) -> None:
        await send({"type": "http.response.body", "body": data, "more_body": True})

    await db.csv(well_id, site_no, send_chunk)
    await send({"type": "http.response.body", "body": b""})


_opened = asyncio.Lock()
_ready = False


async def app(scope, receive, send):
    global _ready
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await db.open()
            _ready = True
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    if not _ready:
        async with _opened:
            if not _ready:
                await db.open()
                _ready = True
    path = scope["path"]
    query = dict(parse_qsl(scope["query_string"].decode()))
    host = dict(scope["headers"]).get(b"host", b"127.0.0.1").decode()
    url = f"http://{host}{path}"
    parts = path.strip("/").split("/")
    try:
        if parts == ["api", "health"]:
            await db.fetch("well_count")
            return await _send_json(send, 200, {"status": "ok", "event_loop": monitor.snapshot()})
        if parts == ["api", "stats"]:
            return await _send_json(send, 200, await stats(query, url))
        if parts == ["api", "wells"]:
            return await _send_json(send, 200, await well_list(query, url))
        if len(parts) == 3 and parts[:2] == ["api", "wells"]:
            return await _send_json(send, 200, await well_detail(parts[2], query, url))
        if len(parts) == 4 and parts[:2] == ["api", "wells"] and parts[3] == "observations":
            if query.get("format") == "csv":
                rows = await db.fetch("well_id", parts[2])
                if not rows:
                    raise NotFound(parts[2])
                well_id, levels = rows[0]
                # Without consent the export is its header alone: the same query, no rows.
                return await _send_csv(send, well_id if levels else NOWHERE, parts[2])
            return await _send_json(send, 200, await observation_page(parts[2], query, url))
        raise NotFound(path)
    except NotFound as exc:
        await _send_json(send, 404, {"detail": [{"msg": str(exc)}], "code": "not_found"})


app = LoopLagMiddleware(app)
