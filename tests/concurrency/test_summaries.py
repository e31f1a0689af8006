"""Summaries are never stale, even under concurrent writes to the same well: two uvicorn
workers take 300 POSTs at once (30 in flight) for one well, and its summary then equals one
recomputed from the readings (count, first, last, range, median, trend), and every figure
/api/stats sums (released counts, recent days) matches the readings. On both databases.
On PostgreSQL this needs the per-well lock in well_summaries_refresh: without it, two
writes each computed the summary from a series missing the other's reading, and the later
commit left it stale (329 readings counted of 331, every run)."""

import asyncio
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import transaction

from apps.monitoring import services
from apps.monitoring.models import Observation, Well, WellSummary

from .test_regressions import post_readings

pytestmark = pytest.mark.django_db(transaction=True)

FIGURES = (
    "observation_count",
    "first_observed_at",
    "last_observed_at",
    "last_depth_to_water_ft",
    "min_depth_to_water_ft",
    "max_depth_to_water_ft",
    "median_depth_to_water_ft",
    "trend_ft_per_year",
)


def figures(well_id: int) -> tuple:
    return tuple(getattr(WellSummary.objects.get(well_id=well_id), f) for f in FIGURES)


def test_concurrent_writes_leave_every_summary_exact(writer_token):
    from tests.support.server import UvicornServer

    services.demo_seed(
        seed=5, wells=2, years=3, transducer_wells=0, transducer_days=1, end=date(2026, 6, 30)
    )
    wells = list(Well.objects.order_by("pk"))
    server = UvicornServer(workers=2).start()
    # Recent readings (over the last day), so that the recent days' tallies are at stake too.
    recently = datetime.now(UTC) - timedelta(days=1)
    try:
        statuses = asyncio.run(
            post_readings(server.url, writer_token, [wells[0].site_no], 300, 30, recently)
        )
    finally:
        server.stop()
    assert statuses == Counter({201: 300}), statuses
    assert services.well_summaries_check() == []
    for well in wells:
        stored = figures(well.pk)
        with transaction.atomic():
            services.well_summaries_refresh(well_ids=[well.pk])
        assert stored == figures(well.pk), well.site_no
        assert stored[0] == Observation.objects.filter(well=well).count()
