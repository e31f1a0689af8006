"""Turn bench/results/*.json into docs/benchmarks.md (the part between the markers) and
docs/benchmarks.png. Every figure is a ratio to a baseline measured in the same run.

Usage: python bench/report.py [--results bench/results] [--doc docs/benchmarks.md]
"""

import argparse
import json
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
ENDPOINT_NAMES = {
    "stats": "`/api/stats`",
    "well": "`/api/wells/{site_no}`",
    "wells_page": "`/api/wells?page=…` (a middle page)",
    "year_json": "one year of a logger well, JSON (first 1,000-row page)",
    "csv": "the full hourly series, CSV",
}
# The targets of issue 9, at concurrency 64, 2 workers, PostgreSQL.
TARGET_CONCURRENCY, TARGET_WORKERS = 64, 2
CEILING_RATIO, CSV_RATIO, CSV_RSS_MB = 0.60, 0.50, 150
# ADR-0007's targets for P4 at the same cell: against the sync twin (P1) and today's P2.
P4_VS_SYNC, P4_VS_P2 = 1.2, 1.5


def met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def times(ratio: float) -> str:
    return "∞ (the other completed none)" if ratio == float("inf") else f"{ratio:.2f}"


def p99(measured: dict) -> str:
    """p99 latency, or a dash when no request completed inside the window."""
    return f"{measured['p99_ms']:.0f}" if measured["requests"] else "–"


def cell(cells, **key):
    for item in cells:
        if all(item[k] == v for k, v in key.items()):
            return item
    return None


def targets_table(run: dict) -> list[str]:
    cells = run["cells"]
    budget = TARGET_WORKERS * 2 * run["pool_max_size"]
    lines = [
        f"### Targets: PostgreSQL, {TARGET_WORKERS} workers, concurrency {TARGET_CONCURRENCY}",
        "",
        "| endpoint | async rps | ceiling rps | async / ceiling (≥ 0.60) | sync rps "
        "| async / sync (≥ 1) | p99 async / sync ms (lower) | errors | peak conns "
        f"(≤ {budget}) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    key = {"workers": TARGET_WORKERS, "concurrency": TARGET_CONCURRENCY}
    for endpoint in run["endpoints"]:
        a = cell(cells, target="async", endpoint=endpoint, **key)
        c = cell(cells, target="ceiling", endpoint=endpoint, **key)
        s = cell(cells, target="sync", endpoint=endpoint, **key)
        if not (a and c and s):
            continue
        # A CSV download can outlast the cell, so exports compare bytes/s, not requests/s.
        unit = "mb_per_s" if endpoint == "csv" else "rps"
        # A target that completed nothing in the window lost to one that completed anything.
        ratio = a[unit] / c[unit] if c[unit] else float("inf")
        speedup = a[unit] / s[unit] if s[unit] else float("inf")
        errors = a["errors"] + s["errors"] + c["errors"]
        conns = max(x["peak_connections"] or 0 for x in (a, s))
        fmt = (
            (lambda x: f"{x['mb_per_s']:.1f} MB/s")
            if unit == "mb_per_s"
            else (lambda x: f"{x['rps']:,.0f}")
        )
        lines.append(
            f"| {ENDPOINT_NAMES[endpoint]} | {fmt(a)} | {fmt(c)} | "
            f"{times(ratio)} {met(ratio >= CEILING_RATIO)} | {fmt(s)} | "
            f"{times(speedup)} {met(speedup >= 1)} | {p99(a)} / {p99(s)} "
            f"{met(not s['requests'] or 0 < a['p99_ms'] <= s['p99_ms'])} | "
            f"{errors} {met(errors == 0)} | "
            f"{conns} {met(conns <= budget)} |"
        )
    streams = {s["target"]: s for s in run.get("csv_stream", [])}
    if "async" in streams and "ceiling" in streams:
        a, c = streams["async"], streams["ceiling"]
        ratio = a["rows_per_s"] / c["rows_per_s"]
        lines += [
            "",
            f"### CSV export of a {a['rows']:,}-row series (one client, one worker)",
            "",
            "| target | rows/s | MB | seconds | first byte s | peak RSS MB |",
            "|---|---|---|---|---|---|",
        ]
        for name in ("ceiling", "async", "sync"):
            if name in streams:
                s = streams[name]
                label = "ceiling (`COPY … TO STDOUT`)" if name == "ceiling" else name
                lines.append(
                    f"| {label} | {s['rows_per_s']:,} | {s['megabytes']} | {s['seconds']} | "
                    f"{s['first_byte_s']} | {s['peak_rss_mb']} |"
                )
        lines += [
            "",
            f"Async export / `COPY`: **{ratio:.2f}** "
            f"(target ≥ {CSV_RATIO}: {met(ratio >= CSV_RATIO)}); "
            f"server RSS {a['peak_rss_mb']} MB (target < {CSV_RSS_MB}: "
            f"{met(a['peak_rss_mb'] < CSV_RSS_MB)}).",
        ]
    return lines


def full_table(run: dict) -> list[str]:
    lines = [
        f"### Every cell: {run['database']}",
        "",
        "| endpoint | workers | conc. | target | rps | MB/s | vs ceiling | p50 ms | p99 ms "
        "| errors | peak conns | loop lag ms | peak RSS MB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    cells = run["cells"]
    for endpoint in run["endpoints"]:
        for workers in run["workers"]:
            for concurrency in run["concurrency"]:
                ceiling = cell(
                    cells,
                    target="ceiling",
                    endpoint=endpoint,
                    workers=workers,
                    concurrency=concurrency,
                )
                for target in ("ceiling", "p4", "async", "sync", "p0"):
                    c = cell(
                        cells,
                        target=target,
                        endpoint=endpoint,
                        workers=workers,
                        concurrency=concurrency,
                    )
                    if c is None:
                        continue
                    unit = "mb_per_s" if endpoint == "csv" else "rps"
                    ratio = f"{c[unit] / ceiling[unit]:.2f}" if ceiling and ceiling[unit] else ""
                    lines.append(
                        f"| {endpoint} | {workers} | {concurrency} | {target} | {c['rps']:,.1f} | "
                        f"{c['mb_per_s']:.1f} | {ratio} | {c['p50_ms']:.1f} | {c['p99_ms']:.1f} | "
                        f"{c['errors']} | "
                        f"{'' if c['peak_connections'] is None else c['peak_connections']} | "
                        f"{'' if c['loop_lag_ms'] is None else round(c['loop_lag_ms'])} | "
                        f"{c['peak_rss_mb']:.0f} |"
                    )
    return lines


def import_table(results: Path) -> list[str]:
    path = results / "import.json"
    if not path.exists():
        return []
    lines = [
        "### Import (`bench/import_bench.py`, 1,000,000 rows)",
        "",
        "| database | import rows/s | ceiling rows/s | ratio (≥ 0.50) | peak RSS MB |",
        "|---|---|---|---|---|",
    ]
    for r in json.loads(path.read_text()):
        lines.append(
            f"| {r['database']} | {r['import_rows_per_s']:,} | {r['ceiling_rows_per_s']:,} | "
            f"{r['ratio']:.2f} {met(r['ratio'] >= r['target_ratio'])} | "
            f"{r['import_peak_rss_mb']} |"
        )
    return lines


def plot(runs: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    run = next((r for r in runs if r["database"] == "postgres"), runs[0])
    endpoints = run["endpoints"]
    fig, axes = plt.subplots(1, len(endpoints), figsize=(4 * len(endpoints), 3.6))
    styles = {
        "ceiling": ("black", "--"),
        "async": ("tab:blue", "-"),
        "sync": ("tab:orange", "-"),
        "p0": ("tab:green", ":"),
        "p4": ("tab:purple", "-"),
    }
    for ax, endpoint in zip(axes, endpoints, strict=True):
        for target, (color, line) in styles.items():
            for workers, marker in zip(run["workers"], ("o", "s"), strict=False):
                unit = "mb_per_s" if endpoint == "csv" else "rps"
                points = [
                    (c["concurrency"], c[unit])
                    for c in run["cells"]
                    if c["target"] == target
                    and c["endpoint"] == endpoint
                    and c["workers"] == workers
                ]
                if points:
                    xs, ys = zip(*sorted(points), strict=True)
                    ax.plot(xs, ys, line, color=color, marker=marker, label=f"{target}, {workers}w")
        ax.set_title(f"{endpoint} (MB/s)" if endpoint == "csv" else endpoint)
        ax.set_xscale("log", base=4)
        ax.set_xlabel("concurrency")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("requests/s")
    axes[-1].legend(fontsize=7)
    fig.suptitle(f"Piezo read endpoints vs the raw ceiling ({run['database']})")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def p4_table(run: dict, source: str) -> list[str]:
    """ADR-0007's targets: P4 beside P2, the sync twins (P1), P0 and the ceiling."""
    cells = run["cells"]
    key = {"workers": TARGET_WORKERS, "concurrency": TARGET_CONCURRENCY}
    lines = [
        f"### P4 (ADR-0007): PostgreSQL, {TARGET_WORKERS} workers, concurrency "
        f"{TARGET_CONCURRENCY}",
        "",
        source,
        "",
        "| endpoint | P4 rps | P2 rps | P1 sync rps | P0 rps | ceiling rps "
        f"| P4 / sync (≥ {P4_VS_SYNC}) | p99 P4 / sync ms (lower) | P4 / P2 (≥ {P4_VS_P2}) "
        "| loop lag P4 / P2 ms (lower) | P4 errors | peak conns P4 |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for endpoint in run["endpoints"]:
        got = {t: cell(cells, target=t, endpoint=endpoint, **key) for t in TARGETS_SHOWN}
        p4, p2, sync = got["p4"], got["async"], got["sync"]
        if not (p4 and p2 and sync):
            continue
        unit = "mb_per_s" if endpoint == "csv" else "rps"
        vs_sync = p4[unit] / sync[unit] if sync[unit] else float("inf")
        vs_p2 = p4[unit] / p2[unit] if p2[unit] else float("inf")
        lag = (p4["loop_lag_ms"] or 0, p2["loop_lag_ms"] or 0)
        # A twin that completed nothing in the window has no p99: any answer is lower.
        lower_p99 = not sync["requests"] or p4["p99_ms"] < sync["p99_ms"]
        lines.append(
            f"| {ENDPOINT_NAMES.get(endpoint, endpoint)} | "
            + " | ".join(
                f"{got[t][unit]:,.1f}" if got[t] else "–"
                for t in ("p4", "async", "sync", "p0", "ceiling")
            )
            + f" | {times(vs_sync)} {met(vs_sync >= P4_VS_SYNC)} | {p99(p4)} / {p99(sync)} "
            f"{met(lower_p99)} | {times(vs_p2)} {met(vs_p2 >= P4_VS_P2)} | "
            f"{lag[0]:.0f} / {lag[1]:.0f} {met(lag[0] < lag[1])} | "
            f"{p4['errors']} | {p4['peak_connections']} |"
        )
    lines.append("")
    lines.append(
        "CSV rows are MB/s, not requests/s. Errors of the other targets are in the full table."
    )
    return lines


TARGETS_SHOWN = ("p4", "async", "sync", "p0", "ceiling")


def render(runs: list[dict], results: Path) -> str:
    first = runs[0]
    env = first["environment"]
    lines = [
        BEGIN,
        "",
        f"Run of {env['date']} on {env['machine']}; Python {env['python']}, Django "
        f"{env['django']}, uvicorn {env['uvicorn']} (uvloop, httptools), psycopg {env['psycopg']}, "
        f"{env['postgres']}, SQLite {env['sqlite']}, {env['wrk']}.",
        "",
        "Commands: `make bench`, that is "
        + ", ".join(f"`{command}`" for command in dict.fromkeys(r["command"] for r in runs))
        + ", `python bench/import_bench.py --rows 1000000 --database both` and "
        "`python bench/report.py`.",
        "",
        f"Data: {first['data']['observations']:,} observations in {first['data']['wells']} wells "
        f"(`seed_demo`); endpoints on well {first['data']['site_no']} "
        f"({first['data']['site_rows']:,} readings); the CSV target's well has "
        f"{first['data']['big_rows']:,}.",
        "",
        "![requests/s against concurrency](benchmarks.png)",
        "",
    ]
    for run in runs:
        if run["database"] == "postgres":
            lines += targets_table(run) + [""]
    lines += p4_section(runs, results)
    lines += import_table(results) + [""]
    for run in runs:
        differing = [f"{t} on {', '.join(p)}" for t, p in run["answers"].items() if p]
        lines.append(
            f"Answers compared before the load ({run['database']}): "
            + (
                "every target gave Piezo's answer on every endpoint."
                if not differing
                else "**differed**: " + "; ".join(differing) + " (bench/results has the answers)."
            )
        )
        lines.append("")
    for run in runs:
        lines += full_table(run) + [""]
    lines.append(END)
    return "\n".join(lines)


def p4_run(runs: list[dict], results: Path) -> tuple[dict | None, str]:
    """The run with P4 cells: the full one when it measured P4, else one of its own."""
    for run in runs:
        if run["database"] == "postgres" and any(c["target"] == "p4" for c in run["cells"]):
            return run, "From the run above."
    own = results / "p4" / "http-postgres.json"
    if not own.exists():
        return None, ""
    run = json.loads(own.read_text())
    return run, (
        f"A run of its own ({run['environment']['date']}; `{run['command']}`): "
        f"{run['data']['observations']:,} observations, the same endpoints, every target up at "
        "once and each cell measured on them back to back."
    )


def p4_section(runs: list[dict], results: Path) -> list[str]:
    run, source = p4_run(runs, results)
    if run is None:
        return []
    return [
        *p4_table(run, source),
        "",
        "![P4 beside P2, P1, P0 and the ceiling](benchmarks-p4.png)",
        "",
    ]


def plot_p4(run: dict, path: Path) -> None:
    """Each endpoint's throughput per target at the P4 cell, as grouped bars."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    key = {"workers": TARGET_WORKERS, "concurrency": TARGET_CONCURRENCY}
    endpoints = run["endpoints"]
    fig, axes = plt.subplots(1, len(endpoints), figsize=(3.2 * len(endpoints), 3.4))
    for ax, endpoint in zip(axes, endpoints, strict=True):
        unit = "mb_per_s" if endpoint == "csv" else "rps"
        values = [
            (c[unit] if (c := cell(run["cells"], target=t, endpoint=endpoint, **key)) else 0)
            for t in TARGETS_SHOWN
        ]
        ax.bar(
            TARGETS_SHOWN,
            values,
            color=["tab:purple", "tab:blue", "tab:orange", "tab:green", "grey"],
        )
        ax.set_title(f"{endpoint} ({'MB/s' if endpoint == 'csv' else 'req/s'})", fontsize=9)
        ax.tick_params(axis="x", labelsize=7)
    fig.suptitle(
        f"P4 beside P2 (async), P1 (sync), P0 and the ceiling: PostgreSQL, "
        f"{TARGET_WORKERS} workers, concurrency {TARGET_CONCURRENCY}"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, default=BASE_DIR / "bench" / "results")
    parser.add_argument("--doc", type=Path, default=BASE_DIR / "docs" / "benchmarks.md")
    args = parser.parse_args()
    runs = [
        json.loads(path.read_text())
        for name in ("http-postgres.json", "http-sqlite.json")
        if (path := args.results / name).exists()
    ]
    if not runs:
        print(f"no results in {args.results}: run bench/http_bench.py first", file=sys.stderr)
        return 1
    generated = render(runs, args.results)
    text = args.doc.read_text() if args.doc.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        print(f"{args.doc} lacks the {BEGIN} … {END} markers", file=sys.stderr)
        return 1
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    args.doc.write_text(head + generated + tail)
    plot(runs, args.doc.with_suffix(".png"))
    p4, _ = p4_run(runs, args.results)
    if p4 is not None:
        plot_p4(p4, args.doc.with_name(f"{args.doc.stem}-p4.png"))
    print(f"wrote {args.doc} and {args.doc.with_suffix('.png')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
