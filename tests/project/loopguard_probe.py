"""Run only by tests/project/test_loopguard.py, in a pytest of its own with
--loop-block-ms: one async test whose route blocks the loop (it must fail, naming the
route) and one whose route does not (it must pass). Not collected by the suite itself."""

import pytest
from django.test import AsyncClient


@pytest.fixture
def fixture_routes(settings):
    settings.ROOT_URLCONF = "tests.ops.checklist_fixtures"


@pytest.mark.asyncio
async def test_route_that_sleeps(fixture_routes):
    assert (await AsyncClient().get("/sleeping/")).status_code == 200


@pytest.mark.asyncio
async def test_route_that_awaits(fixture_routes):
    assert (await AsyncClient().post("/class/")).status_code == 200
