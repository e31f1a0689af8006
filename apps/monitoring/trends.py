"""A well's water-level trend, by the field's own method.

A least-squares line through every reading lets whatever is densest decide: six months of
hourly logger data outweigh years of monthly manual readings, and the season they cover sets
the sign. Groundwater programmes instead test for a monotonic trend on an even time base
with a seasonal, rank-based test (Hirsch, Slack and Smith 1982; Helsel and others 2020, USGS
Techniques and Methods 4-A3, chapter 12):

1. keep the readings that measure the aquifer: static levels with a depth (pumping, recently
   pumped, dry, obstructed and the rest are left out);
2. reduce them to one value per calendar month, the median, so a month of hourly data counts
   as much as one manual visit;
3. take the last ten years of that record (or all of it when shorter; the period used is
   reported, never assumed);
4. the Seasonal Kendall test (a Mann-Kendall test within each calendar month, summed) gives
   the significance; Sen's slope (the median of every within-month slope between years)
   gives the rate, in feet per year. Positive means the depth to water grows: the water
   table is falling.

Serial correlation between months is not corrected for, and a record must span two years
with at least two years of data in some calendar month, or there is no trend to report.
"""

import math
import statistics
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

METHOD = "Seasonal Kendall test and Sen's slope on monthly medians of static levels"
TREND_STATUSES = frozenset({"static"})
WINDOW_YEARS = 10
MIN_SPAN_MONTHS = 24
SIGNIFICANCE = 0.05


@dataclass(frozen=True)
class Trend:
    slope_ft_per_year: float
    p_value: float
    start: date  # the first month used
    end: date  # the last month used
    months: int  # monthly medians used

    @property
    def significant(self) -> bool:
        return self.p_value < SIGNIFICANCE

    @property
    def direction(self) -> str:
        if not self.significant or self.slope_ft_per_year == 0:
            return "no significant trend"
        return "water falling" if self.slope_ft_per_year > 0 else "water rising"


def _index(month: date) -> int:
    return month.year * 12 + month.month - 1


Moment = datetime | float  # an aware datetime, or seconds since 1970 (UTC)


def _month(at: Moment) -> date:
    if isinstance(at, datetime):
        at = at.astimezone(UTC)
        return date(at.year, at.month, 1)
    utc = time.gmtime(at)  # epoch seconds: far cheaper than building datetimes
    return date(utc.tm_year, utc.tm_mon, 1)


def monthly_medians(readings: Iterable[tuple[Moment, float]]) -> dict[date, float]:
    """One median per calendar month (UTC) of the depths given."""
    by_month: dict[date, list[float]] = defaultdict(list)
    for observed_at, depth in readings:
        by_month[_month(observed_at)].append(depth)
    return {month: statistics.median(values) for month, values in sorted(by_month.items())}


def _kendall(values: list[tuple[int, float]]) -> tuple[int, float, list[float]]:
    """S, its variance (with the tie correction) and the pairwise slopes per year, for one
    calendar month's medians as (year, value)."""
    s, slopes = 0, []
    for i in range(len(values)):
        for j in range(i + 1, len(values)):
            (year_i, x_i), (year_j, x_j) = values[i], values[j]
            s += (x_j > x_i) - (x_j < x_i)
            slopes.append((x_j - x_i) / (year_j - year_i))
    n = len(values)
    ties: dict[float, int] = defaultdict(int)
    for _, value in values:
        ties[value] += 1
    correction = sum(t * (t - 1) * (2 * t + 5) for t in ties.values())
    return s, (n * (n - 1) * (2 * n + 5) - correction) / 18, slopes


def seasonal_kendall(medians: dict[date, float]) -> Trend | None:
    """The trend of a series of monthly medians; None when it is too short to have one."""
    if not medians:
        return None
    months = sorted(medians)
    if _index(months[-1]) - _index(months[0]) + 1 < MIN_SPAN_MONTHS:
        return None
    seasons: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for month in months:
        seasons[month.month].append((month.year, medians[month]))
    s_total, variance, slopes = 0, 0.0, []
    for values in seasons.values():
        s, var, season_slopes = _kendall(values)
        s_total += s
        variance += var
        slopes += season_slopes
    if not slopes or variance <= 0:
        return None
    if s_total > 0:
        z = (s_total - 1) / math.sqrt(variance)
    elif s_total < 0:
        z = (s_total + 1) / math.sqrt(variance)
    else:
        z = 0.0
    p_value = math.erfc(abs(z) / math.sqrt(2))  # two-sided, normal approximation
    return Trend(
        slope_ft_per_year=statistics.median(slopes),
        p_value=p_value,
        start=months[0],
        end=months[-1],
        months=len(months),
    )


def well_trend(
    readings: Iterable[tuple[Moment, float | None, str]], *, window_years: int = WINDOW_YEARS
) -> Trend | None:
    """A well's trend over the last ``window_years`` of its record, from readings as
    (observed_at, depth_to_water_ft, level_status) in time order; observed_at an aware
    datetime or epoch seconds."""
    usable = [
        (at, depth)
        for at, depth, status in readings
        if depth is not None and status in TREND_STATUSES
    ]
    if not usable:
        return None
    last = _month(usable[-1][0])
    first_month = date(last.year - window_years, last.month, 1)
    medians = monthly_medians(usable)
    # Ten years: the month of the last reading and the 119 before it.
    window = {m: v for m, v in medians.items() if m > first_month}
    return seasonal_kendall(window)
