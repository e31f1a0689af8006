"""The read path under load: Piezo's async endpoints, their sync twins and the raw ceiling,
served by the same uvicorn, driven by wrk, on the same data in the same run.

For each database: a fresh database (a throwaway PostgreSQL cluster, or a SQLite file)
seeded with ``seed_demo`` (by default 500 wells x 10 years of monthly readings plus 20
wells with about 11 years of hourly logger readings: about 2 million observations) and
one more logger well whose series has 1,000,000 readings for the CSV export target.

Then, for 1 and 2 uvicorn workers and each target (``ceiling``: bench/ceiling.py,
``async``: Piezo, ``sync``: the sync twins under /bench/sync/api/), every endpoint at
every concurrency: requests/s, p50/p99 latency and errors from wrk; peak server-side
connections (pg_stat_activity), worst event-loop lag (/api/health) and peak RSS of a
server process, sampled while wrk runs. Before any load, each target's answers are
compared with Piezo's: the ceiling must do the same work, not less.

Usage:  python bench/http_bench.py [--database postgres|sqlite|both] [--duration 5]
        python bench/http_bench.py --smoke      (SQLite, tiny data, about 20 s; CI runs it)
Results: bench/results/http-<database>.json; bench/report.py turns them into
docs/benchmarks.md and docs/benchmarks.png.
"""

import argparse
import contextlib
import json
import math
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import psutil

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from tests.support.pgcluster import PostgresCluster, free_port, postgres_bin_dir  # noqa: E402

RESULTS_DIR = BASE_DIR / "bench" / "results"
APP_NAME = "piezo-bench"  # libpq's PGAPPNAME prefix for the servers (+ "-<target>")
# name: (ASGI or WSGI application, URL prefix, environment). "async" is ADR-0004's P2 (the
# async ORM), "p4" the same views on django-async-backend (ADR-0007; P2 again on SQLite),
# "sync" their sync twins under ASGI (P1), "p0" the twins under gunicorn's threads with a
# persistent connection each (the README's recipe), where teams start.
P0_ENV = {"PIEZO_INTERFACE": "wsgi", "DB_POOL": "false", "DB_CONN_MAX_AGE": "60"}
P0_THREADS = 8
TARGETS = {
    "ceiling": ("bench.ceiling:app", "", {}),
    "p4": ("project.asgi:application", "", {"DB_ASYNC_DRIVER": "on"}),
    "async": ("project.asgi:application", "", {"DB_ASYNC_DRIVER": "off"}),
    "sync": ("project.asgi:application", "/bench/sync", {"DB_ASYNC_DRIVER": "off"}),
    "p0": ("project.wsgi:application", "/bench/sync", P0_ENV),
}
ENDPOINTS = ("stats", "well", "wells_page", "year_json", "csv")


class BenchError(Exception):
    """A reason the run cannot go on: one line for the user."""


@dataclass
class Cell:
    database: str
    target: str
    workers: int
    endpoint: str
    concurrency: int
    duration_s: float
    requests: int
    rps: float
    mb_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    error_kinds: dict
    peak_connections: int | None
    loop_lag_ms: float | None
    peak_rss_mb: float


@dataclass
class Samples:
    """What the sampler thread saw while one cell ran."""

    peak_rss_mb: float = 0.0
    peak_connections: int | None = None
    loop_lag_ms: float | None = None
    health_failures: int = 0
    lag_by_pid: dict = field(default_factory=dict)


# --- data -------------------------------------------------------------------------------


class Database:
    """A fresh database with the bench data, and raw SQL access for picking endpoints."""

    def __init__(self, vendor: str) -> None:
        self.vendor = vendor
        self.cluster: PostgresCluster | None = None
        if vendor == "postgres":
            self.cluster = PostgresCluster(max_connections=300).start()
            self.url = self.cluster.url
        else:
            path = BASE_DIR / "var" / "bench" / "piezo-bench.sqlite3"
            path.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            self.url = f"sqlite:///{path}"

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        if self.vendor == "postgres":
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as conn:
                return conn.execute(sql, params).fetchall()
        with sqlite3.connect(self.url.removeprefix("sqlite:///")) as conn:
            return conn.execute(sql.replace("%s", "?"), params).fetchall()

    def execute(self, sql: str) -> None:
        if self.vendor == "postgres":
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as conn:
                conn.execute(sql)
        else:
            with sqlite3.connect(self.url.removeprefix("sqlite:///")) as conn:
                conn.execute(sql)

    def stop(self) -> None:
        if self.cluster:
            self.cluster.stop()


def target_env(env: dict, target: str) -> dict:
    """A server's environment: its own application_name, so each target's connections are
    counted apart while all of them are up."""
    return {**env, "PGAPPNAME": f"{APP_NAME}-{target}"}


def manage(env: dict, *args: str) -> None:
    completed = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    if completed.returncode != 0:
        raise BenchError(f"manage.py {' '.join(args)} failed:\n{completed.stderr[-2000:]}")


def seed(db: Database, env: dict, args) -> dict:
    started = time.perf_counter()
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(
        env,
        "seed_demo",
        *("--wells", str(args.wells), "--years", str(args.years)),
        *("--transducer-wells", str(args.transducer_wells)),
        *("--transducer-days", str(args.transducer_days)),
    )
    if args.big_series:
        # One more logger well, its hourly series as long as the CSV target asks for.
        manage(
            env,
            "seed_demo",
            *("--seed", "7", "--wells", "1", "--years", "1", "--transducer-wells", "1"),
            *("--transducer-days", str(math.ceil(args.big_series / 24))),
        )
    manage(env, "rebuild_stats")
    # Fresh statistics and visibility map now, or autovacuum does it in the first cells.
    if db.vendor == "postgres":
        db.execute("VACUUM ANALYZE")
    else:
        db.execute("ANALYZE")
    (observations,), (wells,) = (
        db.query("SELECT COUNT(*) FROM monitoring_observation")[0],
        db.query("SELECT COUNT(*) FROM monitoring_well")[0],
    )
    logged = db.query(
        "SELECT w.site_no, COUNT(*) FROM monitoring_observation o "
        "JOIN monitoring_well w ON w.id = o.well_id WHERE o.source = 'transducer' "
        "GROUP BY w.site_no ORDER BY COUNT(*) DESC, w.site_no"
    )
    if len(logged) < 2:
        raise BenchError("the bench data needs at least one logger well besides the big one")
    (big_site, _), (site, _) = logged[0], logged[1]
    big_rows, site_rows = (
        db.query(
            "SELECT COUNT(*) FROM monitoring_observation o JOIN monitoring_well w "
            "ON w.id = o.well_id WHERE w.site_no = %s",
            (site_no,),
        )[0][0]
        for site_no in (big_site, site)
    )
    year = datetime.now(UTC).year - 1
    return {
        "observations": observations,
        "wells": wells,
        "seconds": round(time.perf_counter() - started, 1),
        "site_no": site,
        "site_rows": site_rows,
        "big_site_no": big_site,
        "big_rows": big_rows,
        "paths": {
            "stats": "/api/stats",
            "well": f"/api/wells/{site}",
            "wells_page": f"/api/wells?page={max(1, math.ceil(wells / 50) // 2)}",
            "year_json": (
                f"/api/wells/{site}/observations?start={year}-01-01T00:00:00"
                f"&end={year}-12-31T23:59:59&page_size=1000"
            ),
            "csv": f"/api/wells/{site}/observations?format=csv",
        },
        "big_csv": f"/api/wells/{big_site}/observations?format=csv",
    }


# --- servers ----------------------------------------------------------------------------


class Server:
    def __init__(self, target: str, workers: int, env: dict, checkout: Path = BASE_DIR) -> None:
        self.target, self.checkout = target, checkout
        self.app, self.prefix, self.target_env = TARGETS[target]
        self.app_name = env.get("PGAPPNAME", APP_NAME)
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env
        self.log_path = BASE_DIR / "var" / "bench" / f"{target}-{workers}.log"

    def __enter__(self) -> "Server":
        self.log = self.log_path.open("w")
        if self.target == "p0":
            command = [
                *("-m", "gunicorn", self.app, "--bind", f"127.0.0.1:{self.port}"),
                *("--workers", str(self.workers), "--threads", str(P0_THREADS)),
                *("--log-level", "warning"),
            ]
            env = {**self.env, **self.target_env}
        else:
            command = [
                *("-m", "uvicorn", self.app, "--host", "127.0.0.1", "--port", str(self.port)),
                *("--workers", str(self.workers), "--no-access-log", "--log-level", "warning"),
            ]
            env = {**self.env, **self.target_env}
        self.process = subprocess.Popen(
            [sys.executable, *command],
            cwd=self.checkout,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"{self.app} exited:\n{self.log_path.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/api/health", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise BenchError(f"{self.app} did not answer /api/health within 60 s")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()

    def processes(self) -> list[psutil.Process]:
        try:
            parent = psutil.Process(self.process.pid)
            return [parent, *parent.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []


class Sampler:
    """Peak RSS of any one server process, peak connections the servers hold, and the
    worst event-loop lag the workers report, while a cell runs."""

    def __init__(self, server: Server, db: Database) -> None:
        self.server, self.db = server, db
        self.samples = Samples()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._resources, daemon=True)]
        self._threads.append(threading.Thread(target=self._health, daemon=True))

    def __enter__(self) -> Samples:
        for thread in self._threads:
            thread.start()
        return self.samples

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(10)

    def _resources(self) -> None:
        probe = None
        if self.db.vendor == "postgres":
            import psycopg

            probe = psycopg.connect(self.db.url, autocommit=True)
            self.samples.peak_connections = 0
        try:
            while not self._stop.is_set():
                for process in self.server.processes():
                    try:
                        rss = process.memory_info().rss / 2**20
                    except psutil.NoSuchProcess:
                        continue
                    self.samples.peak_rss_mb = max(self.samples.peak_rss_mb, rss)
                if probe is not None:
                    (count,) = probe.execute(
                        # Client backends only: a parallel query's workers carry their
                        # leader's application_name but are not connections.
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s "
                        "AND backend_type = 'client backend'",
                        (self.server.app_name,),
                    ).fetchone()
                    self.samples.peak_connections = max(self.samples.peak_connections, count)
                self._stop.wait(0.05)
        finally:
            if probe is not None:
                probe.close()

    def _health(self) -> None:
        # Its own connection each time, so polls spread over the workers.
        while not self._stop.wait(0.25):
            try:
                lag = httpx.get(f"{self.server.url}/api/health", timeout=10).json()["event_loop"]
            except (httpx.HTTPError, ValueError, KeyError):
                self.samples.health_failures += 1
                continue
            by_pid = self.samples.lag_by_pid
            by_pid[lag["pid"]] = max(by_pid.get(lag["pid"], 0.0), lag["recent_max_ms"])
            self.samples.loop_lag_ms = max(by_pid.values())


# --- load -------------------------------------------------------------------------------


def wrk(
    url: str,
    *,
    concurrency: int,
    duration_s: int,
    script: str = "wrk_report.lua",
    env: dict | None = None,
) -> dict:
    """wrk's summary (wrk_report.lua) of ``concurrency`` connections on ``url``; ``script``
    (in bench/, starting with dofile of wrk_report.lua) may shape the requests."""
    wrk_bin = shutil.which("wrk")
    if wrk_bin is None:
        raise BenchError("wrk is not installed (Debian: apt-get install wrk)")
    completed = subprocess.run(
        [
            wrk_bin,
            *("-t", str(min(2, concurrency)), "-c", str(concurrency), "-d", f"{duration_s}s"),
            *("--timeout", "60s", "-s", str(BASE_DIR / "bench" / script), url),
        ],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=duration_s + 120,
    )
    report = completed.stdout.strip().splitlines()[-1] if completed.stdout.strip() else ""
    if completed.returncode != 0 or not report.startswith("{"):
        raise BenchError(f"wrk failed on {url}:\n{completed.stdout}\n{completed.stderr}")
    return json.loads(report)


def run_cell(server: Server, db: Database, path: str, *, concurrency: int, duration_s: int):
    with Sampler(server, db) as samples:
        report = wrk(
            f"{server.url}{server.prefix}{path}", concurrency=concurrency, duration_s=duration_s
        )
    seconds = report["duration_us"] / 1e6
    wait_until_idle(server, db)
    return report, samples, seconds


def wait_until_idle(server: Server, db: Database, timeout_s: float = 120.0) -> None:
    """Let the requests wrk left behind finish (a server does not stop a query because its
    client went away), so that they do not run into the next cell's measurement."""
    deadline = time.monotonic() + timeout_s
    quiet = 0
    processes = server.processes()
    for process in processes:
        process.cpu_percent()
    while time.monotonic() < deadline and quiet < 2:
        time.sleep(0.25)
        busy = sum(_cpu_percent(process) for process in processes) > 10
        if db.vendor == "postgres" and not busy:
            busy = (
                db.query(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s "
                    "AND backend_type = 'client backend' AND state <> 'idle'",
                    (server.app_name,),
                )[0][0]
                > 0
            )
        quiet = 0 if busy else quiet + 1


def _cpu_percent(process: psutil.Process) -> float:
    try:
        return process.cpu_percent()
    except psutil.NoSuchProcess:
        return 0.0


def same_answer(expected: httpx.Response, got: httpx.Response) -> str | None:
    """Why ``got`` is not the same answer as ``expected`` (Piezo's), or None."""
    if got.status_code != expected.status_code:
        return f"HTTP {got.status_code} != {expected.status_code}"
    if expected.headers["content-type"].startswith("text/csv"):
        want, have = expected.text.splitlines(), got.text.splitlines()
        if len(want) != len(have) or want[0] != have[0]:
            return f"{len(have)} CSV lines != {len(want)}"
        return None
    want, have = _comparable(expected.json()), _comparable(got.json())
    return None if want == have else f"{json.dumps(have)[:300]} != {json.dumps(want)[:300]}"


def _comparable(value):
    """JSON with links reduced to path and query (the servers' ports differ)."""
    if isinstance(value, dict):
        return {key: _comparable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    if isinstance(value, str) and value.startswith("http://"):
        parts = urlsplit(value)
        return [parts.path.removeprefix("/bench/sync"), sorted(parse_qsl(parts.query))]
    return value


def check_answers(servers: dict[str, Server], data: dict) -> dict:
    """Each target's answer on every endpoint, against Piezo's (async) fetched just before
    it: the headline figures count the last 30 days, which slide by an hour every hour."""
    problems: dict[str, dict] = {target: {} for target in servers}
    with httpx.Client(timeout=120) as client:
        for endpoint, path in data["paths"].items():
            for target, server in servers.items():
                reference = _get(client, servers["async"], path)
                problem = same_answer(reference, _get(client, server, path))
                if problem:
                    problems[target][endpoint] = problem
    return problems


def _get(client: httpx.Client, server: Server, path: str) -> httpx.Response:
    response = client.get(f"{server.url}{server.prefix}{path}")
    if response.status_code != 200:
        raise BenchError(f"{server.url}{server.prefix}{path}: HTTP {response.status_code}")
    return response


def stream_download(server: Server, db: Database, path: str) -> dict:
    """One client reading a whole CSV export as fast as it can: rows/s and server RSS."""
    with Sampler(server, db) as samples, httpx.Client(timeout=600) as client:
        started = time.perf_counter()
        lines = size = 0
        first_byte_s = None
        with client.stream("GET", f"{server.url}{server.prefix}{path}") as response:
            for chunk in response.iter_bytes(1 << 16):
                if first_byte_s is None:
                    first_byte_s = time.perf_counter() - started
                lines += chunk.count(b"\n")
                size += len(chunk)
        seconds = time.perf_counter() - started
    return {
        "status": response.status_code,
        "rows": lines - 1,
        "megabytes": round(size / 2**20, 1),
        "seconds": round(seconds, 2),
        "rows_per_s": round((lines - 1) / seconds),
        "first_byte_s": round(first_byte_s or 0.0, 3),
        "peak_rss_mb": round(samples.peak_rss_mb, 1),
        "loop_lag_ms": samples.loop_lag_ms,
    }


# --- the run ----------------------------------------------------------------------------


def bench_database(vendor: str, args) -> dict:
    db = Database(vendor)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project.settings.bench",
        "DATABASE_URL": db.url,
        "WEB_CONCURRENCY": "1",
    }
    env.pop("REDIS_URL", None)
    servers_by_target: dict[str, Server] = {}
    data: dict = {}

    def measure(vendor, target, workers, endpoint, concurrency) -> Cell:
        server = servers_by_target[target]
        duration = args.duration * (args.csv_factor if endpoint == "csv" else 1)
        report, samples, seconds = run_cell(
            server, db, data["paths"][endpoint], concurrency=concurrency, duration_s=duration
        )
        cell = Cell(
            database=vendor,
            target=target,
            workers=workers,
            endpoint=endpoint,
            concurrency=concurrency,
            duration_s=round(seconds, 2),
            requests=report["requests"],
            rps=round(report["requests"] / seconds, 1),
            mb_per_s=round(report["bytes"] / seconds / 2**20, 2),
            p50_ms=round(report["p50_us"] / 1000, 2),
            p99_ms=round(report["p99_us"] / 1000, 2),
            errors=sum(report["errors"].values()),
            error_kinds={k: v for k, v in report["errors"].items() if v},
            peak_connections=samples.peak_connections,
            # WSGI (P0) has no event loop to lag.
            loop_lag_ms=None if target == "p0" else samples.loop_lag_ms,
            peak_rss_mb=round(samples.peak_rss_mb, 1),
        )
        print(
            f"[{vendor}] {target:7} w={workers} {endpoint:10} c={concurrency:<3} "
            f"{cell.rps:>8.1f} rps {cell.mb_per_s:>6.1f} MB/s  p50 {cell.p50_ms:>7.1f}  p99 "
            f"{cell.p99_ms:>7.1f} ms  err {cell.errors}  conns {cell.peak_connections}  "
            f"lag {cell.loop_lag_ms}  rss {cell.peak_rss_mb} MB",
            flush=True,
        )
        return cell

    try:
        print(f"[{vendor}] seeding ...", flush=True)
        data.update(seed(db, env, args))
        print(
            f"[{vendor}] {data['observations']:,} observations, {data['wells']} wells "
            f"in {data['seconds']} s",
            flush=True,
        )
        cells, answers, streams = [], {}, []
        targets = ["async", *[t for t in args.targets if t != "async"]]
        targets = [t for t in targets if t in args.targets]
        for workers in args.workers:
            # Every target up at once, and each cell run on them back to back: drift over
            # the run (caches warming, autovacuum, the machine's other load) then falls on
            # all targets alike instead of on whichever ran first.
            with contextlib.ExitStack() as stack:
                servers = servers_by_target
                servers.clear()
                servers.update(
                    {
                        target: stack.enter_context(
                            Server(target, workers, target_env(env, target))
                        )
                        for target in targets
                    }
                )
                answers = check_answers(servers, data)
                for endpoint in args.endpoints:
                    for concurrency in args.concurrency:
                        for target in servers:
                            cells.append(measure(vendor, target, workers, endpoint, concurrency))
            if workers == 1 and args.big_series:
                for target in targets:
                    # A fresh process: its RSS must be the export's, not the load's before it.
                    with Server(target, 1, target_env(env, target)) as server:
                        stream = {"target": target, **stream_download(server, db, data["big_csv"])}
                    streams.append(stream)
                    print(f"[{vendor}] {target:7} big CSV: {stream}", flush=True)
        return {
            "database": vendor,
            "data": data,
            "answers": answers,
            "cells": [asdict(cell) for cell in cells],
            "csv_stream": streams,
            "pool_max_size": int(env.get("DB_POOL_MAX_SIZE", "10")),
        }
    finally:
        db.stop()


def environment() -> dict:
    import django
    import psycopg
    import uvicorn

    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    postgres = subprocess.run(
        [str(postgres_bin_dir() or "") + "/postgres", "-V"],
        capture_output=True,
        text=True,
    )
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"{round(psutil.virtual_memory().total / 2**30)} GiB",
        "python": platform.python_version(),
        "django": django.__version__,
        "uvicorn": uvicorn.__version__,
        "psycopg": psycopg.__version__,
        "sqlite": sqlite3.sqlite_version,
        "postgres": postgres.stdout.strip() if postgres.returncode == 0 else None,
        "wrk": (wrk_version.stdout or wrk_version.stderr).split(" [")[0].strip(),
    }


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("postgres", "sqlite", "both"), default="both")
    parser.add_argument("--workers", type=_ints, default=[1, 2])
    parser.add_argument("--concurrency", type=_ints, default=[1, 16, 64])
    parser.add_argument("--targets", type=_names(TARGETS), default=list(TARGETS))
    parser.add_argument("--endpoints", type=_names(ENDPOINTS), default=list(ENDPOINTS))
    parser.add_argument("--duration", type=int, default=5, help="Seconds per cell (default 5).")
    parser.add_argument(
        "--csv-factor", type=int, default=2, help="CSV cells run this many times longer."
    )
    parser.add_argument("--wells", type=int, default=500)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--transducer-wells", type=int, default=20)
    parser.add_argument("--transducer-days", type=int, default=4000)
    parser.add_argument(
        "--big-series", type=int, default=1_000_000, help="Rows in the CSV target's series."
    )
    parser.add_argument("--out", type=Path, default=RESULTS_DIR)
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="SQLite, tiny data, 1-second cells at concurrency 16, one worker: keeps the "
        "harness working (CI).",
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.database, args.workers, args.concurrency = "sqlite", [1], [16]
        args.duration, args.csv_factor = 1, 1
        args.wells, args.years, args.transducer_wells, args.transducer_days = 20, 2, 2, 30
        args.big_series = 20_000
    return args


def _ints(raw: str) -> list[int]:
    return [int(part) for part in raw.split(",")]


def _names(allowed):
    def parse(raw: str) -> list[str]:
        names = raw.split(",")
        unknown = [name for name in names if name not in allowed]
        if unknown:
            raise argparse.ArgumentTypeError(f"unknown {unknown}; choose from {list(allowed)}")
        return names

    return parse


def main(argv=None) -> int:
    args = parse_args(argv)
    (BASE_DIR / "var" / "bench").mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    vendors = ("postgres", "sqlite") if args.database == "both" else (args.database,)
    command = "python bench/http_bench.py " + " ".join(sys.argv[1:] if argv is None else argv)
    try:
        for vendor in vendors:
            result = {"environment": environment(), "command": command.strip(), **vars(args)}
            result.update(bench_database(vendor, args))
            result["out"] = str(result.pop("out"))
            path = args.out / f"http-{vendor}.json"
            path.write_text(json.dumps(result, indent=1, default=str) + "\n")
            print(f"[{vendor}] results: {path}")
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
