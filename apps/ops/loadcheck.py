"""A concurrency self-test against a running deployment: mixed concurrent requests, every
answer checked against the database (the oracle), latency percentiles, errors by status,
and the peak number of server-side connections."""

import asyncio
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
from django.db import connection
from django.db.models import Count

from apps.monitoring.models import Observation, Sample, Well
from apps.monitoring.selectors import PUBLIC, readings_visible, samples_visible, wells_visible

KINDS = ("stats", "detail", "list", "series")
LIST_PAGE_SIZE = 5
SERIES_PAGE_SIZE = 50
# Writes land a millisecond apart from a day ago: in the past (the API refuses the future),
# on times no reading is likely to have.
WRITE_WINDOW = timedelta(days=1)


class LoadCheckError(Exception):
    """A reason to stop before (or instead of) the load: one line for the user."""


@dataclass
class Oracle:
    wells: list[str]
    stats: dict[str, int]
    counts: dict[str, int]
    latest: dict[str, int | None]
    first_pages: dict[str, list[int]]
    max_id: int = 0

    @classmethod
    def read(cls) -> "Oracle":
        """What every anonymous answer must be, read straight from the database on one
        connection, through the same visibility rule as the server (ADR-0012): the check
        is of concurrency, the rule has tests of its own."""
        public_wells = wells_visible(Well.objects.all(), audience=PUBLIC)
        readings = readings_visible(Observation.objects.all(), audience=PUBLIC)
        wells = list(public_wells.order_by("site_no", "pk").values_list("site_no", flat=True))
        counts = dict(
            readings.values("well__site_no")
            .annotate(n=Count("id"))
            .values_list("well__site_no", "n")
        )
        return cls(
            wells=wells,
            stats={
                "wells": len(wells),
                "active_wells": public_wells.filter(status="active").count(),
                "observations": readings.count(),
                "samples": samples_visible(Sample.objects.all(), audience=PUBLIC).count(),
            },
            counts={site_no: counts.get(site_no, 0) for site_no in wells},
            latest={
                site_no: readings.filter(well__site_no=site_no)
                .order_by("-observed_at")
                .values_list("pk", flat=True)
                .first()
                for site_no in wells
            },
            first_pages={
                site_no: list(
                    readings.filter(well__site_no=site_no)
                    .order_by("observed_at")
                    .values_list("pk", flat=True)[:SERIES_PAGE_SIZE]
                )
                for site_no in wells
            },
            max_id=Observation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        )


@dataclass
class Report:
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    wrong: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    writes_accepted: list[tuple[int, float]] = field(default_factory=list)
    peak_connections: int | None = None
    elapsed_s: float = 0.0

    def percentile(self, fraction: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    @property
    def ok(self) -> bool:
        return not self.wrong and not self.server_errors


def check_answer(oracle: Oracle, kind: str, site_no: str, page: int, body: dict, *, writing: bool):
    """A description of what is wrong with this answer, or None."""
    if kind == "stats":
        keys = ("wells", "active_wells", "samples") if writing else tuple(oracle.stats)
        got = {key: body.get(key) for key in keys}
        want = {key: oracle.stats[key] for key in keys}
        if got != want:
            return f"stats {got} != {want}"
        # Writes only add readings: the count kept with them (ADR-0013) never goes below
        # the count before the load, whatever a reader meets mid-write.
        if writing and (body.get("observations") or 0) < oracle.stats["observations"]:
            return f"stats observations {body.get('observations')} < {oracle.stats['observations']}"
        return None
    if kind == "detail":
        if body.get("site_no") != site_no:
            return f"detail {site_no}: got well {body.get('site_no')}"
        if not writing and (
            body["series"]["count"] != oracle.counts[site_no]
            or (body["latest_observation"] or {}).get("id") != oracle.latest[site_no]
        ):
            return f"detail {site_no}: count {body['series']['count']} != {oracle.counts[site_no]}"
        return None
    if kind == "list":
        want = oracle.wells[(page - 1) * LIST_PAGE_SIZE : page * LIST_PAGE_SIZE]
        got = [well["site_no"] for well in body.get("results", [])]
        return None if got == want else f"list page {page}: {got} != {want}"
    got = [row["id"] for row in body.get("results", [])]
    sites = {row["site_no"] for row in body.get("results", [])}
    want = oracle.first_pages[site_no]
    if writing:
        # New readings (ids past the oracle's) may enter a short series' page and push
        # known ones out of it: the known ones must still be the page's start, in order.
        known = [pk for pk in got if pk <= oracle.max_id]
        matches = known == want[: len(known)] and len(known) >= min(len(want), 1)
    else:
        matches = got == want
    if not matches or (got and sites != {site_no}):
        return f"series {site_no}: ids {got[:3]}... != {oracle.first_pages[site_no][:3]}..."
    return None


class ConnectionSampler:
    """Polls pg_stat_activity on its own connection; counts the others on this database,
    or only those whose application_name is ``application_name`` (libpq's PGAPPNAME), and
    keeps their backend pids (a persistent connection keeps its pid across requests)."""

    def __init__(self, interval_s: float = 0.05, *, application_name: str | None = None) -> None:
        self.interval_s = interval_s
        self.application_name = application_name
        self.peak = 0
        self.pids: set[int] = set()  # every server process (backend) seen
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psycopg

        settings = connection.settings_dict
        with psycopg.connect(
            host=settings["HOST"] or None,
            port=settings["PORT"] or None,
            dbname=settings["NAME"],
            user=settings["USER"] or None,
            password=settings["PASSWORD"] or None,
            autocommit=True,
        ) as probe:
            query = (
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            params: list[str] = []
            if self.application_name:
                query += " AND application_name = %s"
                params.append(self.application_name)
            while not self._stop.is_set():
                pids = {row[0] for row in probe.execute(query, params)}
                self.peak = max(self.peak, len(pids))
                self.pids |= pids
                self._stop.wait(self.interval_s)

    def __enter__(self) -> "ConnectionSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(5)


async def run_load(
    *,
    base_url: str,
    oracle: Oracle,
    requests: int,
    concurrency: int,
    duration_s: float | None = None,
    write_token: str | None = None,
    seed: int = 1234,
    on_progress: Callable[[int], None] | None = None,
) -> Report:
    """Send ``requests`` mixed requests (or as many as fit in ``duration_s``), at most
    ``concurrency`` at a time, checking each answer against ``oracle``."""
    rng = random.Random(seed)
    report = Report()
    pages = max(1, -(-len(oracle.wells) // LIST_PAGE_SIZE))
    deadline = time.monotonic() + duration_s if duration_s else None
    write_start = datetime.now(UTC) - WRITE_WINDOW
    kinds = (*KINDS, "write") if write_token else KINDS
    queue: asyncio.Queue = asyncio.Queue()
    for index in range(requests):
        queue.put_nowait(
            (index, rng.choice(kinds), rng.choice(oracle.wells), rng.randint(1, pages))
        )

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty() and (deadline is None or time.monotonic() < deadline):
            index, kind, site_no, page = queue.get_nowait()
            started = time.perf_counter()
            try:
                response = await _send(client, kind, site_no, page, index, write_token, write_start)
            except httpx.HTTPError as exc:
                report.statuses[f"transport: {type(exc).__name__}"] += 1
                report.wrong.append(f"{kind} {site_no}: {type(exc).__name__}")
                continue
            finally:
                report.requests += 1
                if on_progress:
                    on_progress(1)
            report.latencies_ms.append((time.perf_counter() - started) * 1000)
            report.statuses[response.status_code] += 1
            if kind == "write":
                if response.status_code == 201:
                    created = response.json()["results"][0]
                    report.writes_accepted.append((created["id"], created["depth_to_water_ft"]))
                elif response.status_code < 500:
                    report.wrong.append(f"write {site_no}: HTTP {response.status_code}")
                continue
            if response.status_code != 200:
                if response.status_code < 500:
                    report.wrong.append(f"{kind} {site_no}: HTTP {response.status_code}")
                continue
            problem = check_answer(
                oracle, kind, site_no, page, response.json(), writing=write_token is not None
            )
            if problem:
                report.wrong.append(problem)

    # Idle connections expire on our side before the server's keep-alive timeout can close
    # them under us (uvicorn: 5 s; gunicorn's threads, ADR-0004's P0: 2 s): with equal
    # timeouts a reused connection can be closed mid-request (a ReadError).
    limits = httpx.Limits(
        max_connections=concurrency, max_keepalive_connections=concurrency, keepalive_expiry=1.0
    )
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60.0) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    report.elapsed_s = time.perf_counter() - started
    return report


async def _send(
    client,
    kind: str,
    site_no: str,
    page: int,
    index: int,
    write_token: str | None,
    write_start: datetime,
):
    if kind == "stats":
        return await client.get("/api/stats")
    if kind == "detail":
        return await client.get(f"/api/wells/{site_no}")
    if kind == "list":
        return await client.get(f"/api/wells?page_size={LIST_PAGE_SIZE}&page={page}")
    if kind == "series":
        return await client.get(f"/api/wells/{site_no}/observations?page_size={SERIES_PAGE_SIZE}")
    observed_at = write_start + timedelta(milliseconds=index, microseconds=time.time_ns() % 1000)
    return await client.post(
        f"/api/wells/{site_no}/observations",
        json={
            "observed_at": observed_at.isoformat(),
            "depth_to_water_ft": round(10 + index / 1000, 3),
        },
        headers={"Authorization": f"Bearer {write_token}"},
    )


def preflight(base_url: str, write_token: str | None, site_no: str | None) -> None:
    """Fail fast, with one line, on an unreachable server, a sick one, or a bad token."""
    try:
        health = httpx.get(f"{base_url}/api/health", timeout=10)
    except httpx.HTTPError as exc:
        raise LoadCheckError(f"cannot reach {base_url}: {type(exc).__name__}: {exc}") from None
    if health.status_code >= 500:
        raise LoadCheckError(
            f"{base_url}/api/health answered {health.status_code}: the server is not ready"
        )
    if health.status_code != 200:
        raise LoadCheckError(
            f"{base_url}/api/health answered {health.status_code}: is this a Piezo server?"
        )
    if write_token and site_no:
        # An empty batch: authentication runs first (401/403), then validation (422).
        probe = httpx.post(
            f"{base_url}/api/wells/{site_no}/observations",
            json=[],
            headers={"Authorization": f"Bearer {write_token}"},
            timeout=10,
        )
        if probe.status_code in (401, 403):
            reason = probe.json()["detail"][0]["msg"]
            raise LoadCheckError(f"the write token was refused ({probe.status_code}): {reason}")


def verify_writes(report: Report) -> None:
    """Every write the server acknowledged must be in the database, with its value."""
    stored = dict(
        Observation.objects.filter(pk__in=[pk for pk, _ in report.writes_accepted]).values_list(
            "pk", "depth_to_water_ft"
        )
    )
    for pk, depth in report.writes_accepted:
        if stored.get(pk) != depth:
            report.wrong.append(f"write {pk}: acknowledged but stored as {stored.get(pk)!r}")


def remove_writes(report: Report) -> None:
    Observation.objects.filter(pk__in=[pk for pk, _ in report.writes_accepted]).delete()
