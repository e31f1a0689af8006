"""Model constraints and validation: bad values get a message naming the field, and the
database refuses what validation would have caught, so nothing invalid is saved."""

import importlib
import math
from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.monitoring.models import Deployment, LexiconTerm, Location, Observation, Well
from apps.monitoring.vocabulary import LEXICON

from .factories import location_create, observation_create, sensor_create, well_create

pytestmark = pytest.mark.django_db


def test_the_data_migration_seeds_every_vocabulary_and_keeps_edited_labels():
    """The migration's own function, on an empty table (the autouse fixture that re-seeds
    after a flush would hide a migration that seeds nothing), then run again over a label a
    data manager reworded."""
    from django.apps import apps as installed_apps

    seed = importlib.import_module("apps.monitoring.migrations.0002_seed_lexicon").seed_lexicon
    LexiconTerm.objects.all().delete()
    seed(installed_apps, None)
    for category, terms in LEXICON.items():
        codes = set(LexiconTerm.objects.filter(category=category).values_list("code", flat=True))
        assert codes == {code for code, _, _ in terms}
    LexiconTerm.objects.filter(category="method", code="steel_tape").update(label="Chalked tape")
    seed(installed_apps, None)
    assert LexiconTerm.objects.get(category="method", code="steel_tape").label == "Chalked tape"


@pytest.mark.parametrize(
    ("field", "value"),
    [("latitude", 90.5), ("latitude", -91.0), ("longitude", 180.01), ("longitude", -200.0)],
)
def test_out_of_range_coordinate_is_named_and_refused(field, value):
    location = Location(**{"latitude": 35.0, "longitude": -106.0, field: value})
    with pytest.raises(ValidationError) as error:
        location.full_clean()
    assert field in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        location.save()
    assert Location.objects.count() == 0


def test_nan_coordinate_is_refused():
    location = Location(latitude=math.nan, longitude=-106.0)
    with pytest.raises(ValidationError) as error:
        location.full_clean()
    assert "latitude" in error.value.message_dict


def test_duplicate_site_no_is_named_and_refused():
    existing = well_create(site_no="AR0001")
    duplicate = Well(site_no="AR0001", name="Another", location=existing.location)
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "site_no" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    assert Well.objects.filter(site_no="AR0001").count() == 1


def test_unknown_well_kind_lists_the_allowed_codes():
    well = Well(site_no="X1", name="x", kind="borehole", location=location_create())
    with pytest.raises(ValidationError) as error:
        well.full_clean()
    message = error.value.message_dict["kind"][0]
    assert "'borehole' is not a known well kind code" in message
    assert "piezometer" in message


def test_naive_observation_time_is_named():
    well = well_create()
    reading = Observation(well=well, observed_at=datetime(2024, 5, 1, 9, 0), depth_to_water_ft=10)
    with pytest.raises(ValidationError) as error:
        reading.full_clean()
    assert "no time zone" in error.value.message_dict["observed_at"][0]
    assert Observation.objects.count() == 0


@pytest.mark.parametrize("field", ["method", "level_status", "data_quality"])
def test_unknown_lexicon_code_on_observation_is_named(field):
    reading = Observation(
        well=well_create(),
        observed_at=datetime(2024, 5, 1, 16, tzinfo=UTC),
        depth_to_water_ft=10,
        **{field: "made-up"},
    )
    with pytest.raises(ValidationError) as error:
        reading.full_clean()
    assert list(error.value.message_dict) == [field]
    assert "'made-up' is not a known" in error.value.message_dict[field][0]


def test_second_reading_at_the_same_time_is_refused():
    first = observation_create()
    again = Observation(well=first.well, observed_at=first.observed_at, depth_to_water_ft=1.0)
    with pytest.raises(ValidationError) as error:
        again.full_clean()
    assert "already has a reading at that time" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        again.save()
    assert Observation.objects.count() == 1


def test_reading_without_depth_needs_a_reason():
    well = well_create()
    at = datetime(2024, 5, 1, 16, tzinfo=UTC)
    missing_reason = Observation(well=well, observed_at=at, depth_to_water_ft=None)
    with pytest.raises(ValidationError) as error:
        missing_reason.full_clean()
    assert "needs a level status that says why" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        missing_reason.save()
    dry = Observation(well=well, observed_at=at, depth_to_water_ft=None, level_status="dry")
    dry.full_clean()
    dry.save()


def test_flowing_well_may_have_a_negative_depth():
    reading = Observation(
        well=well_create(),
        observed_at=datetime(2024, 5, 1, 16, tzinfo=UTC),
        depth_to_water_ft=-3.2,
        level_status="flowing",
    )
    reading.full_clean()


@pytest.mark.parametrize("value", [math.nan, math.inf, 1e308])
def test_non_finite_or_absurd_depth_is_refused(value):
    reading = Observation(
        well=well_create(),
        observed_at=datetime(2024, 5, 1, 16, tzinfo=UTC),
        depth_to_water_ft=value,
    )
    with pytest.raises(ValidationError) as error:
        reading.full_clean()
    assert "depth_to_water_ft" in error.value.message_dict


def test_sensor_cannot_be_removed_before_it_was_installed():
    deployment = Deployment(
        sensor=sensor_create(),
        well=well_create(),
        installed_on=date(2024, 5, 1),
        removed_on=date(2024, 4, 1),
    )
    with pytest.raises(ValidationError) as error:
        deployment.full_clean()
    assert "cannot be removed before it was installed" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        deployment.save()
