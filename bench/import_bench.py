"""Import benchmark: `manage.py import_waterlevels` on a generated CSV, against the raw
ceiling measured in the same run on the same machine.

Ceiling: the same CSV read with the csv module and written with no framework at all:
PostgreSQL `COPY` into a bare table of the same columns; SQLite `executemany` into a bare
table. The import is run as users run it (a subprocess), and its peak RSS is read from the
kernel (wait4). Usage: python bench/import_bench.py --rows 1000000 --database both
"""

import argparse
import csv
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from tests.support.pgcluster import PostgresCluster  # noqa: E402

WELLS = 100
BARE_TABLE = (
    "CREATE TABLE bare (site_no text, observed_at timestamptz, depth_to_water_ft double precision,"
    " level_status text, data_quality text)"
)


def generate_csv(path: Path, rows: int) -> None:
    start = datetime(2000, 1, 1, tzinfo=UTC)
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "well_name_point_id",
                "water_level_date_time",
                "depth_to_water_ft",
                "level_status",
                "data_quality",
            ]
        )
        for i in range(rows):
            observed_at = start + timedelta(hours=i // WELLS)
            writer.writerow(
                [
                    f"BW{i % WELLS:04d}",
                    observed_at.isoformat(),
                    # A logger's slow drift (0.01 ft an hour, 2 ft back every 200 hours):
                    # a series that jumped 10 ft an hour had every reading flagged by the
                    # plausibility checks, and the bench measured the flags' storage.
                    f"{50 + i % WELLS + (i // WELLS) % 200 / 100:.2f}",
                    "static",
                    "approved",
                ]
            )


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )


def timed_import(env: dict, csv_path: Path) -> tuple[float, float, dict]:
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_waterlevels", str(csv_path), "--output", "json"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        raise RuntimeError(process.stderr.read().decode()[-2000:])
    return elapsed, usage.ru_maxrss / 1024, json.loads(out)


def ceiling_postgres(url: str, csv_path: Path) -> float:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
        conn.execute("DROP TABLE IF EXISTS bare")
        conn.execute(BARE_TABLE)
        started = time.perf_counter()
        with conn.cursor() as cursor, csv_path.open(newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            with cursor.copy("COPY bare FROM STDIN") as copy:
                for row in reader:
                    copy.write_row(row)
        conn.commit()
        return time.perf_counter() - started


def ceiling_sqlite(db_path: Path, csv_path: Path) -> float:
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("DROP TABLE IF EXISTS bare")
    conn.execute(BARE_TABLE.replace("timestamptz", "text").replace("double precision", "real"))
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    with csv_path.open(newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        batch = []
        for row in reader:
            batch.append(row)
            if len(batch) == 10_000:
                conn.executemany("INSERT INTO bare VALUES (?, ?, ?, ?, ?)", batch)
                batch = []
        if batch:
            conn.executemany("INSERT INTO bare VALUES (?, ?, ?, ?, ?)", batch)
    conn.execute("COMMIT")
    conn.close()
    return time.perf_counter() - started


def run(database: str, rows: int, csv_path: Path, workdir: Path) -> dict:
    cluster = None
    if database == "postgres":
        cluster = PostgresCluster().start()
        url = cluster.url
    else:
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    # A deployment's settings (DEBUG off): DEBUG's query log cost a sixth of the import.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "project.settings.bench", "DATABASE_URL": url}
    try:
        manage(env, "migrate", "-v0")
        manage(
            env,
            "shell",
            "-v0",
            "-c",
            "from tests.monitoring.factories import well_create\n"
            f"[well_create(site_no=f'BW{{i:04d}}') for i in range({WELLS})]",
        )
        import_s, rss_mb, summary = timed_import(env, csv_path)
        assert summary["imported"] == rows, summary
        if database == "postgres":
            ceiling_s = ceiling_postgres(url, csv_path)
        else:
            ceiling_s = ceiling_sqlite(workdir / "bench.sqlite3", csv_path)
    finally:
        if cluster:
            cluster.remove()
    return {
        "database": database,
        "rows": rows,
        "import_rows_per_s": round(rows / import_s),
        "ceiling_rows_per_s": round(rows / ceiling_s),
        "ratio": round(ceiling_s / import_s, 3),
        "import_peak_rss_mb": round(rss_mb, 1),
        "target_ratio": 0.5,
        "target_rss_mb": 200,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--out", type=Path, default=BASE_DIR / "bench" / "results" / "import.json")
    args = parser.parse_args()
    databases = ("sqlite", "postgres") if args.database == "both" else (args.database,)
    with tempfile.TemporaryDirectory(prefix="piezo-bench-") as tmp:
        workdir = Path(tmp)
        csv_path = workdir / "levels.csv"
        generate_csv(csv_path, args.rows)
        results = [run(database, args.rows, csv_path, workdir) for database in databases]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(
        f"{'database':<10} {'import rows/s':>14} {'ceiling rows/s':>15} "
        f"{'ratio':>6} {'peak RSS MB':>12}"
    )
    for r in results:
        met = (
            "met"
            if r["ratio"] >= r["target_ratio"] and r["import_peak_rss_mb"] < r["target_rss_mb"]
            else "NOT met"
        )
        print(
            f"{r['database']:<10} {r['import_rows_per_s']:>14,} {r['ceiling_rows_per_s']:>15,} "
            f"{r['ratio']:>6.2f} {r['import_peak_rss_mb']:>12.1f}  target (>=0.50, <200 MB) {met}"
        )


if __name__ == "__main__":
    main()
