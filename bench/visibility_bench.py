"""What deciding who may see what costs a public read (issue 16, ADR-0012): anonymous
requests/s before and after visibility entered every read, on the same data.

One throwaway PostgreSQL cluster, migrated and seeded by this checkout (the demo's mix of
public and private wells and consents; the code before ignores the new columns). uvicorn
(``--workers`` each, the async driver on) serves the code at ``--before`` (a git ref,
checked out into a worktree) and this checkout side by side; wrk measures each public read
on one and then the other, ``--rounds`` times, interleaved so that drift on a shared machine
falls on both. Reported: the median requests/s per endpoint and target, and after/before.

The two do not do the same work on purpose: before, the public got every well and reading;
after, the public's queries carry the release and consent filters (and /api/stats counts
public data only). That difference is the cost being measured.

Usage: python bench/visibility_bench.py --before e00b4d2 [--wells 300 --rounds 3]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

# The same uvicorn start and "before" checkout as the fan-out bench.
from fanout_bench import serve, worktree_add, worktree_remove  # noqa: E402
from http_bench import wrk  # noqa: E402 - the same wrk run as the HTTP bench

from tests.support.pgcluster import PostgresCluster  # noqa: E402


def requests_per_s(url: str, *, concurrency: int, duration_s: int) -> float:
    report = wrk(url, concurrency=concurrency, duration_s=duration_s)
    if any(report["errors"].values()):
        raise RuntimeError(f"errors on {url}: {report['errors']}")
    return report["requests"] / (report["duration_us"] / 1e6)


def endpoints(site_no: str) -> dict[str, str]:
    return {
        "stats": "/api/stats",
        "wells page": "/api/wells?page_size=100",
        "geojson": "/api/wells.geojson",
        "well detail": f"/api/wells/{site_no}",
        "series page": f"/api/wells/{site_no}/observations?page_size=500",
        "hydrograph": f"/api/wells/{site_no}/hydrograph",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="git ref of the code before issue 16")
    parser.add_argument("--wells", type=int, default=300)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--duration", type=int, default=5, help="seconds per measurement")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    worktree = worktree_add(args.before)
    cluster = PostgresCluster().start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project.settings.bench",
        "DATABASE_URL": cluster.url,
        "DB_ASYNC_DRIVER": "on",
    }
    env.pop("REDIS_URL", None)
    os.environ.update(env)
    servers = []
    try:
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True)
        subprocess.run(
            [*manage, "seed_demo", "--seed", "16", "--wells", str(args.wells)]
            + ["--years", str(args.years), "--transducer-wells", "3"],
            cwd=BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
        )
        import django

        django.setup()
        from tests.support.visibility import public_series_site_no

        paths = endpoints(public_series_site_no())
        servers = [
            (name, *serve(checkout, env, args.workers))
            for name, checkout in (("before", worktree), ("after", BASE_DIR))
        ]
        measured: dict[str, dict[str, list[float]]] = {"before": {}, "after": {}}
        for _ in range(args.rounds):
            for endpoint, path in paths.items():
                for name, _, url in servers:
                    rate = requests_per_s(
                        url + path, concurrency=args.concurrency, duration_s=args.duration
                    )
                    measured[name].setdefault(endpoint, []).append(rate)
        results = {
            endpoint: {
                "before_rps": round(statistics.median(measured["before"][endpoint]), 1),
                "after_rps": round(statistics.median(measured["after"][endpoint]), 1),
            }
            for endpoint in paths
        }
        for row in results.values():
            row["after_over_before"] = round(row["after_rps"] / row["before_rps"], 3)
        report = {"endpoints": results, "config": {**vars(args), "database": "postgres"}}
        out = BASE_DIR / "bench" / "results" / "visibility.json"
        out.write_text(json.dumps(report, indent=2) + "\n")
        print(json.dumps(report, indent=2))
    finally:
        for _, process, _ in servers:
            process.terminate()
            process.wait(30)
        cluster.stop()
        worktree_remove(worktree)


if __name__ == "__main__":
    main()
