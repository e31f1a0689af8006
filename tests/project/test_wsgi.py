"""ADR-0004's P0, as the README gives it: the recipe's variables make `manage.py migrate`
and `check` pass, and gunicorn serves the WSGI application with them; without
PIEZO_INTERFACE a command says it cannot tell, and uvicorn refuses the same variables."""

import os
import re
import shlex
import subprocess
import sys
from datetime import date

import httpx
import pytest

from apps.monitoring import services
from tests.support.server import BASE_DIR, GunicornServer, UvicornServer, server_database_url
from tests.support.visibility import public_reading_ids

pytestmark = pytest.mark.django_db(transaction=True)


def readme_p0_block() -> list[str]:
    """The shell lines of the README's P0 block."""
    readme = (BASE_DIR / "README.md").read_text()
    block = re.search(r"```sh\n(\s*export PIEZO_INTERFACE=wsgi.*?)```", readme, re.S)
    assert block, "README has no P0 block starting with export PIEZO_INTERFACE=wsgi"
    return [line.strip() for line in block[1].strip().splitlines()]


def p0_environment() -> dict[str, str]:
    export = readme_p0_block()[0]
    assignments = shlex.split(export)[1:]
    return dict(assignment.split("=", 1) for assignment in assignments)


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project.settings.test",
        "DATABASE_URL": server_database_url(),
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_readme_p0_recipe_runs_as_written():
    env = p0_environment()
    assert env == {"PIEZO_INTERFACE": "wsgi", "DB_POOL": "false", "DB_CONN_MAX_AGE": "60"}
    lines = readme_p0_block()
    for line in lines[1:3]:
        args = shlex.split(line)
        assert args[:2] == ["python", "manage.py"], line
        # --deploy wants production's secure settings; the test settings are not those.
        args = [a for a in args[2:] if a != "--deploy"]
        result = manage(*args, "--verbosity", "0", env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "piezo.E001" not in result.stderr and "piezo.W004" not in result.stderr
    gunicorn = shlex.split(lines[3])
    assert gunicorn[:2] == ["gunicorn", "project.wsgi:application"], lines[3]

    services.demo_seed(
        seed=3, wells=5, years=1, transducer_wells=0, transducer_days=1, end=date(2026, 6, 30)
    )
    server = GunicornServer(workers=2, threads=8, env=env).start()
    try:
        stats = httpx.get(f"{server.url}/api/stats", timeout=30).json()
        page = httpx.get(f"{server.url}/wells/", timeout=30)
    finally:
        server.stop()
    assert stats["observations"] == len(public_reading_ids()) > 0
    assert page.status_code == 200 and "Wells" in page.text
    assert "Traceback" not in server.output()


def test_a_command_without_the_interface_says_it_cannot_tell():
    env = {**p0_environment(), "PIEZO_INTERFACE": ""}
    result = manage("check", env=env)
    assert "piezo.W004" in result.stderr + result.stdout


def test_uvicorn_refuses_persistent_connections():
    server = UvicornServer(env=p0_environment())
    with pytest.raises(RuntimeError, match="piezo.E001"):
        server.start(timeout_s=20)
