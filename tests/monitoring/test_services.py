"""The domain's writes (apps/monitoring/services/), called directly: what each changes, what it
refuses, and the events it announces after commit (and not before)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from apps.monitoring import services
from apps.monitoring.contract import EventKind, ObservationRow
from apps.monitoring.events import event_subscribe, event_unsubscribe
from apps.monitoring.models import Location, Observation, Well, WellSummary
from apps.monitoring.services.common import model_update

from .factories import observation_create, well_create

pytestmark = pytest.mark.django_db

AT = datetime(2024, 5, 1, 16, 0, tzinfo=UTC)


@pytest.fixture
def events():
    heard = []
    event_subscribe(heard.append)
    yield heard
    event_unsubscribe(heard.append)


def test_model_update_saves_only_the_changed_allowed_fields(django_assert_max_num_queries):
    well = well_create(name="Old name", aquifer="Ogallala")
    before = well.updated_at
    # The unique checks, one UPDATE, and its row in the audit trail.
    with django_assert_max_num_queries(4) as queries:
        _, changed = model_update(
            instance=well, fields=("name", "aquifer"), data={"name": "New", "aquifer": "Ogallala"}
        )
    assert changed == ["name"]
    [update] = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert '"name"' in update and '"aquifer"' not in update and '"updated_at"' in update
    well.refresh_from_db()
    assert well.name == "New" and well.updated_at > before


def test_model_update_with_nothing_changed_writes_nothing(django_assert_num_queries):
    well = well_create(name="Same")
    with django_assert_num_queries(0):
        assert model_update(instance=well, fields=("name",), data={"name": "Same"})[1] == []


def test_model_update_refuses_a_field_outside_its_allow_list():
    well = well_create()
    with pytest.raises(ValidationError) as error:
        model_update(instance=well, fields=("name",), data={"created_at": AT})
    assert "created_at" in error.value.message_dict


def test_well_update_cannot_set_fields_outside_the_allow_list(django_capture_on_commit_callbacks):
    well = well_create(site_no="ALLOW1")
    with pytest.raises(ValidationError) as error:
        services.well_update(site_no="ALLOW1", changes={"location_id": 999})
    assert "location_id" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.well_update(site_no="ALLOW1", changes={"location": {"id": 1}})
    assert "location.id" in error.value.message_dict
    assert Well.objects.get(pk=well.pk).location_id == well.location_id


def test_well_update_validates_and_announces_both_site_numbers(
    events, django_capture_on_commit_callbacks
):
    well_create(site_no="RENAME1")
    with django_capture_on_commit_callbacks(execute=True):
        services.well_update(
            site_no="RENAME1", changes={"site_no": "RENAME2", "location": {"county": "Luna"}}
        )
    assert Well.objects.get(site_no="RENAME2").location.county == "Luna"
    assert [e["kind"] for e in events] == [EventKind.WELLS_CHANGED]
    assert sorted(events[0]["site_nos"]) == ["RENAME1", "RENAME2"]
    with pytest.raises(ValidationError) as error:
        services.well_update(site_no="RENAME2", changes={"location": {"latitude": 91.0}})
    assert "location.latitude" in error.value.message_dict


def test_wells_upsert_creates_updates_and_names_the_bad_row():
    well_create(site_no="UP1", name="Before")
    site = {
        "site_no": "UP1",
        "name": "After",
        "kind": "well",
        "location": {"latitude": 34.0, "longitude": -107.0},
    }
    new = {**site, "site_no": "UP2"}
    assert services.wells_upsert(sites=[site, new]) == (1, 1)
    assert Well.objects.get(site_no="UP1").name == "After"
    bad = {**site, "site_no": "UP3", "location": {"latitude": 34.0, "longitude": -190.0}}
    with pytest.raises(ValidationError) as error:
        services.wells_upsert(sites=[site, bad])
    assert "1.location.longitude" in error.value.message_dict
    assert not Well.objects.filter(site_no="UP3").exists()


def test_admin_edits_are_announced_as_changes_and_deletes_as_deletes(
    events, django_capture_on_commit_callbacks
):
    reading = observation_create(observed_at=AT, depth_to_water_ft=10.0)
    with django_capture_on_commit_callbacks(execute=True):
        reading.depth_to_water_ft = 11.0
        services.observation_save(observation=reading)
    with django_capture_on_commit_callbacks(execute=True):
        services.observations_delete(readings=Observation.objects.filter(pk=reading.pk))
    assert [e["kind"] for e in events] == [
        EventKind.OBSERVATIONS_CHANGED,
        EventKind.OBSERVATIONS_DELETED,
    ]
    assert events[0]["observation_ids"] == [reading.pk]
    assert events[1] == {
        "kind": "observations.deleted",
        "site_no": reading.well.site_no,
        "count": 1,
    }
    assert not WellSummary.objects.filter(well=reading.well).exists()


def test_nothing_is_announced_for_a_rolled_back_write(events, django_capture_on_commit_callbacks):
    well = well_create(site_no="ROLL1")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.observation_create_many(
            site_no=well.site_no,
            readings=[{"observed_at": AT, "depth_to_water_ft": 5.0, "method": "divining_rod"}],
        )
    assert events == []
    assert not Observation.objects.filter(well=well).exists()


def test_quality_changes_are_announced_per_well(events, django_capture_on_commit_callbacks):
    first, second = well_create(), well_create()
    readings = [
        observation_create(well=well, observed_at=AT + timedelta(days=i))
        for well in (first, second)
        for i in range(2)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        changed = services.observations_quality_set(
            readings=Observation.objects.filter(pk__in=[r.pk for r in readings]),
            quality="approved",
        )
    assert changed == 4
    assert {e["site_no"] for e in events} == {first.site_no, second.site_no}
    assert all(e["kind"] == EventKind.OBSERVATIONS_CHANGED for e in events)
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            services.observations_quality_set(
                readings=Observation.objects.all(), quality="approved"
            )
            == 0
        )
    assert len(events) == 2


def test_bulk_insert_writes_rows_as_the_contract_defines_them():
    well = well_create()
    rows = [
        ObservationRow(well.pk, AT + timedelta(hours=h), 50.0 + h, source="transducer")
        for h in range(3)
    ]
    assert services.observation_bulk_insert(rows=rows) == 3
    stored = list(
        Observation.objects.filter(well=well)
        .order_by("observed_at")
        .values_list("observed_at", "depth_to_water_ft", "source", "level_status", "flags")
    )
    assert stored == [
        (r.observed_at, r.depth_to_water_ft, "transducer", "static", "") for r in rows
    ]


def test_an_import_lists_what_it_would_change_and_replaces_only_when_asked():
    well = well_create()
    services.observation_bulk_insert(rows=[ObservationRow(well.pk, AT, 10.0)])
    again = [
        ObservationRow(well.pk, AT, 12.0),
        ObservationRow(well.pk, AT + timedelta(days=1), 11.0),
    ]
    kept = services.observation_import_rows(rows=again)
    assert (kept.inserted, kept.differing, kept.replaced) == (1, 1, 0)
    assert kept.differences[0]["changes"] == {"depth_to_water_ft": [10.0, 12.0]}
    assert Observation.objects.get(well=well, observed_at=AT).depth_to_water_ft == 10.0
    replaced = services.observation_import_rows(rows=again, replace=True)
    assert (replaced.inserted, replaced.replaced) == (0, 1)
    assert Observation.objects.get(well=well, observed_at=AT).depth_to_water_ft == 12.0


def test_summaries_follow_the_readings():
    well = well_create()
    services.observation_bulk_insert(
        rows=[ObservationRow(well.pk, AT + timedelta(days=d), 10.0 + d) for d in range(5)]
    )
    assert services.well_summaries_refresh(well_ids=[well.pk]) == 1
    summary = WellSummary.objects.get(well=well)
    assert (summary.observation_count, summary.last_depth_to_water_ft) == (5, 14.0)
    assert summary.median_depth_to_water_ft == 12.0
    Observation.objects.filter(well=well).delete()
    assert services.well_summaries_refresh(well_ids=[well.pk]) == 0
    assert not WellSummary.objects.filter(well=well).exists()


def test_a_well_is_created_with_its_location_or_not_at_all():
    with pytest.raises(ValidationError) as error:
        services.well_create(
            site_no="NEW1", name="New", location={"latitude": 95.0, "longitude": -106.0}
        )
    assert "location.latitude" in error.value.message_dict
    assert not Location.objects.filter(latitude=95.0).exists()
    well = services.well_create(
        site_no="NEW1", name="New", location={"latitude": 35.0, "longitude": -106.0}
    )
    assert well.location.latitude == 35.0


def test_a_reading_field_outside_the_contract_is_refused_by_name():
    well = well_create()
    with pytest.raises(ValidationError) as error:
        services.observation_create_many(
            site_no=well.site_no,
            readings=[{"observed_at": AT, "depth_to_water_ft": 5.0, "sensor_id": 3}],
        )
    assert "0.sensor_id" in error.value.message_dict
    assert not Observation.objects.filter(well=well).exists()
