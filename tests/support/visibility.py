"""What the public may see, computed in plain SQL from the rule in ADR-0012 rather than
through the selectors under test: a well is public when released; its readings and samples
when the reading or sample is released too and the well has no owner or its owner's consent
to that data is in force."""

from django.db import connection

PUBLISHED = """
    (NOT EXISTS (SELECT 1 FROM monitoring_wellcontact wc
                 WHERE wc.well_id = w.id AND wc.role = 'owner')
     OR EXISTS (SELECT 1 FROM monitoring_ownerconsent c
                WHERE c.well_id = w.id AND c.data_type = %s AND c.revoked_at IS NULL))
"""


def _ids(sql: str, params: list) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def public_well_ids() -> list[int]:
    return _ids(
        "SELECT w.id FROM monitoring_well w WHERE w.release_status = 'public' ORDER BY w.site_no",
        [],
    )


def public_reading_ids() -> list[int]:
    return _ids(
        "SELECT o.id FROM monitoring_observation o JOIN monitoring_well w ON w.id = o.well_id "
        "WHERE o.release_status = 'public' AND w.release_status = 'public' AND " + PUBLISHED,
        ["water_levels"],
    )


def public_sample_ids() -> list[int]:
    return _ids(
        "SELECT s.id FROM monitoring_sample s JOIN monitoring_well w ON w.id = s.well_id "
        "WHERE s.release_status = 'public' AND w.release_status = 'public' AND " + PUBLISHED,
        ["chemistry"],
    )


def exact_location_well_ids() -> list[int]:
    """Public wells whose exact location the public may see."""
    return _ids(
        "SELECT w.id FROM monitoring_well w WHERE w.release_status = 'public' AND " + PUBLISHED,
        ["location"],
    )


def public_series_site_no() -> str:
    """The first well, by site number, whose readings the public sees."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w.site_no FROM monitoring_well w WHERE w.release_status = 'public' AND "
            + PUBLISHED
            + " ORDER BY w.site_no LIMIT 1",
            ["water_levels"],
        )
        return cursor.fetchone()[0]
