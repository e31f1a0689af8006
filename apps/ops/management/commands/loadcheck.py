"""manage.py loadcheck --url URL: a concurrency self-test against a running deployment."""

import asyncio
import sys
from contextlib import nullcontext

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from tqdm import tqdm

from apps.ops import loadcheck


class Command(BaseCommand):
    help = (
        "Send mixed concurrent requests to a running Piezo and check every answer against "
        "the database this command is configured for (DATABASE_URL: the deployment's). "
        "Reports wrong answers, errors by status, p50/p95/p99 latency and the peak number of "
        "server-side connections. Exit 1 on any wrong answer or server error."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", required=True, help="e.g. http://127.0.0.1:8000")
        parser.add_argument("--requests", type=int, default=1000)
        parser.add_argument("--concurrency", type=int, default=20)
        parser.add_argument("--duration", type=float, help="Stop after this many seconds.")
        parser.add_argument(
            "--write-token",
            help="Include writes (POSTed far in the future, checked, then removed).",
        )
        parser.add_argument("--keep-writes", action="store_true", help="Do not remove them.")

    def handle(self, *args, **options) -> None:
        if options["requests"] < 1 or options["concurrency"] < 1:
            raise CommandError("--requests and --concurrency must be at least 1.")
        base_url = options["url"].rstrip("/")
        try:
            oracle = loadcheck.Oracle.read()
        except Exception as exc:
            raise CommandError(
                f"cannot read the database (the oracle): {type(exc).__name__}: {exc}"
            ) from None
        if not oracle.wells:
            raise CommandError("the database has no wells to check against (load some first).")
        try:
            loadcheck.preflight(base_url, options["write_token"], oracle.wells[0])
        except loadcheck.LoadCheckError as exc:
            raise CommandError(str(exc)) from None
        sampler = (
            loadcheck.ConnectionSampler() if connection.vendor == "postgresql" else nullcontext()
        )
        progress = tqdm(
            total=options["requests"],
            unit=" req",
            desc="loadcheck",
            disable=not sys.stderr.isatty(),
            file=sys.stderr,
        )
        with sampler, progress:
            report = asyncio.run(
                loadcheck.run_load(
                    base_url=base_url,
                    oracle=oracle,
                    requests=options["requests"],
                    concurrency=options["concurrency"],
                    duration_s=options["duration"],
                    write_token=options["write_token"],
                    on_progress=progress.update,
                )
            )
        if connection.vendor == "postgresql":
            report.peak_connections = sampler.peak
        loadcheck.verify_writes(report)
        if report.writes_accepted and not options["keep_writes"]:
            loadcheck.remove_writes(report)
        self._print(report)
        if not report.ok:
            raise CommandError(
                f"{len(report.wrong)} wrong answer(s) and {report.server_errors} server error(s)."
            )

    def _print(self, report: loadcheck.Report) -> None:
        rate = report.requests / report.elapsed_s if report.elapsed_s else 0
        statuses = ", ".join(
            f"{status}: {n}" for status, n in sorted(report.statuses.items(), key=str)
        )
        peak = "n/a (SQLite)" if report.peak_connections is None else str(report.peak_connections)
        self.stdout.write(
            f"requests {report.requests} in {report.elapsed_s:.1f} s ({rate:.0f}/s)\n"
            f"statuses {statuses}\n"
            f"latency  p50 {report.percentile(0.50):.1f} ms, p95 {report.percentile(0.95):.1f} ms, "
            f"p99 {report.percentile(0.99):.1f} ms\n"
            f"writes   {len(report.writes_accepted)} acknowledged and found\n"
            f"peak server-side connections {peak}\n"
            f"wrong answers {len(report.wrong)}"
        )
        for problem in report.wrong[:20]:
            self.stderr.write(f"  wrong: {problem}")
