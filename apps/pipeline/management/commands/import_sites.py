"""manage.py import_sites PATH: create or update wells from a USGS RDB site file."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.pipeline.parsers import FileFormatError
from apps.pipeline.services import FORMATS, sites_import


class Command(BaseCommand):
    help = (
        "Create or update wells and their locations from a USGS RDB site file (or a CSV "
        "with the same columns). Wells (GW) and springs (SP) are imported; other site "
        "types are counted as skipped with the reason. All or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--format", choices=FORMATS)
        parser.add_argument("--output", choices=("text", "json"), default="text")

    def handle(self, *args, **options) -> None:
        try:
            summary = sites_import(path=options["path"], file_format=options["format"])
        except FileFormatError as exc:
            raise CommandError(str(exc)) from None
        for error in summary.errors:
            self.stderr.write(str(error))
        if options["output"] == "json":
            self.stdout.write(json.dumps(summary.as_dict()))
        elif not summary.errors:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{summary.rows} sites read: {summary.created} created, "
                    f"{summary.updated} updated, {sum(summary.skipped.values())} skipped."
                )
            )
            for reason, count in summary.skipped.items():
                self.stdout.write(f"  skipped {count}: {reason}")
        if summary.errors:
            raise CommandError(f"{len(summary.errors)} problem(s); nothing was imported.")
