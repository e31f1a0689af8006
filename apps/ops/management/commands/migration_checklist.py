"""manage.py migration_checklist: does the code match ADR-0004's sync-to-async plan?"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.ops.checklist import plan
from apps.ops.checklist.analysis import UNKNOWN, UNSAFE, UNSAFE_KINDS

BLOCKING_KINDS = (*UNSAFE_KINDS, "unknown")

DEFAULT_ADR = Path("ADR") / "0004-sync-to-async-migration.md"
MARKS = {
    "at target": "ok",
    "out of scope": "ok",
    "reviewed": "reviewed",
    "ahead": "AHEAD",
    "behind": "BEHIND",
    "unsafe": "UNSAFE",
}


class Command(BaseCommand):
    help = (
        "List every route (each django-ninja operation with its method), class-based view, "
        "websocket consumer, the project's middleware and the admin; classify each as sync, "
        "async-native, async-offloaded, async-driver, async-unsafe (async code reaching the "
        "sync ORM, a sync-only Django API or a blocking call, directly or through project "
        "functions at any depth) or unknown; and compare with ADR-0004's table."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=("text", "markdown", "json"), default="text")
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Exit 1 on any unsafe, unknown, behind, ahead, unplanned, missing or stale "
            "entry, naming each (unsafe and unknown first).",
        )
        parser.add_argument(
            "--write",
            action="store_true",
            help="Rewrite the ADR's table from the code: targets, reviewed marks, extra "
            "columns and notes kept; new routes 'unplanned'; status and progress computed.",
        )
        parser.add_argument("--adr", type=Path, default=None, help=f"Default: {DEFAULT_ADR}")

    def handle(self, *args, **options) -> None:
        adr = options["adr"] or settings.BASE_DIR / DEFAULT_ADR
        if not adr.exists():
            raise CommandError(f"{adr}: no such ADR.")
        try:
            if options["write"]:
                for change in plan.write_table(adr):
                    self.stderr.write(change)
                self.stderr.write(f"Wrote the table in {adr}.")
            table = plan.read_table(adr)
            items = plan.compare(adr, table)
        except plan.TableError as exc:
            raise CommandError(str(exc)) from None
        failing = plan.failing(items)
        if options["format"] == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "adr": str(adr),
                        "items": [item.as_dict() for item in items],
                        # Each finding that keeps a route off the loop, with where to look:
                        # the file and line, and the calls from the handler that lead there.
                        "unsafe": [
                            {"method": item.method, "route": item.route, **finding}
                            for item in items
                            for finding in item.findings
                            if finding["kind"] in BLOCKING_KINDS
                        ],
                        "summary": plan.summary_lines(items),
                        "failing": len(failing),
                    },
                    indent=2,
                )
            )
        elif options["format"] == "markdown":
            # The ADR's own table, as --write would write it: for a pull-request comment.
            self.stdout.write(plan.render(table, items)[0])
        else:
            for i in items:
                mark = MARKS.get(i.status, i.status.upper())
                self.stdout.write(
                    f"[{mark:>8}] {i.method:6} {i.route:38} {i.classification:16} "
                    f"{i.phase or '-':>4} (target {i.target or '-'})"
                )
                if i.classification in (UNSAFE, UNKNOWN):
                    # file:line first, so an editor or terminal can jump to it.
                    for f in i.findings:
                        if f["kind"] in BLOCKING_KINDS:
                            self.stdout.write(
                                f"             {f['file']}:{f['line']}: {f['detail']}"
                            )
                    continue
                for note in (
                    i.notes if i.status != "at target" or i.classification != "sync" else []
                ):
                    self.stdout.write(f"             {note}")
            for line in plan.summary_lines(items):
                self.stdout.write(line)
        if options["strict"] and failing:
            names = ", ".join(i.label for i in failing)
            raise CommandError(f"{len(failing)} failing the plan: {names}")
