"""Runtime confirmation of ADR-0004: every async GET route the migration checklist finds is
called through the async test client, with reads in FETCH_RAISE mode (test settings), and
must answer without SynchronousOnlyOperation, a blocked lazy load, or any server error.
Static analysis cannot see lazy related-object access; this can."""

import logging
import re

import pytest
from asgiref.sync import sync_to_async

from apps.monitoring.models import Contact, Group, Sample, Well
from apps.monitoring.services import well_summaries_rebuild
from apps.ops.checklist.analysis import analyze
from apps.ops.checklist.routes import all_entries

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


def async_get_routes() -> list[str]:
    routes = []
    for entry in all_entries():
        # Function views (the pages) accept any method: "*".
        is_get = entry.kind == "http" and entry.method in ("GET", "*") and entry.handler is not None
        if is_get and analyze(entry.handler).classification.startswith("async"):
            routes.append(entry.route)
    return routes


async def test_every_async_get_route_runs_without_sync_or_lazy_queries(async_client, demo, caplog):
    await sync_to_async(well_summaries_rebuild)()  # so the detail's summary is loaded too
    well = await Well.objects.filter(deployments__isnull=False).afirst()
    values = {
        "site_no": well.site_no,
        "sample_id": (await Sample.objects.afirst()).pk,
        "contact_id": (await Contact.objects.afirst()).pk,
        "group_id": (await Group.objects.afirst()).pk,
        "category": "method",
        "code": "steel_tape",
        "path": "no-such-route",
    }
    routes = async_get_routes()
    assert len(routes) >= 17, routes
    assert {"/", "/wells/", "/wells/{site_no}/", "/api/wells/{site_no}/hydrograph"} <= set(routes)
    caplog.set_level(logging.ERROR)
    for route in routes:
        url = re.sub(r"\{(\w+)\}", lambda m: str(values[m[1]]), route)
        variants = [url, f"{url}?format=csv"] if route.endswith("/observations") else [url]
        for variant in variants:
            response = await async_client.get(variant)
            if response.streaming:
                b"".join([chunk async for chunk in response.streaming_content])
            # /api/{path} answers what no route matches: a 404 is its success.
            expected = 404 if route == "/api/{path}" else 200
            assert response.status_code == expected, (variant, response.content[:300])
    assert "SynchronousOnlyOperation" not in caplog.text
    assert "FieldFetchBlocked" not in caplog.text
