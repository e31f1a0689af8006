"""schemathesis against the OpenAPI document, on a real uvicorn with demo data and a write
token: every operation, reads and writes, checking that no response is a server error and
that every response matches its documented status, content type and schema.

It runs in both halves of `make test`, so on SQLite and on PostgreSQL, which refuses text
that SQLite stores (a NUL character was a 500 there only). The stateful phase follows the
OpenAPI links from a created well to its detail, update, deletion and readings.
PIEZO_FUZZ_EXAMPLES sets the examples per operation (100 here; `make fuzz` runs 1,000 on
both databases)."""

import os
import subprocess
import sys

import pytest

from apps.monitoring import services
from tests.support.server import BASE_DIR

pytestmark = pytest.mark.django_db(transaction=True)

CHECKS = ",".join(
    (
        "not_a_server_error",
        "response_schema_conformance",
        "status_code_conformance",
        "content_type_conformance",
    )
)


def test_the_api_survives_schemathesis(uvicorn_server, writer_token, tmp_path):
    from datetime import date

    services.demo_seed(
        seed=13, wells=15, years=1, transducer_wells=1, transducer_days=5, end=date(2026, 6, 30)
    )
    examples = os.environ.get("PIEZO_FUZZ_EXAMPLES", "100")
    phases = os.environ.get("PIEZO_FUZZ_PHASES", "examples,coverage,fuzzing,stateful")
    report = tmp_path / "schemathesis.txt"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "run",
            f"{uvicorn_server.url}/api/openapi.json",
            "--header",
            f"Authorization: Bearer {writer_token}",
            "--max-examples",
            examples,
            "--phases",
            phases,
            "--checks",
            CHECKS,
            "--seed",
            "20261122",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        cwd=BASE_DIR,
        timeout=1800,
    )
    report.write_text(result.stdout + result.stderr)
    summary = [line for line in result.stdout.splitlines() if "generated" in line]
    assert result.returncode == 0, result.stdout[-4000:]
    assert summary and "passed" in summary[-1] and "failure" not in summary[-1], summary
    assert "Authentication failed" not in result.stdout  # the writes were really exercised
    assert "Traceback" not in uvicorn_server.output()
