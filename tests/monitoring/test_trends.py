"""The trend (apps/monitoring/trends.py) against series whose answer is known, and through
the database on both SQLite and PostgreSQL: a well's summary after its readings are
written, with no rebuild."""

import math
import random
from datetime import UTC, date, datetime, timedelta

import pytest

from apps.monitoring import services
from apps.monitoring.models import WellSummary
from apps.monitoring.trends import monthly_medians, seasonal_kendall, well_trend

from .factories import well_create

YEAR_S = 365.25 * 86400


def logger_well_series(*, slope: float, amplitude: float, seed: int = 1) -> list[tuple]:
    """Eight years of monthly manual readings on a seasonal cycle and a known trend, plus
    six months of hourly logger readings (4,416 of them) in the season of shallow water:
    what misled the old least-squares trend."""
    rng = random.Random(seed)
    readings = []
    for m in range(96):
        t = m / 12
        depth = 150 + slope * t + amplitude * math.sin(2 * math.pi * t) + rng.gauss(0, 0.3)
        readings.append((datetime(2016 + m // 12, m % 12 + 1, 15, 17, tzinfo=UTC), depth))
    at, stop = datetime(2023, 7, 1, tzinfo=UTC), datetime(2024, 1, 1, tzinfo=UTC)
    while at < stop:
        t = 7.5 + (at - datetime(2023, 7, 1, tzinfo=UTC)).total_seconds() / YEAR_S
        depth = 150 + slope * t + amplitude * math.sin(2 * math.pi * t) + rng.gauss(0, 0.1)
        readings.append((at, depth))
        at += timedelta(hours=1)
    readings.sort()
    return [(at, depth, "static") for at, depth in readings]


def least_squares(readings) -> float:
    t0 = readings[0][0]
    xs = [(at - t0).total_seconds() / YEAR_S for at, _, _ in readings]
    ys = [depth for _, depth, _ in readings]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def test_a_dense_logger_stretch_does_not_decide_the_trend():
    readings = logger_well_series(slope=1.0, amplitude=10.0)
    assert least_squares(readings) < 0  # the old method: water "rising"
    trend = well_trend(readings)
    assert trend.slope_ft_per_year == pytest.approx(1.0, abs=0.1)
    assert trend.direction == "water falling" and trend.p_value < 1e-6
    assert (trend.start, trend.end, trend.months) == (date(2016, 1, 1), date(2023, 12, 1), 96)


def test_an_exact_series_gives_the_textbook_statistics():
    # Three years, every month 1 ft deeper than the year before: Sen's slope is exactly 1;
    # each of 12 seasons has S = 3 and variance 3*2*11/18, so Z = (36 - 1) / sqrt(44).
    medians = {date(2020 + y, m, 1): 100.0 + y + m / 10 for y in range(3) for m in range(1, 13)}
    trend = seasonal_kendall(medians)
    assert trend.slope_ft_per_year == 1.0
    assert trend.p_value == pytest.approx(math.erfc(35 / math.sqrt(44) / math.sqrt(2)))


def test_a_seasonal_series_without_a_trend_is_not_significant():
    rng = random.Random(7)
    readings = [
        (
            datetime(2015 + m // 12, m % 12 + 1, 10, tzinfo=UTC),
            80 + 8 * math.sin(2 * math.pi * m / 12) + rng.gauss(0, 0.5),
            "static",
        )
        for m in range(120)
    ]
    trend = well_trend(readings)
    assert abs(trend.slope_ft_per_year) < 0.15
    assert trend.direction == "no significant trend" and trend.p_value > 0.05


def test_readings_that_are_not_static_levels_are_left_out():
    readings = logger_well_series(slope=2.0, amplitude=4.0)
    pumped = [(at + timedelta(hours=1), depth + 60, "pumping") for at, depth, _ in readings[-2000:]]
    dry = [(datetime(2023, 12, 20, tzinfo=UTC), None, "dry")]
    assert well_trend(sorted(readings + pumped + dry, key=lambda r: r[0])) == well_trend(readings)


def test_the_trend_covers_the_last_ten_years_and_says_so():
    # Fourteen years: rising for four, then falling 1.5 ft/year for the last ten.
    readings = []
    for m in range(168):
        t = m / 12
        depth = 100 - 2 * t if t < 4 else 92 + 1.5 * (t - 4)
        readings.append((datetime(2010 + m // 12, m % 12 + 1, 1, 12, tzinfo=UTC), depth, "static"))
    trend = well_trend(readings)
    assert (trend.start, trend.end, trend.months) == (date(2014, 1, 1), date(2023, 12, 1), 120)
    assert trend.slope_ft_per_year == pytest.approx(1.5)


def test_a_record_under_two_years_has_no_trend():
    readings = [
        (datetime(2023, 1, 1, tzinfo=UTC) + timedelta(days=30 * i), 50.0 + i, "static")
        for i in range(23)
    ]
    assert well_trend(readings) is None
    assert monthly_medians([(datetime(2023, 1, 31, 23, tzinfo=UTC), 5.0)]) == {
        date(2023, 1, 1): 5.0
    }


@pytest.mark.django_db
def test_the_summary_is_written_with_the_readings_on_either_database():
    well = well_create()
    series = logger_well_series(slope=1.0, amplitude=10.0)
    manual = [r for r in series if r[0].day == 15 and r[0].hour == 17]
    # Every monthly visit and every twelfth logger reading: 465 readings in all.
    readings = sorted({r[0]: r for r in [*series[::12], *manual]}.values())
    services.observation_create_many(
        site_no=well.site_no,
        readings=[
            {"observed_at": at, "depth_to_water_ft": round(depth, 3), "method": "steel_tape"}
            for at, depth, _ in readings
        ],
    )
    summary = WellSummary.objects.get(well=well)  # no rebuild_stats
    assert summary.observation_count == len(readings)
    assert summary.trend_ft_per_year == pytest.approx(1.0, abs=0.15)
    assert summary.trend_direction == "water falling"
    assert summary.trend_start == date(2016, 1, 1) and summary.trend_months == 96
    services.observation_create_many(
        site_no=well.site_no,
        readings=[{"observed_at": datetime(2024, 2, 1, tzinfo=UTC), "depth_to_water_ft": 140.0}],
    )
    summary.refresh_from_db()
    assert summary.observation_count == len(readings) + 1
    assert summary.last_depth_to_water_ft == 140.0
