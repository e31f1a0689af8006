"""Plausibility checks: readings that are legal but unlikely are accepted with a flag, so a
data manager sees them (API response, import report, the admin's filter) instead of finding
them in a chart months later.

- ``negative_not_flowing``: a depth above land surface (negative) on a reading whose level
  status is not "flowing".
- ``outside_range``: further from the well's range over the previous two years (static
  levels, at least five of them) than the margin allows: ``PIEZO_PLAUSIBLE_MARGIN_FT`` or
  half that range, whichever is larger.
- ``jump``: a change from the previous reading larger than ``PIEZO_PLAUSIBLE_JUMP_FT`` plus
  ``PIEZO_PLAUSIBLE_RATE_FT_PER_DAY`` for each day between them.

A flag is a warning, not a verdict: the reading is stored as given.
"""

from collections import deque
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings

NEGATIVE_NOT_FLOWING, OUTSIDE_RANGE, JUMP = "negative_not_flowing", "outside_range", "jump"
FLAGS = {
    NEGATIVE_NOT_FLOWING: "negative depth, but the level status is not flowing",
    OUTSIDE_RANGE: "far outside the well's range over the previous two years",
    JUMP: "a jump from the previous reading",
}
RANGE_WINDOW = timedelta(days=730)
RANGE_MIN_READINGS = 5

# observed_at (epoch seconds, or an aware datetime), depth_to_water_ft, level_status
Reading = tuple[float | datetime, float | None, str]
WINDOW_S = RANGE_WINDOW.total_seconds()


def series_flags(series: Sequence[Reading], *, judge: Sequence[bool]) -> dict[int, list[str]]:
    """Flags for the readings of one well's series (in time order) that ``judge`` marks,
    each against the readings before it. One pass: the two-year range is a sliding window
    (monotonic queues), so a million-row import costs a million steps. A flagged reading
    neither widens the range nor becomes the "previous" reading of the next one, so one
    spike is one flag."""
    lows: deque[tuple[float, float]] = deque()  # increasing depths: the window's minimum
    highs: deque[tuple[float, float]] = deque()  # decreasing depths: its maximum
    window: deque[float] = deque()
    previous: tuple[float, float] | None = None
    margin_ft = settings.PIEZO_PLAUSIBLE_MARGIN_FT
    jump_ft = settings.PIEZO_PLAUSIBLE_JUMP_FT
    rate = settings.PIEZO_PLAUSIBLE_RATE_FT_PER_DAY
    out: dict[int, list[str]] = {}
    for i, (moment, depth, status) in enumerate(series):
        at = moment.timestamp() if isinstance(moment, datetime) else moment
        oldest = at - WINDOW_S
        for queue in (window, lows, highs):
            while queue and (queue[0] if queue is window else queue[0][0]) < oldest:
                queue.popleft()
        if depth is None:
            continue
        flags = []
        if judge[i]:
            if depth < 0 and status != "flowing":
                flags.append(NEGATIVE_NOT_FLOWING)
            if len(window) >= RANGE_MIN_READINGS:
                low, high = lows[0][1], highs[0][1]
                margin = max(margin_ft, (high - low) / 2)
                if depth < low - margin or depth > high + margin:
                    flags.append(OUTSIDE_RANGE)
            if previous is not None:
                days = (at - previous[0]) / 86400
                if abs(depth - previous[1]) > jump_ft + rate * days:
                    flags.append(JUMP)
        if flags:
            out[i] = flags
            continue
        previous = (at, depth)
        if status == "static":
            window.append(at)
            while lows and lows[-1][1] >= depth:
                lows.pop()
            lows.append((at, depth))
            while highs and highs[-1][1] <= depth:
                highs.pop()
            highs.append((at, depth))
    return out


def flags_text(flags: Sequence[str]) -> str:
    return ",".join(flags)


def flags_list(text: str) -> list[str]:
    return [flag for flag in text.split(",") if flag]
