"""Every admin page renders for a data manager, forms name bad fields, and the observation
inline shows one page of a long series."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from apps.monitoring.models import Location, Observation

from .factories import location_create, one_of_each, well_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_superuser("manager", "m@example.org", "pw-12345!")
    client.force_login(user)
    return client


def test_every_monitoring_admin_page_renders(staff_client):
    objects = one_of_each()
    registered = [m for m in admin.site._registry if m._meta.app_label == "monitoring"]
    assert len(registered) == 12
    for model in registered:
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert staff_client.get(changelist).status_code == 200, changelist
        add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        assert staff_client.get(add).status_code == 200, add
        instance = objects.get(model) or model.objects.first()
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])
        assert staff_client.get(change).status_code == 200, change


def test_changelist_search_and_filters_render(staff_client):
    one_of_each()
    url = reverse("admin:monitoring_observation_changelist")
    response = staff_client.get(url, {"q": "TW", "source": "manual", "observed": "2024"})
    assert response.status_code == 200


def test_admin_is_staff_only(client):
    response = client.get(reverse("admin:monitoring_well_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_observation_inline_is_paginated(staff_client):
    well = well_create()
    start = datetime(2020, 1, 1, tzinfo=UTC)
    Observation.objects.bulk_create(
        Observation(well=well, observed_at=start + timedelta(days=i), depth_to_water_ft=i)
        for i in range(60)
    )
    url = reverse("admin:monitoring_well_change", args=[well.pk])
    first = staff_client.get(url)
    assert "Page 1 of 3 (60 observations)" in first.text
    formset = next(
        f for f in first.context["inline_admin_formsets"] if f.formset.model is Observation
    )
    assert len(formset.formset.forms) == 25
    # Newest first: page 1 holds day 59 down to day 35.
    assert formset.formset.forms[0].instance.depth_to_water_ft == 59
    last = staff_client.get(url, {"observations-page": 3})
    formset = next(
        f for f in last.context["inline_admin_formsets"] if f.formset.model is Observation
    )
    assert [f.instance.depth_to_water_ft for f in formset.formset.forms] == list(range(9, -1, -1))


def test_admin_form_names_the_out_of_range_coordinate(staff_client):
    url = reverse("admin:monitoring_location_add")
    response = staff_client.post(url, {"latitude": "95", "longitude": "-106"})
    assert response.status_code == 200
    assert "latitude" in response.context["adminform"].form.errors
    assert Location.objects.count() == 0


def test_admin_form_refuses_an_unknown_lexicon_code(staff_client):
    well = well_create()
    url = reverse("admin:monitoring_observation_add")
    response = staff_client.post(
        url,
        {
            "well": well.pk,
            "observed_at_0": "2024-05-01",
            "observed_at_1": "09:00:00",
            "depth_to_water_ft": "12.5",
            "level_status": "made-up",
            "data_quality": "approved",
            "source": "manual",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "level_status" in errors
    assert Observation.objects.count() == 0


def test_admin_refuses_a_duplicate_site_no(staff_client):
    existing = well_create(site_no="AR0001")
    response = staff_client.post(
        reverse("admin:monitoring_well_add"),
        {
            "site_no": "AR0001",
            "name": "Duplicate",
            "kind": "well",
            "status": "active",
            "location": location_create().pk,
            "well_contacts-TOTAL_FORMS": "0",
            "well_contacts-INITIAL_FORMS": "0",
            "deployments-TOTAL_FORMS": "0",
            "deployments-INITIAL_FORMS": "0",
            "observations-TOTAL_FORMS": "0",
            "observations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "site_no" in response.context["adminform"].form.errors
    assert existing.__class__.objects.filter(site_no="AR0001").count() == 1


def readings(well, days: int, **fields) -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    Observation.objects.bulk_create(
        Observation(well=well, observed_at=start + timedelta(days=i), depth_to_water_ft=i, **fields)
        for i in range(days)
    )


def listed(response) -> list[Observation]:
    return list(response.context["cl"].result_list)


def test_observation_list_is_newest_first_with_links_to_the_well(staff_client):
    well = well_create(site_no="AD0001")
    readings(well, 5)
    response = staff_client.get(reverse("admin:monitoring_observation_changelist"))
    assert [o.depth_to_water_ft for o in listed(response)] == [4, 3, 2, 1, 0]
    assert reverse("admin:monitoring_well_change", args=[well.pk]) in response.text


def test_sorted_oldest_first_ties_break_the_same_way(staff_client):
    readings(well_create(), 3)
    response = staff_client.get(reverse("admin:monitoring_observation_changelist"), {"o": "1"})
    assert [o.depth_to_water_ft for o in listed(response)] == [0, 1, 2]
    assert response.context["cl"].queryset.query.order_by == ("observed_at", "pk")


def test_search_goes_through_the_wells_site_number_or_name(staff_client):
    wanted, other = well_create(site_no="AD0002", name="Sandia"), well_create(site_no="AD0003")
    readings(wanted, 3)
    readings(other, 4)
    url = reverse("admin:monitoring_observation_changelist")
    for term in ("AD0002", "sandia"):
        found = listed(staff_client.get(url, {"q": term}))
        assert {o.well_id for o in found} == {wanted.pk} and len(found) == 3


def test_filters_offer_the_years_and_the_vocabulary_without_scanning_readings(staff_client):
    readings(well_create(), 400)  # 2024-01-01 into 2025
    response = staff_client.get(reverse("admin:monitoring_observation_changelist"))
    filters = {spec.title: spec for spec in response.context["cl"].filter_specs}
    years = [value for value, _ in filters["observed"].lookup_choices]
    assert years == ["30d", "12m", "2025", "2024"]
    quality = [value for value, _ in filters["data quality"].lookup_choices]
    assert quality == ["approved", "provisional", "questionable"]
    in_2025 = staff_client.get(
        reverse("admin:monitoring_observation_changelist"), {"observed": "2025"}
    )
    assert in_2025.context["cl"].result_count == 400 - 366


def test_the_count_stops_at_the_cap(staff_client, settings, monkeypatch):
    from apps.monitoring import admin_scale

    monkeypatch.setattr(admin_scale, "COUNT_CAP", 10)
    readings(well_create(), 25)
    response = staff_client.get(reverse("admin:monitoring_observation_changelist"))
    assert response.context["cl"].result_count == 11  # the cap plus one: "more than 10"


def test_bulk_action_marks_readings_approved(staff_client):
    well = well_create()
    readings(well, 3, data_quality="provisional")
    chosen = list(Observation.objects.values_list("pk", flat=True)[:2])
    response = staff_client.post(
        reverse("admin:monitoring_observation_changelist"),
        {"action": "mark_approved", "_selected_action": chosen},
        follow=True,
    )
    assert "2 reading(s) marked approved" in response.text
    assert Observation.objects.filter(data_quality="approved").count() == 2


def test_a_reading_added_or_corrected_in_the_admin_is_judged_and_summarised(staff_client):
    """The admin writes readings like the API does: flags and summary in its transaction."""
    from apps.monitoring.models import WellSummary

    well = well_create()
    start = datetime(2024, 1, 5, 16, tzinfo=UTC)
    Observation.objects.bulk_create(
        Observation(well=well, observed_at=start + timedelta(days=30 * i), depth_to_water_ft=155.0)
        for i in range(6)
    )
    form = {
        "well": well.pk,
        "observed_at_0": "2024-07-10",
        "observed_at_1": "16:00:00",
        "depth_to_water_ft": "-3.5",
        "level_status": "static",
        "data_quality": "provisional",
        "source": "manual",
        "release_status": "public",
    }
    response = staff_client.post(reverse("admin:monitoring_observation_add"), form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    added = Observation.objects.get(depth_to_water_ft=-3.5)
    assert added.flags == "negative_not_flowing,outside_range,jump"
    summary = WellSummary.objects.get(well=well)
    assert (summary.observation_count, summary.min_depth_to_water_ft) == (7, -3.5)
    # The data manager corrects the typo: the flag goes, the summary follows.
    change = reverse("admin:monitoring_observation_change", args=[added.pk])
    response = staff_client.post(change, {**form, "depth_to_water_ft": "153.5"})
    assert response.status_code == 302
    added.refresh_from_db()
    assert added.flags == ""
    assert WellSummary.objects.get(well=well).min_depth_to_water_ft == 153.5
    # Deleting it from the changelist refreshes the summary too.
    staff_client.post(
        reverse("admin:monitoring_observation_changelist"),
        {"action": "delete_selected", "_selected_action": [added.pk], "post": "yes"},
    )
    assert WellSummary.objects.get(well=well).observation_count == 6
