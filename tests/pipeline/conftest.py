import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.monitoring.factories import well_create

USGS_DATA = Path(__file__).resolve().parent / "data" / "usgs"


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def json(self) -> dict:
        return json.loads(self.out)


def run(command: str, *args: str) -> Result:
    """Call a management command as manage.py would: the exit code is 0, or the
    CommandError's return code (1 unless it says otherwise)."""
    out, err = StringIO(), StringIO()
    try:
        call_command(command, *args, stdout=out, stderr=err)
    except CommandError as exc:
        err.write(f"CommandError: {exc}\n")
        return Result(exc.returncode, out.getvalue(), err.getvalue())
    return Result(0, out.getvalue(), err.getvalue())


@pytest.fixture
def wells(db):
    return {site_no: well_create(site_no=site_no) for site_no in ("AR0001", "AR0002")}


@pytest.fixture
def write_csv(tmp_path):
    def write(text: str, name: str = "levels.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


@pytest.fixture
def usgs_file():
    def path(name: str) -> Path:
        file = USGS_DATA / name
        if not file.exists():
            pytest.fail(f"sample data missing: {file}")
        return file

    return path
