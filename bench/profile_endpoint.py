"""Where one endpoint's time goes under load: py-spy samples a one-worker server while wrk
drives the endpoint, and the samples are summed by function (own time and total time).

Usage:  python bench/profile_endpoint.py --endpoint well [--target async] [--seconds 10]
The flame graph (speedscope JSON) and the raw stacks are written to var/bench/.
"""

import argparse
import os
import shutil
import subprocess
import sys
import threading
from collections import Counter

from http_bench import BASE_DIR, ENDPOINTS, TARGETS, Database, Server, parse_args, seed, wrk


def cpu_seconds(worker) -> dict[str, float]:
    """CPU seconds used so far by the server worker, PostgreSQL and wrk."""
    import psutil

    used = {"server worker": sum(worker.cpu_times()[:2]), "postgres": 0.0, "wrk": 0.0}
    for process in psutil.process_iter(["name", "cpu_times"]):
        name = process.info["name"] or ""
        key = "postgres" if name.startswith("postgres") else "wrk" if name == "wrk" else None
        if key and process.info["cpu_times"]:
            used[key] += sum(process.info["cpu_times"][:2])
    return used


def summarize(raw_path, top: int) -> str:
    own, total, samples = Counter(), Counter(), 0
    for line in raw_path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        count = int(count)
        samples += count
        frames = stack.split(";")
        own[frames[-1]] += count
        for frame in set(frames):
            total[frame] += count
    lines = [f"{samples} samples", "", "own time:"]
    lines += [f"  {100 * n / samples:5.1f}%  {frame}" for frame, n in own.most_common(top)]
    lines += ["", "total time (the frame or anything it called):"]
    lines += [f"  {100 * n / samples:5.1f}%  {frame}" for frame, n in total.most_common(top)]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("postgres", "sqlite"), default="postgres")
    parser.add_argument("--endpoint", choices=ENDPOINTS, default="well")
    parser.add_argument("--target", choices=list(TARGETS), default="async")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--top", type=int, default=30)
    options = parser.parse_args()
    py_spy = shutil.which("py-spy") or str(BASE_DIR / ".venv" / "bin" / "py-spy")
    data_args = parse_args(["--wells", "100", "--years", "5", "--transducer-wells", "3"])
    data_args.transducer_days, data_args.big_series = 365, 0
    db = Database(options.database)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project.settings.bench",
        "DATABASE_URL": db.url,
    }
    try:
        data = seed(db, env, data_args)
        out = BASE_DIR / "var" / "bench" / f"profile-{options.target}-{options.endpoint}"
        with Server(options.target, 1, env) as server:
            worker = server.processes()[-1]
            url = f"{server.url}{server.prefix}{data['paths'][options.endpoint]}"
            report = {}
            load = threading.Thread(
                target=lambda: report.update(
                    wrk(url, concurrency=options.concurrency, duration_s=options.seconds + 2)
                )
            )
            before = cpu_seconds(worker)
            load.start()
            for fmt, suffix in (("raw", ".txt"), ("speedscope", ".speedscope.json")):
                subprocess.run(
                    [
                        py_spy,
                        "record",
                        *("--pid", str(worker.pid), "--duration", str(options.seconds // 2)),
                        *("--rate", "200", "--format", fmt, "--output", f"{out}{suffix}"),
                        "--nonblocking",
                        "--gil",
                    ],
                    check=True,
                    capture_output=True,
                )
            load.join()
            used = {name: after - before[name] for name, after in cpu_seconds(worker).items()}
        print(summarize(out.with_suffix(".txt"), options.top))
        wall = options.seconds + 2
        rps = report["requests"] / (report["duration_us"] / 1e6)
        print(f"\n{url}: {rps:.0f} requests/s at concurrency {options.concurrency} (one worker)")
        print(
            "\nCPU while loaded (share of one core): "
            + ", ".join(f"{name} {100 * seconds / wall:.0f}%" for name, seconds in used.items())
        )
        print(f"\nflame graph: {out}.speedscope.json (https://www.speedscope.app)")
    finally:
        db.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
