"""Piezo's one rule for time (ADR-0009).

- Stored and shown in UTC: every page, table, chart axis, CSV and API answer says so (the
  API and CSVs write ISO 8601 with the offset, ``+00:00``).
- Read as written when a time carries an offset (``2024-05-01T09:30-06:00``, ``...Z``) or a
  USGS zone code.
- A time written **without** an offset, anywhere Piezo reads text (field sheets and USGS
  files, ``manage.py`` options, the API's query parameters), is local time in
  ``PIEZO_LOCAL_TIMEZONE`` (America/Denver by default) with the offset of that date; a local
  time that a DST change skips or repeats is an error that says so, never a guess.
- Forms that show times in UTC (the admin, the range form on a well's page) take them in UTC
  and are labelled so: they are not text without an offset, they are fields that name it.
"""

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from django.conf import settings


class TimeError(ValueError):
    """A time that cannot be read, or that a DST change makes ambiguous or impossible."""


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.PIEZO_LOCAL_TIMEZONE)


def localize(naive: datetime, zone: tzinfo) -> datetime:
    """``naive`` as a local time in ``zone``; TimeError if DST skips or repeats it."""
    early, late = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if early.utcoffset() != late.utcoffset():
        # Both folds are real instants: the clock showed this time twice (DST ended).
        if early.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive and (
            late.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive
        ):
            raise TimeError(
                f"is ambiguous: it happened twice in {zone} when DST ended; "
                "give the offset, e.g. -06:00 or -07:00"
            )
        raise TimeError(
            f"does not exist: {zone} skipped it when DST began; check the time or give the offset"
        )
    return early


def instant(value: datetime) -> datetime:
    """A time read from text, in UTC: as it says when it has an offset, else local time in
    PIEZO_LOCAL_TIMEZONE. Raises TimeError (DST gap or overlap) or OverflowError."""
    if value.tzinfo is None or value.utcoffset() is None:
        value = localize(value, local_zone())
    return value.astimezone(UTC)


NAIVE_RULE = (
    "ISO 8601; with an offset (Z, -06:00) as it says, without one local time in "
    "PIEZO_LOCAL_TIMEZONE (default America/Denver)"
)
