"""manage.py import_waterlevels PATH: load a field sheet (CSV) or a USGS RDB download."""

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from apps.pipeline.parsers import FileFormatError, data_lines
from apps.pipeline.services import FORMATS, waterlevels_import
from apps.pipeline.timeparse import TimeError


class Command(BaseCommand):
    help = (
        "Import water levels, all or nothing: if any row is invalid nothing is written and "
        "every problem is listed by row (the file's line number), column and value. Rows "
        "already stored (same well and time) are not added again, so importing a file twice "
        "adds nothing; stored readings the file says differently are listed and kept (exit "
        "status 3) unless --replace. Naive times are local time in --timezone, with that "
        "date's DST offset."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--format", choices=FORMATS, help="Default: detected from the file.")
        parser.add_argument(
            "--timezone",
            default=None,
            help=f"Zone of naive times (default {settings.PIEZO_LOCAL_TIMEZONE}).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report; write nothing."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace stored readings that the file says differently (same well and "
            "time, other values). Without it they are kept, listed, and the exit status is 3.",
        )
        parser.add_argument(
            "--source",
            choices=("import", "transducer", "manual"),
            default="import",
            help="What the readings are: 'transducer' for a logger's download (default "
            "'import'). The hydrograph draws dense data as a line whatever the source.",
        )
        parser.add_argument("--output", choices=("text", "json"), default="text")

    def handle(self, *args, **options) -> None:
        progress = tqdm(
            total=data_lines(options["path"]),  # so the bar shows the total and an ETA
            unit=" rows",
            unit_scale=True,
            desc="importing",
            disable=options["output"] == "json" or not sys.stderr.isatty(),
            file=sys.stderr,
        )
        try:
            with progress:
                summary = waterlevels_import(
                    path=options["path"],
                    file_format=options["format"],
                    zone_name=options["timezone"] or settings.PIEZO_LOCAL_TIMEZONE,
                    dry_run=options["dry_run"],
                    replace=options["replace"],
                    source=options["source"],
                    on_progress=progress.update,
                )
        except (FileFormatError, TimeError) as exc:
            raise CommandError(str(exc)) from None
        for error in summary.errors:
            self.stderr.write(str(error))
        if options["output"] == "json":
            self.stdout.write(json.dumps(summary.as_dict()))
        elif summary.ok:
            verb = "Would import" if summary.dry_run else "Imported"
            self.stdout.write(
                self.style.SUCCESS(
                    f"{verb} {summary.imported} of {summary.rows} rows from {summary.path} "
                    f"({summary.already_present} already present)."
                )
            )
            self._differences(summary)
            self._flagged(summary)
        if not summary.ok:
            raise CommandError(
                f"{len(summary.errors)} problem(s) in {summary.path}; nothing was imported."
            )
        if summary.kept_differences:
            # Imported, but not everything the file says is stored: a script must notice.
            raise CommandError(
                f"{summary.kept_differences} row(s) of {summary.path} differ from the stored "
                "readings and were kept as stored; --replace replaces them.",
                returncode=3,
            )

    def _flagged(self, summary) -> None:
        if not summary.flagged_count:
            return
        self.stdout.write(
            self.style.WARNING(
                f"{summary.flagged_count} reading(s) stored with a plausibility warning "
                "(the admin's plausibility filter lists them):"
            )
        )
        for f in summary.flagged:
            self.stdout.write(
                f"  {f['site_no']} {f['observed_at'].isoformat()} "
                f"{f['depth_to_water_ft']} ft: {', '.join(f['flags'])}"
            )
        if summary.flagged_count > len(summary.flagged):
            self.stdout.write(f"  ... and {summary.flagged_count - len(summary.flagged)} more")

    def _differences(self, summary) -> None:
        if not summary.differing:
            return
        if summary.replaced:
            verb = "would replace" if summary.dry_run else "replaced"
            head = f"{summary.differing} rows differ from what is stored: {verb} them."
        else:
            head = (
                f"{summary.differing} rows differ from what is stored and were kept as "
                "stored; run again with --replace to replace them:"
            )
        self.stdout.write(self.style.WARNING(head))
        for d in summary.differences:
            changes = ", ".join(f"{c} {old!r} -> {new!r}" for c, (old, new) in d["changes"].items())
            self.stdout.write(f"  {d['site_no']} {d['observed_at'].isoformat()}: {changes}")
        if summary.differing > len(summary.differences):
            self.stdout.write(f"  ... and {summary.differing - len(summary.differences)} more")
