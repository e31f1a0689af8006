"""Single-reading POSTs on SQLite against raw `sqlite3` inserts of the same rows (issue 18,
target 5: at concurrency 50, at least 0.5 of the raw inserts' rows/s).

A fresh SQLite file (WAL, ``synchronous=NORMAL``, Piezo's settings), migrated and seeded by
this checkout (``seed_demo``: ``--wells`` wells with a few years of readings each) and a
token whose user may add readings. uvicorn (``--workers``) serves it with the write
throttle opened wide; wrk POSTs one reading per request (bench/wrk_post.lua), round robin
over the wells, at ``--concurrency``, for ``--duration`` seconds. The ceiling: one
`sqlite3` connection with the same pragmas inserting rows like those into the same table,
one `BEGIN IMMEDIATE ... COMMIT` each, as fast as it can. ``--rounds`` times, interleaved;
each round checks that every 201 left one row.

Usage: python bench/writes_bench.py [--concurrency 50 --duration 10 --rounds 3]
Results: bench/results/writes.json
"""

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from http_bench import Database, Server, manage, wrk  # noqa: E402

CEILING_ROWS = 5000


def seed(db: Database, env: dict, wells: int) -> tuple[list[str], str]:
    """The bench data; returns the wells' site numbers and a token that may add readings."""
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "seed_demo", "--seed", "5", "--wells", str(wells), "--years", "3")
    manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model as m;"
        "m().objects.create_superuser('bench-writer', 'b@example.org', 'bench-only-1!')",
    )
    token = subprocess.run(
        [sys.executable, "manage.py", "create_api_token", "bench-writer"],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    site_nos = [site_no for (site_no,) in db.query("SELECT site_no FROM monitoring_well")]
    return site_nos, token


def ceiling(path: str, rows: int, round_no: int) -> float:
    """Raw inserts of rows like Piezo's into the same table, one transaction each: rows/s."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=5000")
    columns = [row[1] for row in conn.execute("PRAGMA table_info(monitoring_observation)")]
    template = dict(
        zip(
            columns,
            conn.execute("SELECT * FROM monitoring_observation LIMIT 1").fetchone(),
            strict=True,
        )
    )
    del template["id"]
    names = list(template)
    sql = (
        f"INSERT INTO monitoring_observation ({', '.join(names)}) "
        f"VALUES ({', '.join('?' for _ in names)})"
    )
    # After the POSTs' times (2001 onwards) and before the demo's, one round apart.
    start = datetime(1990 + round_no, 1, 1, tzinfo=UTC)
    started = time.perf_counter()
    for n in range(rows):
        values = {
            **template,
            "observed_at": (start + timedelta(minutes=n)).strftime("%Y-%m-%d %H:%M:%S"),
            "depth_to_water_ft": 10 + n % 1000 / 100,
        }
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(sql, [values[name] for name in names])
        conn.execute("COMMIT")
    seconds = time.perf_counter() - started
    conn.close()
    return rows / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wells", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    db = Database("sqlite")
    path = db.url.removeprefix("sqlite:///")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project.settings.bench",
        "DATABASE_URL": db.url,
        "PIEZO_WRITE_RATE": "100000000/m",
    }
    env.pop("REDIS_URL", None)
    site_nos, token = seed(db, env, args.wells)
    load_env = {**os.environ, "WRITES_SITES": ",".join(site_nos), "WRITES_TOKEN": token}
    rounds = []
    with Server("async", args.workers, env) as server:
        for round_no in range(args.rounds):
            (before,) = db.query("SELECT COUNT(*) FROM monitoring_observation")[0]
            # Each round's readings from 2001 on, two wrk threads' million minutes apart.
            base = datetime(2001, 1, 1, tzinfo=UTC) + round_no * timedelta(minutes=2_000_000)
            report = wrk(
                f"{server.url}/api/wells",
                concurrency=args.concurrency,
                duration_s=args.duration,
                script="wrk_post.lua",
                env={**load_env, "WRITES_BASE": str(int(base.timestamp()))},
            )
            (after,) = db.query("SELECT COUNT(*) FROM monitoring_observation")[0]
            failed = sum(report["errors"].values())
            # wrk counts the responses it read; a POST in flight when it stopped may still
            # have committed its row.
            answered = report["requests"] - failed
            if not answered <= after - before <= answered + args.concurrency:
                raise SystemExit(f"{answered} POSTs answered 201, but {after - before} rows")
            posts = answered / (report["duration_us"] / 1e6)
            raw = ceiling(path, CEILING_ROWS, round_no)
            rounds.append(
                {
                    "posts_per_s": round(posts, 1),
                    "failed": failed,
                    "p50_ms": report["p50_us"] / 1000,
                    "p99_ms": report["p99_us"] / 1000,
                    "raw_inserts_per_s": round(raw, 1),
                    "ratio": round(posts / raw, 3),
                }
            )
            print(rounds[-1], flush=True)
    result = {
        "ratio_median": statistics.median(r["ratio"] for r in rounds),
        "posts_per_s_median": statistics.median(r["posts_per_s"] for r in rounds),
        "raw_inserts_per_s_median": statistics.median(r["raw_inserts_per_s"] for r in rounds),
        "rounds": rounds,
        "config": vars(args),
    }
    out = BASE_DIR / "bench" / "results" / "writes.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
