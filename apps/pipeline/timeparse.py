"""Field times. A time with an offset (or a USGS time-zone code) is taken as it says. A
naive time is local time in the programme's zone, with the offset that applied on that
date; a local time that a DST change skips or repeats is an error, never a guess."""

from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from apps.monitoring.timepolicy import TimeError, localize

__all__ = ["TimeError", "localize", "parse_field_time", "parse_usgs_time", "zone_named"]

NAIVE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
)

# USGS lev_tz_cd codes with their fixed offsets from UTC.
USGS_ZONES = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
    "AKST": -9,
    "AKDT": -8,
    "HST": -10,
    "AST": -4,
    "ADT": -3,
}


def parse_field_time(text: str, *, zone: tzinfo) -> datetime:
    """An aware datetime from an ISO 8601 or common field-sheet time."""
    text = text.strip()
    if not text:
        raise TimeError("is empty")
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if len(text) <= 10:  # a date without a time of day
            raise TimeError(f"{text!r} has no time of day")
    except ValueError as exc:
        if isinstance(exc, TimeError):
            raise
        parsed = None
        for pattern in NAIVE_FORMATS:
            try:
                parsed = datetime.strptime(text, pattern)
                break
            except ValueError:
                continue
        if parsed is None:
            raise TimeError(
                f"{text!r} is not a date and time (use ISO 8601, e.g. 2024-05-01T09:30-06:00)"
            ) from None
    if parsed.tzinfo is not None:
        return parsed
    return localize(parsed, zone)


def parse_usgs_time(date_text: str, time_text: str, zone_code: str, *, zone: tzinfo) -> datetime:
    """lev_dt + lev_tm + lev_tz_cd. A missing time is noon (USGS records day-only
    measurements); a missing zone code means the programme's local zone."""
    date_text, time_text, zone_code = date_text.strip(), time_text.strip(), zone_code.strip()
    try:
        day = datetime.strptime(date_text, "%Y-%m-%d")
    except ValueError:
        raise TimeError(f"{date_text!r} is not a date (YYYY-MM-DD)") from None
    if time_text:
        try:
            clock = datetime.strptime(
                time_text, "%H:%M:%S" if time_text.count(":") == 2 else "%H:%M"
            )
        except ValueError:
            raise TimeError(f"{time_text!r} is not a time of day (HH:MM)") from None
        naive = day.replace(hour=clock.hour, minute=clock.minute, second=clock.second)
    else:
        naive = day.replace(hour=12)
    if not zone_code:
        return localize(naive, zone)
    if zone_code.upper() not in USGS_ZONES:
        raise TimeError(
            f"{zone_code!r} is not a known time-zone code ({', '.join(sorted(USGS_ZONES))})"
        )
    return naive.replace(tzinfo=timezone(timedelta(hours=USGS_ZONES[zone_code.upper()])))


def zone_named(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        raise TimeError(f"{name!r} is not a time zone (e.g. America/Denver)") from None
