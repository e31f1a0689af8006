"""What fuzzers rarely reach, against a real uvicorn (the body limit is an ASGI layer):
huge bodies, deep nesting, bad encodings, extreme numbers and dates, huge pages."""

import time

import httpx
import pytest

from tests.monitoring.factories import well_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def api(uvicorn_server, writer_token):
    well_create(site_no="AR0600")
    headers = {"Authorization": f"Bearer {writer_token}", "Content-Type": "application/json"}
    with httpx.Client(base_url=uvicorn_server.url, headers=headers, timeout=30) as client:
        yield client
    assert "Traceback" not in uvicorn_server.output()


def test_a_50_mb_body_is_refused_before_it_is_read(api):
    body = b"[" + b"1," * (25 * 1024 * 1024) + b"1]"
    started = time.monotonic()
    response = api.post("/api/wells/AR0600/observations", content=body)
    assert response.status_code == 413 and response.json()["code"] == "payload_too_large"

    def chunks():
        for _ in range(50):
            yield b" " * (1024 * 1024)

    chunked = api.post("/api/wells/AR0600/observations", content=chunks())
    assert chunked.status_code == 413
    assert time.monotonic() - started < 10


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"[" * 100_000 + b"]" * 100_000, 400),  # deeply nested
        (b"\xff\xfe{\x00}", 400),  # not UTF-8
        (b'{"observed_at": "2025-01-01T00:00:00Z", "depth_to_water_ft": NaN}', 422),
        (b'{"observed_at": "2025-01-01T00:00:00Z", "depth_to_water_ft": Infinity}', 422),
        (b'{"observed_at": "2025-01-01T00:00:00Z", "depth_to_water_ft": 1e308}', 422),
        (b'{"observed_at": "0001-01-01T00:00:00Z", "depth_to_water_ft": 1}', 422),
        (b'{"observed_at": "9999-12-31T23:00:00-05:00", "depth_to_water_ft": 1}', 422),
        (b'{"observed_at": "9999-12-31T23:59:59Z", "depth_to_water_ft": 1}', 422),
    ],
)
def test_bad_bodies_are_4xx_and_write_nothing(api, body, status):
    response = api.post("/api/wells/AR0600/observations", content=body)
    assert response.status_code == status, response.text
    assert response.json()["detail"]
    assert api.get("/api/wells/AR0600").json()["series"]["count"] == 0


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/wells?page_size=100000000", 400),
        ("/api/wells?page=999999", 404),
        ("/api/wells?page=99999999999999999999", 400),
        ("/api/wells/AR0600/observations?end=9999-12-31T23:00:00-05:00", 400),
        ("/api/wells/AR0600/observations?start=0001-01-01T00:00:00%2B05:00", 400),
        ("/api/wells/AR0600/observations?start=0001-01-01T00:00:00Z&end=9999-12-31T00:00:00Z", 200),
        ("/api/wells/AR0600/hydrograph?end=9999-12-31T23:00:00-05:00", 400),
        ("/api/wells?q=%25%27%20OR%201%3D1%20--", 200),
        ("/wells/?page=99999999999999999999&q=%25_", 200),
    ],
)
def test_extreme_queries(api, url, status):
    assert api.get(url).status_code == status
