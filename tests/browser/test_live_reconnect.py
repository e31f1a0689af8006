"""The well page's live feed in a real browser through restarts: Redis and the server go
away and come back, a reading is written while the page is cut off, and the page shows it
(and the next one) without a reload. Two servers share one Redis: A serves the page, B takes
the writes, as two workers would."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from apps.monitoring.models import Well
from tests.monitoring.factories import well_create
from tests.support.redis import RedisServer
from tests.support.server import UvicornServer

pytestmark = pytest.mark.django_db(transaction=True)

LIVE = "document.querySelector('[data-live-status]').textContent.startsWith('Live:')"


def post_reading(server: UvicornServer, token: str, site_no: str, depth: float) -> int:
    response = httpx.post(
        f"{server.url}/api/wells/{site_no}/observations",
        json={
            "observed_at": (datetime.now(UTC) - timedelta(minutes=60 - depth)).isoformat(),
            "depth_to_water_ft": depth,
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.text
    return response.json()["results"][0]["id"]


def test_the_well_page_reconnects_and_fills_the_gap_after_restarts(
    redis_server, browser, writer_token
):
    well: Well = well_create(site_no="RC0001")
    env = {"REDIS_URL": redis_server.url}
    server_a, server_b = UvicornServer(env=env).start(), UvicornServer(env=env).start()
    revived_redis = RedisServer(port=redis_server.port)
    context = browser.new_context()
    page = context.new_page()
    # The feed's failed attempts while the server is down are console errors by design;
    # script errors are not.
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    try:
        page.goto(f"{server_a.url}/wells/{well.site_no}/")
        page.evaluate("window.notReloaded = true")
        page.wait_for_function(LIVE)

        redis_server.stop()
        revived_redis.start()
        server_a.stop()
        page.wait_for_function(f"!({LIVE})")
        missed = post_reading(server_b, writer_token, well.site_no, 11.5)
        server_a = UvicornServer(env=env, port=server_a.port).start()

        # Reconnected by itself, with the reading written while it was cut off.
        page.wait_for_selector(f"tr[data-observation-id='{missed}']", timeout=45_000)
        page.wait_for_function(LIVE)
        live = post_reading(server_b, writer_token, well.site_no, 12.5)
        page.wait_for_selector(f"tr[data-observation-id='{live}']", timeout=10_000)
        rows = page.locator("#recent-readings tr").evaluate_all(
            "rows => rows.map(r => r.dataset.observationId)"
        )
        assert page.evaluate("window.notReloaded") is True
    finally:
        context.close()
        server_a.stop(), server_b.stop()
        revived_redis.stop()
    # Newest first, each reading once.
    assert rows == [str(live), str(missed)]
    assert script_errors == []
