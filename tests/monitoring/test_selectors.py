"""The domain's reads (apps/monitoring/selectors/), called directly on the sync twins (the async
ones are exercised through the API in tests/api): filters, keyset pages, chunks and figures
against data whose answer is known."""

from datetime import UTC, datetime, time, timedelta

import pytest

from apps.monitoring import selectors
from apps.monitoring.contract import OBSERVATION_FIELDS, ObservationRow
from apps.monitoring.models import Observation, Release, Well
from apps.monitoring.services import (
    observation_bulk_insert,
    well_summaries_check,
    well_summaries_refresh,
)

from .factories import group_create, location_create, sample_create, well_create

pytestmark = pytest.mark.django_db

AT = datetime(2024, 1, 1, tzinfo=UTC)
EVERYONE = selectors.EVERYONE


def scope(site_no: str, audience=EVERYONE) -> selectors.WellScope | None:
    return selectors.well_scope_get(site_no=site_no, audience=audience)


@pytest.fixture
def wells():
    north = well_create(
        site_no="N1", name="North", location=location_create(latitude=36.5, county="Taos")
    )
    south = well_create(
        site_no="S1",
        name="South",
        status="inactive",
        location=location_create(latitude=32.5, county="Dona Ana"),
    )
    north.groups.add(group_create(name="Valley network"))
    return north, south


def test_well_filters_each_narrow_the_list(wells):
    def sites(**filters):
        query = selectors.well_queryset(filters=selectors.WellFilters(**filters), audience=EVERYONE)
        return [w.site_no for w in query]

    assert sites() == ["N1", "S1"]
    assert sites(status="inactive") == ["S1"]
    assert sites(county="taos") == ["N1"]
    assert sites(group="valley NETWORK") == ["N1"]
    assert sites(q="sou") == ["S1"]
    assert sites(bbox=(-107.0, 36.0, -106.0, 37.0)) == ["N1"]
    assert sites(ordering="-site_no") == ["S1", "N1"]


def test_well_rows_carry_the_location_beside_the_well(wells, django_assert_num_queries):
    with django_assert_num_queries(1):
        wells = selectors.well_row_queryset(filters=selectors.WellFilters(), audience=EVERYONE)
        rows = list(wells)
    assert rows[0]["county"] == "Taos" and rows[0]["latitude"] == 36.5
    assert rows[0]["location_precision"] == "exact" and rows[0]["release_status"] == "public"


def test_well_detail_names_groups_and_no_scope_for_an_unknown_site(wells):
    detail = selectors.well_get(site_no="N1", audience=EVERYONE)
    assert detail.scope == scope("N1")
    assert selectors.well_get(site_no="NOPE", audience=EVERYONE) is None
    assert detail.groups == ["Valley network"] and detail.well.location.county == "Taos"
    assert detail.location["latitude"] == 36.5 and detail.location["precision"] == "exact"
    assert scope("NOPE") is None and scope("S1").readings == "all"


@pytest.fixture
def series(wells):
    north, _ = wells
    observation_bulk_insert(
        rows=[ObservationRow(north.pk, AT + timedelta(days=d), 10.0 + d) for d in range(25)]
    )
    return north


def test_keyset_pages_walk_the_series_both_ways(series):
    filters = selectors.ObservationFilters()
    seen, after, more = [], None, True
    while more:
        rows, more = selectors.observation_page(
            well=scope("N1"), filters=filters, after=after, limit=10
        )
        seen += rows
        after = rows[-1]["observed_at"] if rows else None
    assert [r["depth_to_water_ft"] for r in seen] == [10.0 + d for d in range(25)]
    assert set(seen[0]) == set(OBSERVATION_FIELDS)
    back, more = selectors.observation_page(
        well=scope("N1"), filters=filters, before=AT + timedelta(days=5), limit=3
    )
    assert [r["depth_to_water_ft"] for r in back] == [12.0, 13.0, 14.0] and more


# The sync chunks hand their connection back between chunks (close_old_connections), which
# a test inside a transaction cannot survive.
@pytest.mark.django_db(transaction=True)
def test_chunks_cover_a_range_once(series):
    filters = selectors.ObservationFilters(start=AT + timedelta(days=3), end=AT + timedelta(days=9))
    chunks = list(
        selectors.observation_chunks(
            well=scope("N1"),
            filters=filters,
            fields=("observed_at", "depth_to_water_ft"),
            chunk_size=3,
        )
    )
    assert [len(c) for c in chunks] == [3, 3, 1]
    assert [d for chunk in chunks for _, d in chunk] == [13.0 + d for d in range(7)]
    with pytest.raises(ValueError):
        list(
            selectors.observation_chunks(
                well=scope("N1"), filters=filters, fields=("depth_to_water_ft",), chunk_size=3
            )
        )


def test_stats_count_what_is_stored(series):
    sample_create(well=series)
    # A second well's readings on either side of the 30-day window's start (whole UTC
    # days, today included), and 10 older: written with their tallies, as services do.
    south = Well.objects.get(site_no="S1")
    today = datetime.now(UTC).date()
    first_day = datetime.combine(today - timedelta(days=29), time(), UTC)
    inside = [first_day + timedelta(hours=h) for h in (0, 0.5, 12, 23.9)]
    inside += [first_day + timedelta(days=d, hours=6) for d in range(1, 30)]
    outside = [first_day - timedelta(hours=h) for h in (0.1, 1, 23)] + [
        first_day - timedelta(days=d) for d in range(2, 9)
    ]
    observation_bulk_insert(rows=[ObservationRow(south.pk, at, 5.0) for at in inside + outside])
    well_summaries_refresh(well_ids=[series.pk, south.pk])
    stats = selectors.stats_get(audience=EVERYONE)
    assert stats["scope"] == "all" and stats["wells"] == 2 and stats["active_wells"] == 1
    assert stats["wells_by_status"] == {"active": 1, "inactive": 1, "destroyed": 0}
    assert stats["observations"] == 25 + 43
    assert stats["observations_last_30_days"] == 33
    assert stats["latest_observed_at"] == max(inside)
    assert stats["samples"] == 1
    assert well_summaries_check() == []


def test_series_figures_come_from_the_summary_where_it_describes_the_visible_readings(
    series, django_assert_num_queries
):
    well_summaries_refresh(well_ids=[series.pk])

    def figures(audience, queries: int) -> dict:
        detail = selectors.well_get(site_no="N1", audience=audience)
        with django_assert_num_queries(queries):
            return selectors.well_series_summary(detail=detail)

    every = {
        "count": 25,
        "first_observed_at": AT,
        "last_observed_at": AT + timedelta(days=24),
        "min_depth_to_water_ft": 10.0,
        "max_depth_to_water_ft": 34.0,
    }
    assert figures(EVERYONE, 0) == every
    assert figures(selectors.PUBLIC, 0) == every

    # One reading withheld: the summary no longer describes what the public may see, so
    # the public's figures are counted from its readings; staff's still come from it.
    Observation.objects.filter(well=series, depth_to_water_ft=34.0).update(
        release_status=Release.PRIVATE
    )
    well_summaries_refresh(well_ids=[series.pk])
    assert figures(EVERYONE, 0) == every
    assert figures(selectors.PUBLIC, 1) == {
        **every,
        "count": 24,
        "last_observed_at": AT + timedelta(days=23),
        "max_depth_to_water_ft": 33.0,
    }


def test_recent_readings_are_newest_first_and_payloads_shaped_as_the_api(series):
    recent = selectors.observation_recent_get(well=scope("N1"), limit=2)
    assert [r["depth_to_water_ft"] for r in recent] == [34.0, 33.0]
    assert recent[0]["flags"] == []
    payloads = selectors.observation_payloads(ids=[recent[0]["id"]])
    assert payloads[0]["site_no"] == "N1"
    assert payloads[0]["observed_at"] == (AT + timedelta(days=24)).isoformat()
    assert payloads[0]["public"] is True
