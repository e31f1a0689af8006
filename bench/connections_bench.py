"""Connections held by one uvicorn process under load, per connection policy (ADR-0003).

For each configuration: a throwaway PostgreSQL cluster with demo data, uvicorn serving it,
N requests at concurrency C (mixed reads, every answer checked), pg_stat_activity sampled
every 20 ms: the peak during the load and what is still open a second after it.
Usage: python bench/connections_bench.py --requests 1000 --concurrency 20
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from tests.support.pgcluster import PostgresCluster  # noqa: E402

CONFIGS = {
    "CONN_MAX_AGE=60, no pool": {"DB_POOL": "false", "DB_CONN_MAX_AGE": "60"},
    "CONN_MAX_AGE=0, no pool": {"DB_POOL": "false", "DB_CONN_MAX_AGE": "0"},
    "psycopg pool, max_size=10": {"DB_POOL": "true", "DB_POOL_MAX_SIZE": "10"},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    cluster = PostgresCluster().start()
    os.environ.update(DJANGO_SETTINGS_MODULE="project.settings.local", DATABASE_URL=cluster.url)
    try:
        env = dict(os.environ)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True
        )
        subprocess.run(
            [sys.executable, "manage.py", "seed_demo", "--wells", "60", "--years", "3"],
            cwd=BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
        )
        import django

        django.setup()
        from django.db import connection

        from apps.ops.loadcheck import ConnectionSampler, Oracle, run_load
        from tests.support.server import UvicornServer

        oracle = Oracle.read()
        results = []
        for name, config in CONFIGS.items():
            server = UvicornServer(workers=args.workers, env={**env, **config})
            server.env["DJANGO_SETTINGS_MODULE"] = "project.settings.local"
            server.start()
            try:
                with ConnectionSampler(interval_s=0.02) as sampler:
                    report = asyncio.run(
                        run_load(
                            base_url=server.url,
                            oracle=oracle,
                            requests=args.requests,
                            concurrency=args.concurrency,
                        )
                    )
                time.sleep(1.0)
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                    still_open = cursor.fetchone()[0]
            finally:
                server.stop()
            results.append(
                {
                    "config": name,
                    "peak": sampler.peak,
                    "open_after": still_open,
                    "requests_per_s": round(report.requests / report.elapsed_s),
                    "wrong": len(report.wrong),
                    "errors": report.server_errors,
                }
            )
            print(
                f"{name:<28} peak {sampler.peak:>3}  open after {still_open:>3}  "
                f"{results[-1]['requests_per_s']:>5} req/s  wrong {len(report.wrong)}"
            )
        out = BASE_DIR / "bench" / "results" / "connections.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2) + "\n")
    finally:
        cluster.remove()


if __name__ == "__main__":
    main()
