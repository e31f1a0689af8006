"""Plain factory functions for the monitoring models: each makes a valid object and takes
overrides as keyword arguments."""

import itertools
from datetime import UTC, datetime
from typing import Any

from apps.monitoring.models import (
    Contact,
    Deployment,
    Group,
    Location,
    Observation,
    OwnerConsent,
    Sample,
    SampleResult,
    Sensor,
    Well,
    WellContact,
)
from apps.monitoring.services import well_summaries_refresh

_sequence = itertools.count(1)


def location_create(**overrides: Any) -> Location:
    values = {"latitude": 35.0844, "longitude": -106.6504, "county": "Bernalillo", "state": "NM"}
    return Location.objects.create(**{**values, **overrides})


def well_create(**overrides: Any) -> Well:
    n = next(_sequence)
    values = {
        "site_no": f"TW{n:04d}",
        "name": f"Test well {n}",
        "aquifer": "Santa Fe Group",
        "well_depth_ft": 400.0,
    }
    if "location" not in overrides:
        values["location"] = location_create()
    return Well.objects.create(**{**values, **overrides})


def observation_create(**overrides: Any) -> Observation:
    values = {
        "observed_at": datetime(2024, 5, 1, 16, 0, tzinfo=UTC),
        "depth_to_water_ft": 123.45,
        "method": "steel_tape",
    }
    if "well" not in overrides:
        values["well"] = well_create()
    observation = Observation.objects.create(**{**values, **overrides})
    # With its well's figures, as every service writes a reading (ADR-0013).
    well_summaries_refresh(well_ids=[observation.well_id])
    return observation


def group_create(**overrides: Any) -> Group:
    return Group.objects.create(**{"name": f"Network {next(_sequence)}", **overrides})


def contact_create(**overrides: Any) -> Contact:
    return Contact.objects.create(**{"name": f"Person {next(_sequence)}", **overrides})


def sensor_create(**overrides: Any) -> Sensor:
    return Sensor.objects.create(**{"serial_no": f"SN{next(_sequence):05d}", **overrides})


def sample_create(**overrides: Any) -> Sample:
    values = {"sampled_at": datetime(2024, 6, 1, 17, tzinfo=UTC)}
    if "well" not in overrides:
        values["well"] = well_create()
    return Sample.objects.create(**{**values, **overrides})


def one_of_each() -> dict[type, Any]:
    """One saved instance of every model, keyed by model class (for admin page tests)."""
    well = well_create()
    sensor = sensor_create()
    sample = sample_create(well=well)
    contact = contact_create()
    group = group_create()
    well.groups.add(group)
    return {
        Location: well.location,
        Well: well,
        Observation: observation_create(well=well),
        Sample: sample,
        SampleResult: SampleResult.objects.create(
            sample=sample, analyte="Nitrate as N", value=2.5, unit="mg/L"
        ),
        Contact: contact,
        WellContact: WellContact.objects.create(well=well, contact=contact),
        OwnerConsent: OwnerConsent.objects.create(well=well, data_type="water_levels"),
        Group: group,
        Sensor: sensor,
        Deployment: Deployment.objects.create(
            sensor=sensor, well=well, installed_on=datetime(2024, 1, 1).date()
        ),
    }
