"""``make checklist-eval``: the migration checklist's analyser, ruff's ASYNC rules and
Django's own ``SynchronousOnlyOperation`` side by side on the corpus.

- checklist: ``manage.py migration_checklist``'s analyser (a case is flagged when it is
  ``async-unsafe`` or ``unknown``);
- ruff: ``ruff check --select ASYNC --preview`` (every ASYNC rule, preview ones included),
  a case flagged when a diagnostic falls inside its own source;
- Django: every case served for real through Django's async handler (the project's
  middleware, a throwaway SQLite database with one well), flagged when Django raises
  ``SynchronousOnlyOperation``. Consumers are driven with channels' communicator;
  middleware cases are added to the stack for one request.

Prints a line per case and the three rates; exits 1 when the checklist misses its target
(ADR-0004: at least 95% of unsafe cases flagged, no safe case flagged)."""

import asyncio
import inspect
import json
import logging
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings.test")
os.environ.setdefault("DATABASE_URL", "sqlite:///var/piezo-checklist-eval.sqlite3")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.exceptions import SynchronousOnlyOperation  # noqa: E402
from django.test import AsyncClient, override_settings  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from django.urls import path  # noqa: E402
from django.views import View  # noqa: E402

from tests.ops.corpus import SITE, Case, all_cases  # noqa: E402
from tests.ops.corpus.scoring import analyse, flagged, rates  # noqa: E402

CORPUS_DIR = Path(__file__).parent
TEMPLATES = [
    {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], CORPUS_DIR / "templates"]}
]
USER = "corpus"
urlpatterns: list = []  # filled per case: this module is the URLconf while a case runs


def _span(target) -> tuple[str, int, int]:
    lines, first = inspect.getsourcelines(target)
    return str(Path(inspect.getsourcefile(target)).resolve()), first, first + len(lines) - 1


def ruff_verdicts(cases: list[Case]) -> dict[str, bool]:
    files = sorted({str(Path(inspect.getsourcefile(c.target)).resolve()) for c in cases})
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--isolated",
            "--preview",
            "--select",
            "ASYNC",
            "--output-format",
            "json",
            *files,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    diagnostics = json.loads(done.stdout or "[]")
    hits = [(str(Path(d["filename"]).resolve()), d["location"]["row"]) for d in diagnostics]
    verdicts = {}
    for c in cases:
        filename, first, last = _span(c.target)
        verdicts[c.name] = any(f == filename and first <= row <= last for f, row in hits)
    return verdicts


def _raised_sync_only(exc: BaseException | None) -> bool:
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, SynchronousOnlyOperation):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


async def _serve(view, methods=("get",), middleware: str | None = None) -> None:
    urlpatterns[:] = [path("case/", view)]
    stack = [*settings.MIDDLEWARE, *([middleware] if middleware else [])]
    with override_settings(
        ROOT_URLCONF=__name__, MIDDLEWARE=stack, TEMPLATES=TEMPLATES, ALLOWED_HOSTS=["testserver"]
    ):
        client = AsyncClient()
        # A signed-in session gives Django its best chance: request.user and the session
        # then load from the database.
        await client.aforce_login(await get_user_model().objects.aget(username=USER))
        for method in methods:
            response = await getattr(client, method)("/case/")
            if response.streaming:
                [chunk async for chunk in response.streaming_content]


async def _consume(consumer_class) -> None:
    from channels.testing import WebsocketCommunicator

    communicator = WebsocketCommunicator(consumer_class.as_asgi(), "/ws/corpus/")
    try:
        await communicator.connect(timeout=5)
        await communicator.receive_json_from(timeout=5)
    finally:
        await communicator.disconnect()


async def _ok(request):
    from django.http import HttpResponse

    return HttpResponse("ok")


async def django_detects(case: Case) -> bool:
    target = case.target
    try:
        if isinstance(target, type) and issubclass(target, View):
            methods = [m for m in ("get", "post") if hasattr(target, m)]
            await _serve(target.as_view(), methods)
        elif isinstance(target, type) and hasattr(target, "as_asgi"):
            await _consume(target)
        elif isinstance(target, type):
            await _serve(_ok, middleware=f"{target.__module__}.{target.__qualname__}")
        else:
            await _serve(target)
    except Exception as exc:  # what each case raises is the measurement
        return _raised_sync_only(exc)
    return False


def seed() -> None:
    from apps.monitoring.models import Well
    from apps.monitoring.services import demo_seed

    demo_seed(
        seed=3, wells=2, years=1, transducer_wells=0, transducer_days=0, end=date(2025, 6, 30)
    )
    get_user_model().objects.create_user(USER, "corpus@example.org", "corpus-pw-1")
    first = Well.objects.order_by("pk").first()
    Well.objects.filter(pk=first.pk).update(site_no=SITE)


async def runtime_verdicts(cases: list[Case]) -> dict[str, bool]:
    return {c.name: await django_detects(c) for c in cases}


def main() -> int:
    # Each case's own error is the measurement, not news: keep Django's request log quiet.
    logging.getLogger("django.request").setLevel(logging.CRITICAL)
    cases = all_cases()
    checklist = {c.name: analyse(c).classification for c in cases}
    ruff = ruff_verdicts(cases)
    names = ("default", "readonly") if "readonly" in settings.DATABASES else ("default",)
    old = setup_databases(verbosity=0, interactive=False, aliases=set(names))
    try:
        seed()
        runtime = asyncio.run(runtime_verdicts(cases))
    finally:
        teardown_databases(old, verbosity=0)

    def mark(flag: bool) -> str:
        return "flagged" if flag else "-"

    print(f"{'case':66} {'expected':16} {'checklist':16} {'ruff ASYNC':11} {'Django'}")
    for c in sorted(cases, key=lambda c: (c.category, not c.unsafe, c.name)):
        print(
            f"{c.name:66} {c.expected:16} {checklist[c.name]:16} "
            f"{mark(ruff[c.name]):11} {mark(runtime[c.name])}"
        )
    ours = rates(cases, {n: flagged(k) for n, k in checklist.items()})
    print()
    print(f"{len(cases)} cases in {len({c.category for c in cases})} categories")
    print(f"migration_checklist:                {ours}")
    print(f"ruff --select ASYNC --preview:      {rates(cases, ruff)}")
    print(f"Django SynchronousOnlyOperation:    {rates(cases, runtime)}")
    known = [c.name for c in cases if c.missed_as and checklist[c.name] == c.missed_as]
    wrong = [c.name for c in cases if checklist[c.name] not in (c.expected, c.missed_as)]
    if known:
        print(f"known misses (labelled in the corpus): {', '.join(known)}")
    if wrong:
        print(f"classified otherwise than labelled: {', '.join(wrong)}")
    return 0 if ours.detection >= 0.95 and ours.false_alarms == 0 and not wrong else 1


if __name__ == "__main__":
    sys.exit(main())
