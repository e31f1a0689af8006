"""manage.py import_waterlevels PATH: load a field sheet (CSV) or a USGS RDB download."""

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from apps.pipeline.parsers import FileFormatError
from apps.pipeline.services import FORMATS, waterlevels_import
from apps.pipeline.timeparse import TimeError


class Command(BaseCommand):
    help = (
        "Import water levels, all or nothing: if any row is invalid nothing is written and "
        "every problem is listed by row (the file's line number), column and value. Rows "
        "already stored (same well and time) are skipped, so importing a file twice adds "
        "nothing. Naive times are local time in --timezone, with that date's DST offset."
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
        parser.add_argument("--output", choices=("text", "json"), default="text")

    def handle(self, *args, **options) -> None:
        progress = tqdm(
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
        if not summary.ok:
            raise CommandError(
                f"{len(summary.errors)} problem(s) in {summary.path}; nothing was imported."
            )
