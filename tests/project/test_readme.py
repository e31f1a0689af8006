"""The README works verbatim: every ```sh block is run, as written, against what `make run`
serves on a fresh clone (its database built by `make demo-db`, the same steps), and any
non-zero exit or any HTTP error from curl fails the test.

Three liberties, and only these: the server listens on a free port rather than 8000 (so a
`make run` on this machine does not collide), so ``127.0.0.1:8000`` is rewritten to it; the
database is a fresh file named by DATABASE_URL; and curl gets ``--fail-with-body`` so that a
4xx or 5xx answer is an error instead of a saved error page. A block preceded by
``<!-- readme-test: skip (why) -->`` is not run (``make run`` and ``make test`` themselves,
the production recipe); ``<!-- readme-test: runs until stopped -->`` (a watch) must still
be running, without complaint, after a few seconds."""

import os
import re
import subprocess
import textwrap
from pathlib import Path

import pytest
from django.conf import settings

from tests.support.pgcluster import free_port
from tests.support.server import UvicornServer

README = settings.BASE_DIR / "README.md"
BLOCK = re.compile(
    r"(?:<!-- readme-test: (?P<mark>[^>]*?) -->\n[ \t]*)?```sh\n(?P<body>.*?)```", re.DOTALL
)
UNTIL_STOPPED_S = 4

pytestmark = pytest.mark.only_on("sqlite")


def readme_blocks() -> list[tuple[int, str | None, str]]:
    text = README.read_text()
    return [
        (text.count("\n", 0, m.start("body")) + 1, m["mark"], textwrap.dedent(m["body"]))
        for m in BLOCK.finditer(text)
    ]


@pytest.fixture(scope="module")
def fresh_clone(tmp_path_factory):
    """A directory that looks like a fresh clone where `make run` has built its database:
    every top-level entry of the repository linked in, its own var/ and database."""
    root = tmp_path_factory.mktemp("clone")
    for entry in settings.BASE_DIR.iterdir():
        if entry.name not in ("var", ".git"):
            (root / entry.name).symlink_to(entry)
    (root / "var").mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{root / 'var' / 'piezo.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "project.settings.local",
        "PIEZO_LOOP_GUARD_MS": "0",
    }
    env.pop("REDIS_URL", None)
    built = subprocess.run(
        ["make", "-s", "demo-db"], cwd=root, env=env, capture_output=True, text=True, timeout=600
    )
    assert built.returncode == 0, built.stdout + built.stderr
    port = free_port()
    server = UvicornServer(port=port, env=env).start()
    yield root, env, port
    server.stop()


def test_the_readme_has_the_blocks_this_test_runs():
    marks = [mark for _, mark, _ in readme_blocks()]
    assert len(marks) >= 6
    assert all(m is None or m.startswith(("skip (", "runs until stopped")) for m in marks), marks


@pytest.mark.parametrize(
    ("line", "mark", "body"), readme_blocks(), ids=[f"line-{b[0]}" for b in readme_blocks()]
)
def test_every_command_block_works_verbatim(fresh_clone, line, mark, body):
    if mark and mark.startswith("skip ("):
        return  # said in the README itself, next to the block
    root, env, port = fresh_clone
    script = (
        "set -euo pipefail\n"
        'curl() { command curl --fail-with-body --show-error "$@"; }\n'
        + body.replace("127.0.0.1:8000", f"127.0.0.1:{port}")
    )
    if mark == "runs until stopped":
        process = subprocess.Popen(
            ["bash", "-c", script],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            out, err = process.communicate(timeout=UNTIL_STOPPED_S)
            pytest.fail(f"README line {line}: stopped by itself ({process.returncode}): {err}")
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
        assert "closed" not in err and "cannot" not in err, err
        return
    done = subprocess.run(
        ["bash", "-c", script], cwd=root, env=env, capture_output=True, text=True, timeout=300
    )
    output = f"{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    assert done.returncode == 0, f"README line {line} failed ({done.returncode}):\n{output}"


def test_the_watch_says_what_a_4404_means(fresh_clone):
    root, env, port = fresh_clone
    done = subprocess.run(
        [".venv/bin/python", "-m", "apps.live.watch", f"ws://127.0.0.1:{port}/ws/wells/NO-SUCH/"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 1
    assert "closed (4404): no such feed: check the site number" in done.stderr


def test_the_example_files_exist():
    for path in ("docs/examples/levels.csv", "docs/examples/usgs_groundwater_site.txt"):
        assert (settings.BASE_DIR / Path(path)).is_file(), path
