"""manage.py export_observations --well SITE_NO: a well's readings as CSV or JSON on stdout.
Shares its code with the API's streaming CSV."""

import asyncio
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.monitoring import exports, selectors
from apps.monitoring.timepolicy import NAIVE_RULE, TimeError, instant


def _moment(text: str) -> datetime:
    """By the one rule for time (timepolicy.py): without an offset, local time in
    PIEZO_LOCAL_TIMEZONE."""
    try:
        return instant(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError as exc:  # TimeError is a ValueError
        detail = str(exc) if isinstance(exc, TimeError) else "is not an ISO 8601 date or time"
        raise CommandError(f"{text!r} {detail}.") from None


class Command(BaseCommand):
    help = (
        "Write one well's readings (optionally between --start and --end) to stdout; times "
        "are written in UTC with their offset."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--well", required=True, metavar="SITE_NO")
        parser.add_argument("--start", type=_moment, help=NAIVE_RULE + ".")
        parser.add_argument("--end", type=_moment, help=NAIVE_RULE + ".")
        parser.add_argument("--format", choices=("csv", "json"), default="csv")
        parser.add_argument(
            "--bom",
            action="store_true",
            help="CSV: start with a UTF-8 byte-order mark, for spreadsheet programs.",
        )

    def handle(self, *args, **options) -> None:
        if options["start"] and options["end"] and options["start"] > options["end"]:
            raise CommandError("--start is after --end.")
        filters = selectors.ObservationFilters(start=options["start"], end=options["end"])
        asyncio.run(self._export(options["well"], filters, options["format"], options["bom"]))

    async def _export(self, site_no: str, filters, file_format: str, bom: bool) -> None:
        well_id = await selectors.well_aget_id(site_no=site_no)
        if well_id is None:
            raise CommandError(f"No well with site number {site_no!r}.")
        stream = (
            exports.observation_csv_astream(
                well_id=well_id, site_no=site_no, filters=filters, bom=bom
            )
            if file_format == "csv"
            else exports.observation_json_astream(well_id=well_id, site_no=site_no, filters=filters)
        )
        async for text in stream:
            self.stdout.write(text, ending="")
