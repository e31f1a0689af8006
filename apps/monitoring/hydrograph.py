"""The hydrograph's maths, pure (no database): readings in, the chart's series out.
Readings are drawn by what they look like, not where they came from: dense, regular runs
(loggers, live or imported) as a line, the rest (field visits) as dots; provisional ones
apart; readings without a value (dry, obstructed) as markers. Each reading is sent once.
When a range holds more than the budget, every series is thinned in proportion, keeping
each time bucket's shallowest and deepest reading (ADR-0010)."""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# A reading whose nearest neighbour from the same source is this close is part of a dense,
# regular series (a logger's, whether it came in live or in an imported file): a line.
DENSE_NEIGHBOUR_S = 86400
# Gaps that break a line: a few sampling intervals for dense data, a season for visits.
DENSE_GAP_S, SPARSE_GAP_S, OVERVIEW_GAP_S = 6 * 3600, 100 * 86400, 10 * 86400

Point = tuple[float, float]  # (epoch seconds, depth)


@dataclass
class ChartSeries:
    """One series for the hydrograph: times (epoch seconds) and depths; a None depth is a
    deliberate break (a gap in the record), drawn as a gap."""

    t: list[float]
    depth: list[float | None]

    def add(self, at: float, depth: float | None) -> None:
        self.t.append(at)
        self.depth.append(depth)


def with_breaks(points: list[Point], gap_s: float) -> ChartSeries:
    """``points`` as a series, with a break (None) in every gap longer than ``gap_s``."""
    series = ChartSeries([], [])
    previous = None
    for at, depth in points:
        if previous is not None and at - previous > gap_s:
            series.add((previous + at) / 2, None)  # break the line across the gap
        series.add(at, depth)
        previous = at
    return series


def min_max_buckets(points: list[Point], buckets: int) -> list[Point]:
    """Downsample keeping each time bucket's shallowest and deepest reading, in time order,
    so the overview keeps every extreme a hydrogeologist would look for."""
    if len(points) <= buckets * 2:
        return points
    start, end = points[0][0], points[-1][0]
    width = (end - start) / buckets or 1.0
    kept: list[Point] = []
    bucket, low, high = None, None, None
    for point in points:
        # The last reading falls on the range's end: it belongs to the last bucket, not to
        # a bucket of its own past the budget.
        index = min(int((point[0] - start) / width), buckets - 1)
        if index != bucket:
            if low is not None:
                kept.extend(sorted({low, high}))
            bucket, low, high = index, point, point
        else:
            low = point if point[1] < low[1] else low
            high = point if point[1] > high[1] else high
    if low is not None:
        kept.extend(sorted({low, high}))
    return kept


def split_by_density(points: list[tuple[float, float, bool]]) -> tuple[list, list]:
    """(dense, sparse) readings of one source, each as (t, depth, provisional)."""
    dense, sparse = [], []
    for i, point in enumerate(points):
        before = point[0] - points[i - 1][0] if i else math.inf
        after = points[i + 1][0] - point[0] if i + 1 < len(points) else math.inf
        (dense if min(before, after) <= DENSE_NEIGHBOUR_S else sparse).append(point)
    return dense, sparse


def thin_fairly(series: dict[str, list[Point]], max_points: int) -> dict[str, list[Point]]:
    """Share ``max_points`` among the series, smallest first: a series that fits its share
    (thirty field visits beside 262,800 logger readings) is kept whole and leaves the rest
    to the others; a bigger one keeps each bucket's min and max."""
    thinned = dict(series)
    remaining = max_points
    by_size = sorted(thinned, key=lambda name: len(thinned[name]))
    for left, name in zip(range(len(by_size), 0, -1), by_size, strict=True):
        share = remaining // left
        if len(thinned[name]) > share:
            thinned[name] = min_max_buckets(thinned[name], max(1, share // 2))
        remaining -= len(thinned[name])
    return thinned


def hydrograph_series(
    readings: Iterable[tuple[float, float | None, str, str, str]], *, max_points: int
) -> dict[str, Any]:
    """The chart's series from a well's readings in time order, each as (epoch seconds,
    depth, source, data quality, level status)."""
    by_source: dict[str, list[tuple[float, float, bool]]] = {}
    no_value = []
    for at, depth, source, quality, status in readings:
        at = round(at, 3)  # julianday's float arithmetic: back to whole milliseconds
        if depth is None:
            no_value.append((at, status))
        else:
            by_source.setdefault(source, []).append((at, depth, quality == "provisional"))
    dense, sparse = [], []
    for points in by_source.values():
        source_dense, source_sparse = split_by_density(points)
        dense += source_dense
        sparse += source_sparse
    dense.sort()
    sparse.sort()
    series = {
        "points": [(t, d) for t, d, provisional in sparse if not provisional],
        "provisional": [(t, d) for t, d, provisional in sparse if provisional],
        "line": [(t, d) for t, d, provisional in dense if not provisional],
        "line_provisional": [(t, d) for t, d, provisional in dense if provisional],
    }
    with_value = len(dense) + len(sparse)
    downsampled = with_value > max_points
    if downsampled:
        series = thin_fairly(series, max_points)
    depths = [d for points in series.values() for _, d in points]
    line_gap = OVERVIEW_GAP_S if downsampled else DENSE_GAP_S
    return {
        "total": with_value + len(no_value),
        "downsampled": downsampled,
        "plotted": sum(len(points) for points in series.values()) + len(no_value),
        "min_depth_to_water_ft": min(depths) if depths else None,
        "max_depth_to_water_ft": max(depths) if depths else None,
        "points": with_breaks(series["points"], gap_s=SPARSE_GAP_S).__dict__,
        "provisional": ChartSeries(
            [t for t, _ in series["provisional"]], [d for _, d in series["provisional"]]
        ).__dict__,
        "line": with_breaks(series["line"], gap_s=line_gap).__dict__,
        "line_provisional": with_breaks(series["line_provisional"], gap_s=line_gap).__dict__,
        "no_value": {"t": [a for a, _ in no_value], "status": [s for _, s in no_value]},
    }
