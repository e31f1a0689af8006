"""The hydrograph's maths (apps/monitoring/hydrograph.py), on series whose drawing is known."""

from apps.monitoring.hydrograph import (
    DENSE_GAP_S,
    DENSE_NEIGHBOUR_S,
    hydrograph_series,
    min_max_buckets,
    split_by_density,
    thin_fairly,
    with_breaks,
)

HOUR, DAY = 3600.0, 86400.0


def test_a_gap_longer_than_the_threshold_breaks_the_line_once_midway():
    series = with_breaks([(0.0, 10.0), (HOUR, 11.0), (HOUR + 10 * DAY, 12.0)], gap_s=DAY)
    assert series.t == [0.0, HOUR, HOUR + 5 * DAY, HOUR + 10 * DAY]
    assert series.depth == [10.0, 11.0, None, 12.0]


def test_no_break_at_exactly_the_threshold():
    assert None not in with_breaks([(0.0, 1.0), (DAY, 2.0)], gap_s=DAY).depth


def test_buckets_keep_every_extreme_in_time_order():
    # 1,000 hourly readings, a sawtooth with one deep spike and one shallow one.
    points = [(i * HOUR, 50.0 + (i % 10)) for i in range(1000)]
    points[123] = (123 * HOUR, 90.0)
    points[777] = (777 * HOUR, 5.0)
    kept = min_max_buckets(points, buckets=20)
    assert len(kept) <= 40
    assert (123 * HOUR, 90.0) in kept and (777 * HOUR, 5.0) in kept
    assert [t for t, _ in kept] == sorted(t for t, _ in kept)
    assert set(kept) <= set(points)


def test_a_series_within_the_budget_is_kept_whole():
    points = [(float(i), float(i)) for i in range(30)]
    assert min_max_buckets(points, buckets=15) == points


def test_density_splits_a_logger_run_from_field_visits():
    logger = [(i * HOUR, 10.0, False) for i in range(48)]
    visits = [(100 * DAY + i * 30 * DAY, 11.0, False) for i in range(5)]
    dense, sparse = split_by_density(logger + visits)
    assert dense == logger and sparse == visits
    # Two visits a day apart are close enough to count as dense: the threshold is inclusive.
    dense, sparse = split_by_density([(0.0, 1.0, False), (DENSE_NEIGHBOUR_S, 1.0, False)])
    assert len(dense) == 2 and not sparse


def test_fair_thinning_keeps_the_small_series_whole():
    visits = [(i * 30 * DAY, 10.0) for i in range(30)]
    logger = [(i * HOUR, 10.0 + (i % 7)) for i in range(100_000)]
    thinned = thin_fairly({"points": visits, "line": logger}, max_points=1000)
    assert thinned["points"] == visits
    assert len(thinned["line"]) <= 1000 - len(visits)


def _reading(at, depth, source="manual", quality="approved", status="static"):
    return (at, depth, source, quality, status)


def test_each_reading_is_drawn_once_in_the_series_its_look_gives_it():
    logger = [_reading(i * HOUR, 20.0, source="import") for i in range(24)]
    provisional_logger = [
        _reading(2 * DAY + i * HOUR, 20.5, source="transducer", quality="provisional")
        for i in range(24)
    ]
    visits = [_reading(40 * DAY, 21.0), _reading(80 * DAY, 21.5, quality="provisional")]
    dry = [_reading(120 * DAY, None, status="dry")]
    chart = hydrograph_series(logger + provisional_logger + visits + dry, max_points=10_000)
    assert chart["total"] == chart["plotted"] == 24 + 24 + 2 + 1
    assert chart["downsampled"] is False
    assert [d for d in chart["line"]["depth"] if d is not None] == [20.0] * 24
    assert [d for d in chart["line_provisional"]["depth"] if d is not None] == [20.5] * 24
    assert chart["points"]["t"] == [40 * DAY]
    assert chart["provisional"]["t"] == [80 * DAY]
    assert chart["no_value"] == {"t": [120 * DAY], "status": ["dry"]}
    assert (chart["min_depth_to_water_ft"], chart["max_depth_to_water_ft"]) == (20.0, 21.5)


def test_a_logger_outage_breaks_the_line():
    readings = [_reading(i * HOUR, 5.0) for i in range(10)]
    readings += [_reading(9 * HOUR + DENSE_GAP_S + HOUR + i * HOUR, 5.0) for i in range(10)]
    chart = hydrograph_series(readings, max_points=1000)
    assert chart["line"]["depth"].count(None) == 1


def test_over_budget_the_chart_is_thinned_and_says_so():
    readings = [_reading(i * HOUR, 10.0 + (i % 24) / 10) for i in range(20_000)]
    chart = hydrograph_series(readings, max_points=2000)
    assert chart["downsampled"] is True
    assert chart["total"] == 20_000
    assert chart["plotted"] <= 2000
    assert chart["max_depth_to_water_ft"] == 12.3  # the extremes survive thinning
