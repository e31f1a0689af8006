"""The CSV export against PostgreSQL's own `COPY ... TO STDOUT` (issue 18, target 3: at
least 0.6 of its rows/s, RSS under 150 MB, first byte within 0.2 s, the event loop free).

One throwaway PostgreSQL cluster seeded by this checkout (``seed_demo``: a small network
and one logger well with ``--rows`` hourly readings). Four servers, one uvicorn worker
each, fresh for every download: the raw ceiling (bench/ceiling.py, which streams `COPY`),
the code at ``--before`` (formatting rows in Python; checked out into a worktree) and this
checkout with the async driver on (P4) and off (P2). One client downloads the whole series
as fast as it can, ``--rounds`` times, interleaved: rows/s, first byte, peak RSS of the
server and the worst event-loop lag its /api/health reported meanwhile. Then sixteen
clients download at once for ``--duration`` seconds (wrk) on P4 and before: the loop lag
under concurrent exports. Before any of that, this checkout's two paths must send the same
bytes as the code before (sha256 of the whole download).

Usage: python bench/export_bench.py --before 9a327f9 [--rows 1000000 --rounds 3]
Results: bench/results/export.json
"""

import argparse
import hashlib
import json
import math
import os
import statistics
import sys
from pathlib import Path

import httpx

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from fanout_bench import worktree_add, worktree_remove  # noqa: E402
from http_bench import Database, Sampler, Server, manage, stream_download, wrk  # noqa: E402

# label: (http_bench target, whose code)
TARGETS = {
    "ceiling": ("ceiling", "after"),
    "before": ("p4", "before"),
    "p4": ("p4", "after"),
    "p2": ("async", "after"),
}


def seed(db: Database, env: dict, rows: int) -> tuple[str, int]:
    """The bench data; returns the big series' site number and its readings."""
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(
        env,
        "seed_demo",
        *("--seed", "7", "--wells", "20", "--years", "2", "--transducer-wells", "1"),
        *("--transducer-days", str(math.ceil(rows / 24))),
    )
    db.execute("VACUUM ANALYZE")
    ((site_no, count),) = db.query(
        "SELECT w.site_no, COUNT(*) FROM monitoring_observation o "
        "JOIN monitoring_well w ON w.id = o.well_id GROUP BY w.site_no "
        "ORDER BY COUNT(*) DESC LIMIT 1"
    )
    return site_no, count


def digest(server: Server, path: str) -> str:
    sha = hashlib.sha256()
    with httpx.Client(timeout=600) as client, client.stream("GET", server.url + path) as r:
        for chunk in r.iter_bytes(1 << 16):
            sha.update(chunk)
    return sha.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="git ref of the code formatting rows")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds of the c=16 load")
    args = parser.parse_args()
    db = Database("postgres")
    worktree = worktree_add(args.before)
    checkouts = {"before": worktree, "after": BASE_DIR}
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project.settings.bench",
        "DATABASE_URL": db.url,
        "WEB_CONCURRENCY": "1",
    }
    env.pop("REDIS_URL", None)

    def server(label: str) -> Server:
        target, code = TARGETS[label]
        return Server(target, 1, {**env, "PGAPPNAME": f"bench-{label}"}, checkouts[code])

    try:
        site_no, rows = seed(db, env, args.rows)
        path = f"/api/wells/{site_no}/observations?format=csv"
        digests = {}
        for label in ("before", "p4", "p2"):
            with server(label) as running:
                digests[label] = digest(running, path)
        if len(set(digests.values())) != 1:
            raise SystemExit(f"the exports differ from the code before: {digests}")
        runs: dict[str, list[dict]] = {label: [] for label in TARGETS}
        for _ in range(args.rounds):
            for label in TARGETS:
                with server(label) as running:
                    runs[label].append(stream_download(running, db, path))
                print(label, runs[label][-1], flush=True)
        loaded = {}
        for label in ("before", "p4"):
            with server(label) as running, Sampler(running, db) as samples:
                report = wrk(running.url + path, concurrency=16, duration_s=args.duration)
            loaded[label] = {
                "loop_lag_ms": samples.loop_lag_ms,
                "peak_rss_mb": round(samples.peak_rss_mb, 1),
                "mb_per_s": round(report.get("bytes", 0) / 2**20 / args.duration, 1),
            }
            print(label, "c=16", loaded[label], flush=True)
        ceiling = [run["rows_per_s"] for run in runs["ceiling"]]
        results = {
            label: {
                "rows_per_s": statistics.median(run["rows_per_s"] for run in measured),
                "over_copy": round(
                    statistics.median(
                        run["rows_per_s"] / copy
                        for run, copy in zip(measured, ceiling, strict=True)
                    ),
                    2,
                ),
                "first_byte_s": statistics.median(run["first_byte_s"] for run in measured),
                "peak_rss_mb": max(run["peak_rss_mb"] for run in measured),
                "loop_lag_ms": max((run["loop_lag_ms"] or 0.0) for run in measured),
            }
            for label, measured in runs.items()
        }
        report = {
            "rows": rows,
            "same_bytes_as_before": digests["p4"],
            "one_client": results,
            "sixteen_clients": loaded,
            "runs": runs,
            "config": vars(args),
        }
        out = BASE_DIR / "bench" / "results" / "export.json"
        out.write_text(json.dumps(report, indent=2) + "\n")
        print(
            json.dumps({k: report[k] for k in ("rows", "one_client", "sixteen_clients")}, indent=2)
        )
    finally:
        db.stop()
        worktree_remove(worktree)


if __name__ == "__main__":
    main()
