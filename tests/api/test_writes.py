"""Writes: auth rules, every client error with its status and body, all-or-nothing
batches, and the on-commit event that live updates will subscribe to."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from apps.monitoring.events import event_subscribe, event_unsubscribe
from apps.monitoring.models import Contact, Group, LexiconTerm, Observation, Sample, Well
from tests.monitoring.factories import group_create, observation_create, well_create

from .conftest import auth

pytestmark = pytest.mark.django_db

NEW_WELL = {
    "site_no": "AR0100",
    "name": "Arroyo test well",
    "kind": "well",
    "aquifer": "Santa Fe Group",
    "well_depth_ft": 250.5,
    "location": {"latitude": 35.1, "longitude": -106.6, "county": "Bernalillo", "state": "NM"},
}
READING = {
    "observed_at": "2025-03-01T09:30:00-07:00",
    "depth_to_water_ft": 101.25,
    "method": "steel_tape",
}


def post(client: Client, url: str, body, token: str | None = None, **extra):
    headers = auth(token) if token else {}
    return client.post(
        url, json.dumps(body), content_type="application/json", headers=headers, **extra
    )


def assert_error(response, status: int, code: str, loc: list | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["detail"] and all("msg" in item for item in body["detail"])
    if loc is not None:
        assert loc in [item.get("loc") for item in body["detail"]], body
    return body


def test_create_well(client, writer_token):
    response = post(client, "/api/wells", NEW_WELL, writer_token)
    assert response.status_code == 201, response.content
    assert response.json()["site_no"] == "AR0100"
    well = Well.objects.select_related("location").get(site_no="AR0100")
    assert well.location.county == "Bernalillo" and well.well_depth_ft == 250.5


def test_writes_need_credentials(client):
    response = post(client, "/api/wells", NEW_WELL)
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert_error(
        post(client, "/api/wells", NEW_WELL, "pz_not-a-real-token"), 401, "not_authenticated"
    )
    bad_scheme = client.post(
        "/api/wells",
        json.dumps(NEW_WELL),
        content_type="application/json",
        headers={"Authorization": "Basic dXNlcjpwYXNz"},
    )
    assert_error(bad_scheme, 401, "not_authenticated")
    assert not Well.objects.exists()


def test_a_token_without_the_permission_is_403(client, reader_token, observer_token):
    assert_error(post(client, "/api/wells", NEW_WELL, reader_token), 403, "permission_denied")
    assert_error(post(client, "/api/wells", NEW_WELL, observer_token), 403, "permission_denied")
    assert not Well.objects.exists()
    well = well_create()
    url = f"/api/wells/{well.site_no}/observations"
    assert post(client, url, READING, observer_token).status_code == 201


def test_a_revoked_token_is_refused(client, writer_token):
    from apps.api.services import api_token_revoke

    api_token_revoke(prefix=writer_token[:8])
    assert_error(post(client, "/api/wells", NEW_WELL, writer_token), 401, "not_authenticated")


def test_staff_session_writes_need_csrf():
    staff = get_user_model().objects.create_superuser("staff", "s@example.org", "pw-12345!")
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    body = assert_error(post(client, "/api/wells", NEW_WELL), 403, "permission_denied")
    assert "CSRF" in body["detail"][0]["msg"]
    client.get("/admin/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    response = post(client, "/api/wells", NEW_WELL, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.content


def test_non_staff_session_cannot_write():
    user = get_user_model().objects.create_user("member", "m@example.org", "pw-12345!")
    client = Client()
    client.force_login(user)
    assert_error(post(client, "/api/wells", NEW_WELL), 403, "permission_denied")


def test_duplicate_site_no_is_409(client, writer_token):
    well_create(site_no="AR0100")
    assert_error(
        post(client, "/api/wells", NEW_WELL, writer_token), 409, "conflict", ["body", "site_no"]
    )
    assert Well.objects.filter(site_no="AR0100").count() == 1


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        (
            {"location": {**NEW_WELL["location"], "latitude": 91}},
            ["body", "payload", "location", "latitude"],
        ),
        ({"site_no": "has space"}, ["body", "payload", "site_no"]),
        ({"well_depth_ft": -5}, ["body", "payload", "well_depth_ft"]),
        ({"status": "sleeping"}, ["body", "payload", "status"]),
        ({"name": ""}, ["body", "payload", "name"]),
    ],
)
def test_invalid_well_is_422_naming_the_field(client, writer_token, change, loc):
    response = post(client, "/api/wells", {**NEW_WELL, **change}, writer_token)
    assert_error(response, 422, "validation_error", loc)
    assert not Well.objects.exists()


def test_domain_rules_are_422_naming_the_field(client, writer_token):
    response = post(client, "/api/wells", {**NEW_WELL, "kind": "borehole"}, writer_token)
    body = assert_error(response, 422, "validation_error", ["body", "kind"])
    assert "'borehole' is not a known well kind code" in body["detail"][0]["msg"]
    response = post(client, "/api/wells", {**NEW_WELL, "groups": ["No such network"]}, writer_token)
    assert_error(response, 422, "validation_error", ["body", "groups"])
    assert not Well.objects.exists()


def test_malformed_json_is_400(client, writer_token):
    response = client.post(
        "/api/wells", "{not json", content_type="application/json", headers=auth(writer_token)
    )
    assert_error(response, 400, "malformed_request")


def test_patch_and_delete_a_well(client, writer_token):
    well = well_create(site_no="AR0200")
    group = group_create(name="Estancia Basin Monitoring")
    response = client.patch(
        "/api/wells/AR0200",
        json.dumps({"name": "Renamed", "location": {"county": "Torrance"}, "groups": [group.name]}),
        content_type="application/json",
        headers=auth(writer_token),
    )
    assert response.status_code == 200, response.content
    well.refresh_from_db()
    well.location.refresh_from_db()
    assert (well.name, well.location.county) == ("Renamed", "Torrance")
    assert list(well.groups.values_list("name", flat=True)) == [group.name]
    assert client.delete("/api/wells/AR0200", headers=auth(writer_token)).status_code == 204
    assert not Well.objects.filter(site_no="AR0200").exists()
    assert_error(client.delete("/api/wells/AR0200", headers=auth(writer_token)), 404, "not_found")


def test_patch_errors(client, writer_token):
    well_create(site_no="AR0300")
    well_create(site_no="AR0301")
    rename = client.patch(
        "/api/wells/AR0300",
        json.dumps({"site_no": "AR0301"}),
        content_type="application/json",
        headers=auth(writer_token),
    )
    assert_error(rename, 409, "conflict", ["body", "site_no"])
    missing = client.patch(
        "/api/wells/NOPE",
        json.dumps({"name": "x"}),
        content_type="application/json",
        headers=auth(writer_token),
    )
    assert_error(missing, 404, "not_found")
    bad = client.patch(
        "/api/wells/AR0300",
        json.dumps({"location": {"longitude": 500}}),
        content_type="application/json",
        headers=auth(writer_token),
    )
    assert_error(bad, 422, "validation_error")


def test_add_one_reading(client, writer_token):
    well = well_create()
    response = post(client, f"/api/wells/{well.site_no}/observations", READING, writer_token)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["created"] == 1
    reading = Observation.objects.get(pk=body["results"][0]["id"])
    assert reading.observed_at.isoformat() == "2025-03-01T16:30:00+00:00"
    assert body["results"][0]["site_no"] == well.site_no


def test_add_a_batch(client, writer_token):
    well = well_create()
    batch = [
        {**READING, "observed_at": f"2025-03-0{day}T09:30:00-07:00", "depth_to_water_ft": 100 + day}
        for day in range(1, 6)
    ]
    response = post(client, f"/api/wells/{well.site_no}/observations", batch, writer_token)
    assert response.status_code == 201, response.content
    assert response.json()["created"] == 5
    assert Observation.objects.filter(well=well).count() == 5


@pytest.mark.parametrize(
    ("reading", "field"),
    [
        ({**READING, "observed_at": "2025-03-01T09:30:00"}, "observed_at"),
        ({**READING, "observed_at": "March 1st"}, "observed_at"),
        ({**READING, "depth_to_water_ft": 1e308}, "depth_to_water_ft"),
        ({**READING, "depth_to_water_ft": "deep"}, "depth_to_water_ft"),
        ({**READING, "source": "satellite"}, "source"),
        ({"depth_to_water_ft": 5}, "observed_at"),
    ],
)
def test_invalid_reading_is_422_and_nothing_is_written(client, writer_token, reading, field):
    well = well_create()
    body = assert_error(
        post(client, f"/api/wells/{well.site_no}/observations", reading, writer_token),
        422,
        "validation_error",
    )
    assert any(field in item["loc"] for item in body["detail"]), body
    assert not Observation.objects.exists()


def test_nan_in_json_is_refused(client, writer_token):
    well = well_create()
    raw = '{"observed_at": "2025-03-01T09:30:00Z", "depth_to_water_ft": NaN}'
    response = client.post(
        f"/api/wells/{well.site_no}/observations",
        raw,
        content_type="application/json",
        headers=auth(writer_token),
    )
    assert response.status_code in (400, 422)
    assert not Observation.objects.exists()


def test_a_bad_row_in_a_batch_writes_nothing(client, writer_token):
    well = well_create()
    batch = [READING, {**READING, "observed_at": "2025-03-02T09:30:00Z", "level_status": "soggy"}]
    body = assert_error(
        post(client, f"/api/wells/{well.site_no}/observations", batch, writer_token),
        422,
        "validation_error",
        ["body", "1", "level_status"],
    )
    assert "'soggy' is not a known level status code" in body["detail"][0]["msg"]
    assert "dry" in body["detail"][0]["msg"]
    assert not Observation.objects.exists()


def test_dry_reading_without_depth(client, writer_token):
    well = well_create()
    url = f"/api/wells/{well.site_no}/observations"
    no_reason = {"observed_at": "2025-03-01T09:30:00Z", "depth_to_water_ft": None}
    assert_error(
        post(client, url, no_reason, writer_token),
        422,
        "validation_error",
        ["body", "0", "depth_to_water_ft"],
    )
    dry = {**no_reason, "level_status": "dry"}
    assert post(client, url, dry, writer_token).status_code == 201


def test_reading_that_already_exists_is_409(client, writer_token):
    existing = observation_create()
    url = f"/api/wells/{existing.well.site_no}/observations"
    again = {"observed_at": existing.observed_at.isoformat(), "depth_to_water_ft": 1.0}
    assert_error(post(client, url, again, writer_token), 409, "conflict", ["body", "observed_at"])
    twice = [READING, READING]
    assert_error(post(client, url, twice, writer_token), 409, "conflict")
    assert Observation.objects.count() == 1


def test_reading_for_unknown_well_is_404(client, writer_token):
    assert_error(
        post(client, "/api/wells/NOPE/observations", READING, writer_token), 404, "not_found"
    )


def test_batch_size_is_limited(client, writer_token):
    well = well_create()
    response = post(
        client, f"/api/wells/{well.site_no}/observations", [READING] * 10_001, writer_token
    )
    assert response.status_code == 422


def test_create_sample_contact_group_term(client, writer_token):
    well = well_create()
    sample = post(
        client,
        "/api/samples",
        {
            "site_no": well.site_no,
            "sampled_at": "2025-04-01T10:00:00-06:00",
            "results": [{"analyte": "Nitrate as N", "value": 3.1, "unit": "mg/L"}],
        },
        writer_token,
    )
    assert sample.status_code == 201, sample.content
    assert sample.json()["results"][0]["analyte"] == "Nitrate as N"
    assert Sample.objects.get().results.count() == 1
    unknown_well = post(
        client,
        "/api/samples",
        {"site_no": "NOPE", "sampled_at": "2025-04-01T10:00:00Z"},
        writer_token,
    )
    assert_error(unknown_well, 422, "validation_error", ["body", "site_no"])
    contact = post(
        client, "/api/contacts", {"name": "Rosa Tafoya", "email": "rosa@example.org"}, writer_token
    )
    assert contact.status_code == 201 and Contact.objects.filter(name="Rosa Tafoya").exists()
    bad_email = post(client, "/api/contacts", {"name": "X", "email": "not-an-email"}, writer_token)
    assert_error(bad_email, 422, "validation_error", ["body", "email"])
    group = post(client, "/api/groups", {"name": "Mimbres Network"}, writer_token)
    assert group.status_code == 201 and group.json()["well_count"] == 0
    assert_error(
        post(client, "/api/groups", {"name": "Mimbres Network"}, writer_token), 409, "conflict"
    )
    assert Group.objects.filter(name="Mimbres Network").count() == 1
    term = {"category": "method", "code": "drone", "label": "Drone sounder"}
    assert post(client, "/api/lexicon", term, writer_token).status_code == 201
    assert_error(
        post(client, "/api/lexicon", term, writer_token), 409, "conflict", ["body", "code"]
    )
    assert LexiconTerm.objects.filter(category="method", code="drone").count() == 1


def test_writes_announce_changes_only_after_commit(
    client, writer_token, django_capture_on_commit_callbacks
):
    events = []
    event_subscribe(events.append)
    try:
        well = well_create()
        url = f"/api/wells/{well.site_no}/observations"
        with django_capture_on_commit_callbacks(execute=True):
            assert post(client, url, READING, writer_token).status_code == 201
        with django_capture_on_commit_callbacks(execute=True):
            assert post(client, url, READING, writer_token).status_code == 409
    finally:
        event_unsubscribe(events.append)
    assert [e["kind"] for e in events] == ["observations.created"]
    assert events[0]["site_no"] == well.site_no
    assert events[0]["observation_ids"] == list(Observation.objects.values_list("pk", flat=True))


def test_unexpected_error_is_500_with_the_request_id(client, monkeypatch, caplog):
    from apps.monitoring import selectors

    async def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "stats_aget", broken)
    response = client.get("/api/stats", headers={"X-Request-ID": "req-123"})
    assert response.status_code == 500
    body = response.json()
    assert body["code"] == "server_error"
    assert "req-123" in body["detail"][0]["msg"]
    assert response["X-Request-ID"] == "req-123"
    assert "req-123" in caplog.text and "boom" in caplog.text


def test_a_patch_that_is_not_an_object_changes_nothing_and_says_so(client, writer_token):
    well_create(site_no="AR0400", name="Keep me")
    for body in ("[null, null]", "{}"):
        response = client.patch(
            "/api/wells/AR0400", body, content_type="application/json", headers=auth(writer_token)
        )
        assert_error(response, 422, "validation_error")
    assert Well.objects.get(site_no="AR0400").name == "Keep me"


def test_booleans_are_not_numbers(client, writer_token):
    well = well_create()
    url = f"/api/wells/{well.site_no}/observations"
    body = {"observed_at": "2025-03-01T09:30:00Z", "depth_to_water_ft": True}
    assert_error(post(client, url, body, writer_token), 422, "validation_error")
    bad_location = {
        **NEW_WELL,
        "location": {**NEW_WELL["location"], "land_surface_elevation_ft": False},
    }
    assert_error(post(client, "/api/wells", bad_location, writer_token), 422, "validation_error")
    assert not Observation.objects.exists() and not Well.objects.filter(site_no="AR0100").exists()
