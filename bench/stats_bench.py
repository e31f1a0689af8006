"""Figures in constant time (issue 18, ADR-0013): what /api/stats costs at a small and a
large number of readings, before and after the figures were kept by the writes.

Two throwaway PostgreSQL clusters, migrated and seeded by this checkout (``seed_demo``):
the same network (``--loggers`` hourly loggers and ``--field-wells`` wells visited by hand)
early in its life (``--small-days`` of logger record, about 100,000 readings) and after
years (``--large-days``, about 10,000,000). The table grows with time at a network's
steady rate, which is what the figures must not grow with. uvicorn (``--workers`` each,
the async driver on) serves each database with the code at ``--before`` (a git ref,
checked out into a worktree; it counts the readings and ignores the new tables) and with
this checkout. wrk measures /api/stats, anonymous and one connection at a time (so that
the single flight shares nothing and p50 is one call's cost), ``--rounds`` times,
interleaved. Reported per code: p50 at each size and
large/small (target ≤ 1.3).

Usage: python bench/stats_bench.py --before cfba1e1 [--loggers 100 --large-days 4170]
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


def seed(url: str, *, loggers: int, field_wells: int, days: int) -> int:
    """Seed ``url`` with the network, its loggers ``days`` old; returns how many readings
    the database holds."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "project.settings.bench", "DATABASE_URL": url}
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True)
    subprocess.run(
        [*manage, "seed_demo", "--seed", "18", "--wells", str(field_wells + loggers)]
        + ["--years", str(max(1, round(days / 365))), "--transducer-wells", str(loggers)]
        + ["--transducer-days", str(days)],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
    )
    counted = subprocess.run(
        [
            *manage,
            "shell",
            "-c",
            "from apps.monitoring.models import Observation as O;print(O.objects.count())",
        ],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return int(counted.stdout.strip().splitlines()[-1])


def p50_ms(url: str, *, duration_s: int) -> float:
    report = wrk(url, concurrency=1, duration_s=duration_s)
    if any(report["errors"].values()):
        raise RuntimeError(f"errors on {url}: {report['errors']}")
    return report["p50_us"] / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="git ref of the code counting readings")
    parser.add_argument("--loggers", type=int, default=100)
    parser.add_argument("--field-wells", type=int, default=50)
    parser.add_argument("--small-days", type=int, default=42, help="about 100,000 readings")
    parser.add_argument("--large-days", type=int, default=4170, help="about 10,000,000")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=5, help="seconds per measurement")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    worktree = worktree_add(args.before)
    clusters = {"small": PostgresCluster().start(), "large": PostgresCluster().start()}
    servers = []
    try:
        held = {
            size: seed(
                cluster.url,
                loggers=args.loggers,
                field_wells=args.field_wells,
                days=getattr(args, f"{size}_days"),
            )
            for size, cluster in clusters.items()
        }
        for size, cluster in clusters.items():
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "project.settings.bench",
                "DATABASE_URL": cluster.url,
                "DB_ASYNC_DRIVER": "on",
            }
            env.pop("REDIS_URL", None)
            for code, checkout in (("before", worktree), ("after", BASE_DIR)):
                servers.append((code, size, *serve(checkout, env, args.workers)))
        measured: dict[tuple[str, str], list[float]] = {}
        for _ in range(args.rounds):
            for code, size, _, url in servers:
                measured.setdefault((code, size), []).append(
                    p50_ms(f"{url}/api/stats", duration_s=args.duration)
                )
        results = {}
        for code in ("before", "after"):
            small = statistics.median(measured[(code, "small")])
            large = statistics.median(measured[(code, "large")])
            results[code] = {
                "p50_ms_small": round(small, 2),
                "p50_ms_large": round(large, 2),
                "large_over_small": round(large / small, 2),
            }
        report = {"stats": results, "readings": held, "config": vars(args)}
        out = BASE_DIR / "bench" / "results" / "stats.json"
        out.write_text(json.dumps(report, indent=2) + "\n")
        print(json.dumps(report, indent=2))
    finally:
        for _, _, process, _ in servers:
            process.terminate()
            process.wait(30)
        for cluster in clusters.values():
            cluster.stop()
        worktree_remove(worktree)


if __name__ == "__main__":
    main()
