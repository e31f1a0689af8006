"""manage.py loadcheck against a real server: a clean run, writes, and every bad input
ending in one line and a non-zero exit."""

from datetime import date

import pytest

from apps.monitoring import services
from apps.monitoring.models import Observation
from tests.pipeline.conftest import run
from tests.support.server import UvicornServer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_server(uvicorn_server):
    services.demo_seed(
        seed=4, wells=10, years=1, transducer_wells=0, transducer_days=1, end=date(2026, 6, 30)
    )
    return uvicorn_server


def test_a_clean_run(demo_server):
    result = run("loadcheck", "--url", demo_server.url, "--requests", "300", "--concurrency", "20")
    assert result.code == 0, result.err
    assert "requests 300" in result.out and "wrong answers 0" in result.out
    assert "p50" in result.out and "p99" in result.out


def test_with_writes_every_acknowledged_write_is_found(demo_server, writer_token):
    before = Observation.objects.count()
    result = run(
        "loadcheck",
        "--url",
        demo_server.url,
        "--requests",
        "200",
        "--concurrency",
        "10",
        "--write-token",
        writer_token,
        "--keep-writes",
    )
    assert result.code == 0, result.err
    acknowledged = int(result.out.split("writes   ")[1].split()[0])
    assert acknowledged > 0
    assert Observation.objects.count() == before + acknowledged


def test_an_unreachable_url(db):
    services.demo_seed(
        seed=4, wells=2, years=1, transducer_wells=0, transducer_days=1, end=date(2026, 6, 30)
    )
    result = run("loadcheck", "--url", "http://127.0.0.1:9")
    assert result.code == 1
    assert "cannot reach http://127.0.0.1:9" in result.err and "Traceback" not in result.err


def test_a_bad_token(demo_server, reader_token):
    result = run("loadcheck", "--url", demo_server.url, "--write-token", "pz_wrong")
    assert result.code == 1 and "the write token was refused (401)" in result.err
    result = run("loadcheck", "--url", demo_server.url, "--write-token", reader_token)
    assert result.code == 1 and "the write token was refused (403)" in result.err


def test_a_server_that_answers_5xx(tmp_path):
    services.demo_seed(
        seed=4, wells=2, years=1, transducer_wells=0, transducer_days=1, end=date(2026, 6, 30)
    )
    # A running server whose database is missing: the process is up, the service is not.
    missing = tmp_path / "missing" / "db.sqlite3"
    broken = UvicornServer(env={"DATABASE_URL": f"sqlite:///{missing}"}).start(healthy=False)
    try:
        result = run("loadcheck", "--url", broken.url)
    finally:
        broken.stop()
    assert result.code == 1
    assert "answered 503: the server is not ready" in result.err
