"""manage.py seed_demo: load realistic, deterministic demo data."""

import sys
import time
from datetime import UTC, date, datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from apps.monitoring import demo, services
from apps.monitoring.models import Well


class Command(BaseCommand):
    help = (
        "Load demo wells, water levels, samples, contacts and groups for New Mexico. "
        "The same --seed and --end give the same data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--wells", type=int, default=60, help="How many wells (default 60).")
        parser.add_argument(
            "--years", type=int, default=5, help="Years of monthly manual readings (default 5)."
        )
        parser.add_argument(
            "--transducer-wells",
            type=int,
            default=3,
            help="How many of the wells carry an hourly logger (default 3).",
        )
        parser.add_argument(
            "--transducer-days",
            type=int,
            default=180,
            help="Days of hourly logger readings per logger well (default 180).",
        )
        parser.add_argument(
            "--end",
            type=date.fromisoformat,
            default=None,
            help="Last day of the data, YYYY-MM-DD (default: today, so the demo looks current).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has wells (used by `make run`).",
        )

    def handle(self, *args, **options) -> None:
        for name in ("wells", "years", "transducer_days"):
            if options[name] < 1:
                raise CommandError(f"--{name.replace('_', '-')} must be at least 1.")
        if options["transducer_wells"] < 0 or options["transducer_wells"] > options["wells"]:
            raise CommandError("--transducer-wells must be between 0 and --wells.")
        if options["if_empty"] and Well.objects.exists():
            self.stdout.write("Demo data not loaded: the database already has wells.")
            return
        if Well.objects.filter(
            site_no__in=[
                w.site_no
                for w in demo.demo_wells(
                    demo.random.Random(options["seed"]),
                    count=options["wells"],
                    transducer_count=0,
                )
            ]
        ).exists():
            raise CommandError(
                "Some demo wells already exist (same --seed loaded before). "
                "Use another --seed, or flush the database first."
            )
        end = options["end"] or datetime.now(UTC).date()
        expected_rows = (
            options["wells"] * (options["years"] * 12 + 1)
            + options["transducer_wells"] * options["transducer_days"] * 24
        )
        progress = tqdm(
            total=expected_rows,
            unit=" rows",
            unit_scale=True,
            desc="observations",
            disable=not sys.stderr.isatty(),
            file=sys.stderr,
        )
        started = time.perf_counter()
        with progress:
            counts = services.demo_seed(
                seed=options["seed"],
                wells=options["wells"],
                years=options["years"],
                transducer_wells=options["transducer_wells"],
                transducer_days=options["transducer_days"],
                end=end,
                on_progress=progress.update,
            )
        elapsed = time.perf_counter() - started
        rate = counts["observations"] / elapsed if elapsed else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {counts['wells']} wells, {counts['observations']:,} observations and "
                f"{counts['samples']} samples in {elapsed:.1f} s ({rate:,.0f} observations/s)."
            )
        )
