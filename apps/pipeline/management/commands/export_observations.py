"""manage.py export_observations --well SITE_NO: a well's readings as CSV or JSON on stdout,
as a role may see them (--as; public unless said). Shares its code with the API's
streaming CSV."""

import asyncio
from datetime import datetime

from django.contrib.auth.models import AnonymousUser, Group
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.monitoring import exports, roles, selectors
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
            "--as",
            dest="role",
            choices=("public", *roles.ROLES),
            default="public",
            help="Whose view to export: the public's (the default: public wells with their "
            "owners' consent only) or a role's (ADR-0012).",
        )
        parser.add_argument(
            "--bom",
            action="store_true",
            help="CSV: start with a UTF-8 byte-order mark, for spreadsheet programs.",
        )

    def handle(self, *args, **options) -> None:
        if options["start"] and options["end"] and options["start"] > options["end"]:
            raise CommandError("--start is after --end.")
        filters = selectors.ObservationFilters(start=options["start"], end=options["end"])
        audience = _role_audience(options["role"])
        asyncio.run(
            self._export(options["well"], filters, options["format"], options["bom"], audience)
        )

    async def _export(
        self, site_no: str, filters, file_format: str, bom: bool, audience: selectors.Audience
    ) -> None:
        well = await selectors.well_scope_aget(site_no=site_no, audience=audience)
        if well is None:
            raise CommandError(
                f"No well with site number {site_no!r} that the {audience.scope} view shows."
            )
        stream = (
            exports.observation_csv_astream(well=well, filters=filters, bom=bom)
            if file_format == "csv"
            else exports.observation_json_astream(well=well, filters=filters)
        )
        async for text in stream:
            # The CSV comes as the response's UTF-8 bytes, the JSON as text.
            self.stdout.write(text if isinstance(text, str) else text.decode(), ending="")


def _role_audience(role: str) -> selectors.Audience:
    """What a member of ``role`` (its group's permissions) may see."""
    if role == "public":
        return selectors.audience_get(user=AnonymousUser())
    group = Group.objects.filter(name=role).first()
    if group is None:
        raise CommandError(f"No group {role!r}: run manage.py migrate (migration 0010 makes it).")
    granted = {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }
    return selectors.Audience(
        private_data=roles.PRIVATE_DATA_PERMISSION in granted,
        contact_details=roles.CONTACT_DETAILS_PERMISSION in granted,
    )
