"""The admin at a survey's scale (issue 21, ADR-0008): every changelist and change page a data
manager opens, timed as a browser would ask for it (a staff session over HTTP, one uvicorn
worker), at about 100,000 readings and at a survey's size: 2,000,000 on SQLite, 10,000,000
on PostgreSQL. Targets: p50 under a second on every page at the large size, and the large
size's p50 at most twice the small one's.

Usage: python bench/admin_bench.py [--database both] [--repeat 5] [--small-only]
Writes bench/results/admin-<database>.json and the table between the admin markers of
docs/benchmarks.md.
"""

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

import httpx

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.http_bench import BenchError, Database, manage  # noqa: E402
from tests.support.pgcluster import free_port  # noqa: E402

RESULTS_DIR = BASE_DIR / "bench" / "results"
DOC = BASE_DIR / "docs" / "benchmarks.md"
BEGIN, END = "<!-- admin-bench:begin -->", "<!-- admin-bench:end -->"
TARGET_P50_S, TARGET_RATIO = 1.0, 2.0
# seed_demo arguments: monthly manual readings per well and year, hourly per logger day.
SIZES = {
    "small": (
        "--wells",
        "100",
        "--years",
        "5",
        "--transducer-wells",
        "4",
        "--transducer-days",
        "1000",
    ),
    "sqlite": (
        "--wells",
        "100",
        "--years",
        "20",
        "--transducer-wells",
        "20",
        "--transducer-days",
        "4000",
    ),
    "postgres": (
        "--wells",
        "130",
        "--years",
        "20",
        "--transducer-wells",
        "120",
        "--transducer-days",
        "4000",
    ),
}
MODELS = (
    "well",
    "location",
    "observation",
    "sample",
    "sampleresult",
    "contact",
    "wellcontact",
    "group",
    "sensor",
    "deployment",
    "lexiconterm",
)


def pages(db: Database) -> dict[str, str]:
    """Every changelist and change page, and the observation list as data managers use it."""
    first = {model: db.query(f"SELECT MIN(id) FROM monitoring_{model}")[0][0] for model in MODELS}
    ((well_id, site_no),) = db.query(
        "SELECT w.id, w.site_no FROM monitoring_well w JOIN monitoring_observation o "
        "ON o.well_id = w.id GROUP BY w.id, w.site_no ORDER BY COUNT(*) DESC LIMIT 1"
    )
    ((year,),) = db.query("SELECT MAX(observed_at) FROM monitoring_observation")
    year = str(year)[:4]
    found = {}
    for model in MODELS:
        found[f"{model} list"] = f"/admin/monitoring/{model}/"
        found[f"{model} change"] = f"/admin/monitoring/{model}/{first[model]}/change/"
    observations = "/admin/monitoring/observation/"
    found.update(
        {
            "observations sorted by time (oldest first)": f"{observations}?o=1",
            "observations of one well": f"{observations}?well__id__exact={well_id}",
            "observations, search by site number": f"{observations}?q={site_no}",
            "observations of one year": f"{observations}?observed={year}",
            "observations, transducer only": f"{observations}?source=transducer",
            "observations, approved only": f"{observations}?data_quality=approved",
            "observations, page 50": f"{observations}?p=50",
            "a well with its readings inline": f"/admin/monitoring/well/{well_id}/change/",
        }
    )
    return found


def logged_in_client(base_url: str) -> httpx.Client:
    client = httpx.Client(base_url=base_url, timeout=120, follow_redirects=False)
    form = client.get("/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)[1]
    response = client.post(
        "/admin/login/?next=/admin/",
        data={"username": "bench", "password": "bench-pw-1234", "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base_url}/admin/login/"},
    )
    if response.status_code != 302:
        raise BenchError(f"admin login failed: {response.status_code}")
    return client


def measure(db: Database, env: dict, repeat: int) -> dict:
    import subprocess

    port = free_port()
    log = (BASE_DIR / "var" / "bench" / f"admin-{db.vendor}.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "project.asgi:application", "--port", str(port)]
        + ["--log-level", "warning"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        client = logged_in_client(base)
        timings = {}
        for name, path in pages(db).items():
            seconds = []
            for _ in range(repeat):
                started = time.perf_counter()
                response = client.get(path)
                seconds.append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise BenchError(f"{path}: HTTP {response.status_code}")
            timings[name] = {
                "path": path,
                "p50_s": round(statistics.median(seconds), 4),
                "max_s": round(max(seconds), 4),
            }
            print(f"[{db.vendor}] {name:45} p50 {timings[name]['p50_s']:.3f} s", flush=True)
        return timings
    finally:
        server.terminate()
        server.wait()
        log.close()


def run(vendor: str, size: str, repeat: int) -> dict:
    db = Database(vendor)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project.settings.bench",
        "DATABASE_URL": db.url,
        "PIEZO_SERVE_STATIC": "false",
    }
    try:
        started = time.perf_counter()
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "seed_demo", *SIZES[size])
        db.execute("VACUUM ANALYZE" if vendor == "postgres" else "ANALYZE")
        manage(
            env,
            "shell",
            "-c",
            "from django.contrib.auth import get_user_model; "
            "get_user_model().objects.create_superuser('bench', 'b@example.org', 'bench-pw-1234')",
        )
        ((observations,),) = db.query("SELECT COUNT(*) FROM monitoring_observation")
        print(
            f"[{vendor}] {size}: {observations:,} readings in {time.perf_counter() - started:.0f} s"
        )
        return {"observations": observations, "pages": measure(db, env, repeat)}
    finally:
        db.stop()


def report(results: dict[str, dict]) -> list[str]:
    lines = [
        BEGIN,
        "",
        "| database | page | p50 s at "
        + " | p50 s at ".join(["~100k", "survey size"])
        + f" | under {TARGET_P50_S:g} s | ratio (≤ {TARGET_RATIO:g}) |",
        "|---|---|---|---|---|---|",
    ]
    for vendor, runs in results.items():
        small, large = runs["small"], runs["large"]
        lines.append(
            f"| {vendor} | readings | {small['observations']:,} | {large['observations']:,} | | |"
        )
        for name, timing in large["pages"].items():
            base = small["pages"][name]["p50_s"]
            ratio = timing["p50_s"] / base if base else float("inf")
            lines.append(
                f"| {vendor} | {name} | {base:.3f} | {timing['p50_s']:.3f} | "
                f"{'met' if timing['p50_s'] < TARGET_P50_S else '**not met**'} | {ratio:.2f} "
                f"{'met' if ratio <= TARGET_RATIO else '**not met**'} |"
            )
    lines += ["", END]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    vendors = ("sqlite", "postgres") if args.database == "both" else (args.database,)
    results = {}
    for vendor in vendors:
        results[vendor] = {"small": run(vendor, "small", args.repeat)}
        results[vendor]["large"] = run(vendor, vendor, args.repeat)
        out = RESULTS_DIR / f"admin-{vendor}.json"
        out.write_text(json.dumps(results[vendor], indent=2))
    everything = {
        vendor: json.loads(path.read_text())
        for vendor in ("sqlite", "postgres")
        if (path := RESULTS_DIR / f"admin-{vendor}.json").exists()
    }
    text = DOC.read_text()
    if BEGIN in text and END in text:
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        DOC.write_text(head + "\n".join(report(everything)) + tail)
        print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"admin bench: {exc}", file=sys.stderr)
        sys.exit(1)
