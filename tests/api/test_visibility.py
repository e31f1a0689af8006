"""Who may see what (ADR-0012), against a real uvicorn: every GET route of the OpenAPI
document, the pages and the websockets, walked as anonymous, viewer, field and data
manager. Private wells, withheld readings and samples, exact coordinates without the owner's
consent and contacts' details appear exactly where the role allows, and nowhere else."""

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest
import websockets
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from apps.api.services import api_token_create
from apps.monitoring import roles, selectors, services
from apps.monitoring.models import Observation, OwnerConsent, Release, WellContact
from tests.monitoring.factories import (
    contact_create,
    group_create,
    location_create,
    observation_create,
    sample_create,
    well_create,
)
from tests.support.visibility import (
    public_reading_ids,
    public_sample_ids,
    public_well_ids,
)

pytestmark = pytest.mark.django_db(transaction=True)

AT = datetime(2025, 3, 1, 17, tzinfo=UTC)
# Markers that only private data carries: none may appear in anything the public gets.
SECRETS = {
    "private well's name": "Secret Ranch Well",
    "withheld reading's depth": "77.77",
    "private well's reading's depth": "88.88",
    "withheld sample's laboratory": "Hidden Lab",
    "private well's sample's laboratory": "Ranch Lab",
    "unconsented sample's laboratory": "Owner Lab",
    "exact latitude without consent": "35.123456",
    "exact longitude without consent": "-106.654321",
    "owner's phone": "505-555-0199",
    "owner's email": "owner@ranch.example",
}


@dataclass
class World:
    server: object
    tokens: dict[str, str]
    sessions: dict[str, str]
    ids: dict[str, int]


def _member(username: str, role: str):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "pw-1234!")
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def world(uvicorn_server) -> World:
    network = group_create(name="Basin network")
    # Public, no owner: readings and samples public unless withheld one by one.
    public = well_create(site_no="PUB1", name="Open Well", release_status=Release.PUBLIC)
    shown = observation_create(well=public, observed_at=AT, depth_to_water_ft=11.25)
    withheld = observation_create(
        well=public,
        observed_at=AT.replace(day=2),
        depth_to_water_ft=77.77,
        release_status=Release.PRIVATE,
    )
    shown_sample = sample_create(well=public, laboratory="Public Lab")
    sample_create(well=public, laboratory="Hidden Lab", release_status=Release.PRIVATE)
    # Public, with an owner who consented to water levels only.
    owned = well_create(
        site_no="OWN1",
        name="Owned Well",
        release_status=Release.PUBLIC,
        location=location_create(latitude=35.123456, longitude=-106.654321),
    )
    owner = contact_create(name="R. Rancher", email="owner@ranch.example", phone="505-555-0199")
    WellContact.objects.create(well=owned, contact=owner, role=WellContact.Role.OWNER)
    services.consent_record(well=owned, data_type=OwnerConsent.DataType.WATER_LEVELS)
    owned_reading = observation_create(well=owned, observed_at=AT, depth_to_water_ft=22.5)
    sample_create(well=owned, laboratory="Owner Lab")
    # Public, with an owner who consented to nothing yet.
    unconsented = well_create(site_no="CON1", name="Unconsented Well", release_status="public")
    WellContact.objects.create(well=unconsented, contact=owner, role=WellContact.Role.OWNER)
    # Private.
    private = well_create(site_no="PRV1", name="Secret Ranch Well", release_status="private")
    observation_create(well=private, observed_at=AT, depth_to_water_ft=88.88)
    private_sample = sample_create(well=private, laboratory="Ranch Lab")
    for well in (public, owned, unconsented, private):
        well.groups.add(network)
    users = {
        "viewer": _member("viewer", roles.VIEWER),
        "field": _member("field", roles.FIELD),
        "manager": _member("manager", roles.DATA_MANAGER),
    }
    sessions = {}
    for name, user in users.items():
        client = Client()
        client.force_login(user)
        sessions[name] = client.cookies["sessionid"].value
    return World(
        server=uvicorn_server,
        tokens={name: api_token_create(user=user)[1] for name, user in users.items()},
        sessions=sessions,
        ids={
            "shown": shown.pk,
            "withheld": withheld.pk,
            "owned_reading": owned_reading.pk,
            "shown_sample": shown_sample.pk,
            "private_sample": private_sample.pk,
            "owner": owner.pk,
            "group": network.pk,
        },
    )


def _client(world: World, role: str, *, session: bool = False) -> httpx.Client:
    headers, cookies = {}, {}
    if role != "anonymous" and session:
        cookies = {"sessionid": world.sessions[role]}
    elif role != "anonymous":
        headers = {"Authorization": f"Bearer {world.tokens[role]}"}
    return httpx.Client(base_url=world.server.url, headers=headers, cookies=cookies, timeout=30)


def _urls(world: World) -> dict[str, list[str]]:
    """A concrete URL (or several) for every GET route in the OpenAPI document."""
    ids = world.ids
    wells = ("PUB1", "OWN1", "CON1", "PRV1")
    return {
        "/api/stats": ["/api/stats"],
        "/api/health": ["/api/health"],
        "/api/wells": ["/api/wells"],
        "/api/wells.geojson": ["/api/wells.geojson"],
        "/api/wells/{site_no}": [f"/api/wells/{s}" for s in wells],
        "/api/wells/{site_no}/observations": [f"/api/wells/{s}/observations" for s in wells]
        + [f"/api/wells/{s}/observations?format=csv" for s in wells],
        "/api/wells/{site_no}/hydrograph": [f"/api/wells/{s}/hydrograph" for s in wells],
        "/api/samples": ["/api/samples", "/api/samples?site_no=PRV1"],
        "/api/samples/{sample_id}": [
            f"/api/samples/{ids['shown_sample']}",
            f"/api/samples/{ids['private_sample']}",
        ],
        "/api/contacts": ["/api/contacts"],
        "/api/contacts/{contact_id}": [f"/api/contacts/{ids['owner']}"],
        "/api/groups": ["/api/groups"],
        "/api/groups/{group_id}": [f"/api/groups/{ids['group']}"],
        "/api/lexicon": ["/api/lexicon"],
        "/api/lexicon/{category}/{code}": ["/api/lexicon/method/steel_tape"],
        "/api/audit": ["/api/audit?model=observation", "/api/audit?model=sample"],
    }


PAGES = ["/", "/wells/", "/wells/PUB1/", "/wells/OWN1/", "/wells/CON1/", "/wells/PRV1/"]


def _walk(world: World, role: str, *, session: bool = False) -> dict[str, httpx.Response]:
    with _client(world, role, session=session) as client:
        urls = [url for group in _urls(world).values() for url in group]
        return {url: client.get(url) for url in [*urls, *PAGES]}


def test_the_walk_covers_every_get_route(world):
    """A new GET route fails here until the walk (and so the leak check) includes it."""
    paths = httpx.get(f"{world.server.url}/api/openapi.json").json()["paths"]
    served = {path for path, operations in paths.items() if "get" in operations}
    assert served == set(_urls(world))


def test_the_public_sees_public_data_only_and_nothing_private_leaks(world):
    answers = _walk(world, "anonymous")
    for url, response in answers.items():
        assert response.status_code < 500, (url, response.text)
        for what, secret in SECRETS.items():
            assert secret not in response.text, f"{what} in {url}"
    got = {
        url: r.json()
        for url, r in answers.items()
        if url.startswith("/api/") and r.headers["content-type"].startswith("application/")
    }
    assert [w["site_no"] for w in got["/api/wells"]["results"]] == ["CON1", "OWN1", "PUB1"]
    owned = next(w for w in got["/api/wells"]["results"] if w["site_no"] == "OWN1")
    assert (owned["latitude"], owned["longitude"]) == (35.12, -106.65)
    assert owned["location_precision"] == "0.01°"
    assert got["/api/wells/OWN1"]["location"]["precision"] == "0.01°"
    assert len(got["/api/wells.geojson"]["features"]) == 3
    assert answers["/api/wells/PRV1"].status_code == 404
    assert answers["/api/wells/PRV1/observations"].status_code == 404
    assert answers["/api/wells/PRV1/hydrograph"].status_code == 404
    ids = [r["id"] for r in got["/api/wells/PUB1/observations"]["results"]]
    assert ids == [world.ids["shown"]]
    assert got["/api/wells/PUB1"]["series"]["count"] == 1
    # Its summary's range would include the withheld reading: none for the public.
    assert got["/api/wells/PUB1"]["summary"] is None
    assert got["/api/wells/OWN1"]["summary"]["observation_count"] == 1
    assert got["/api/wells/OWN1/observations"]["results"][0]["id"] == world.ids["owned_reading"]
    assert got["/api/wells/CON1/observations"]["results"] == []  # no consent yet
    assert answers["/api/wells/PUB1/observations?format=csv"].text.count("\n") == 2
    assert [s["laboratory"] for s in got["/api/samples"]["results"]] == ["Public Lab"]
    assert got["/api/samples?site_no=PRV1"]["count"] == 0
    assert answers[f"/api/samples/{world.ids['private_sample']}"].status_code == 404
    stats = got["/api/stats"]
    assert (stats["scope"], stats["wells"], stats["observations"], stats["samples"]) == (
        "public",
        3,
        2,
        1,
    )
    assert got[f"/api/groups/{world.ids['group']}"]["well_count"] == 3
    contact = got[f"/api/contacts/{world.ids['owner']}"]
    assert contact["email"] is None and contact["phone"] is None
    assert answers["/api/audit?model=observation"].status_code == 401
    assert answers["/wells/PRV1/"].status_code == 404
    assert 'data-count="3"' in answers["/wells/"].text
    assert "rounded to 0.01°" in answers["/wells/OWN1/"].text


@pytest.mark.parametrize("role", ["viewer", "field", "manager"])
def test_staff_roles_see_everything(world, role):
    answers = _walk(world, role)
    for url, response in answers.items():
        if url.startswith("/api/audit"):
            assert response.status_code == (200 if role == "manager" else 403), url
        elif url.startswith("/api/") or url in ("/",):
            assert response.status_code == 200, (url, response.text)
    everything = "".join(r.text for r in answers.values())
    page_text = "".join(r.text for u, r in answers.items() if not u.startswith("/api/"))
    # Pages are read by session, the API by token: both show what the role allows.
    for what, secret in SECRETS.items():
        assert secret in everything, f"{role} does not see the {what}"
    assert "Secret Ranch Well" not in page_text  # a token is not a browser session
    stats = answers["/api/stats"].json()
    assert (stats["scope"], stats["wells"], stats["observations"], stats["samples"]) == (
        "all",
        4,
        4,
        4,
    )
    wells = answers["/api/wells"].json()["results"]
    assert {w["site_no"]: w["location_precision"] for w in wells}["OWN1"] == "exact"
    assert answers["/api/wells/PUB1"].json()["summary"]["observation_count"] == 2


def test_pages_follow_a_signed_in_viewers_session(world):
    answers = _walk(world, "viewer", session=True)
    assert answers["/wells/PRV1/"].status_code == 200
    assert "Private: not shown to the public" in answers["/wells/PRV1/"].text
    assert 'data-count="4"' in answers["/wells/"].text
    assert "35.12346" in answers["/wells/OWN1/"].text  # exact, to five places


def test_revoking_consent_takes_the_data_out_of_the_next_public_response(world):
    url = f"{world.server.url}/api/wells/OWN1/observations"
    assert len(httpx.get(url).json()["results"]) == 1
    consent = OwnerConsent.objects.get(well__site_no="OWN1", revoked_at__isnull=True)
    services.consent_revoke(consent=consent, notes="Owner called to withdraw.")
    assert httpx.get(url).json()["results"] == []
    assert httpx.get(f"{world.server.url}/api/stats").json()["observations"] == 1
    kept = OwnerConsent.objects.get(pk=consent.pk)
    assert kept.revoked_at is not None and kept.revocation_notes == "Owner called to withdraw."
    assert [h.history_type for h in kept.history.order_by("history_id")] == ["+", "~"]
    # A new consent publishes again; the revoked one stays as history.
    services.consent_record(well=kept.well, data_type=OwnerConsent.DataType.WATER_LEVELS)
    assert len(httpx.get(url).json()["results"]) == 1
    assert OwnerConsent.objects.filter(well__site_no="OWN1").count() == 2


def test_public_stats_equal_an_independent_count_of_public_data(world):
    services.demo_seed(
        seed=4, wells=16, years=2, transducer_wells=1, transducer_days=10, end=AT.date()
    )
    stats = httpx.get(f"{world.server.url}/api/stats").json()
    assert stats["scope"] == "public"
    assert stats["wells"] == len(public_well_ids())
    assert stats["observations"] == len(public_reading_ids())
    assert stats["samples"] == len(public_sample_ids())
    assert stats["observations"] < Observation.objects.count()


def test_release_changes_are_audited_with_who_and_what(world):
    manager = {"Authorization": f"Bearer {world.tokens['manager']}"}
    field = {"Authorization": f"Bearer {world.tokens['field']}"}
    base = world.server.url
    patched = httpx.patch(
        f"{base}/api/wells/PUB1", json={"release_status": "private"}, headers=manager
    )
    assert patched.status_code == 200, patched.text
    assert httpx.get(f"{base}/api/wells/PUB1").status_code == 404  # at once
    posted = httpx.post(
        f"{base}/api/wells/OWN1/observations",
        json=[{"observed_at": "2025-04-01T10:00:00-06:00", "depth_to_water_ft": 23.0}],
        headers=field,
    )
    assert posted.status_code == 201, posted.text
    wells = httpx.get(f"{base}/api/audit?model=well&site_no=PUB1", headers=manager).json()
    latest = wells["results"][0]
    assert (latest["kind"], latest["user"]) == ("changed", "manager")
    assert latest["changes"]["release_status"] == ["public", "private"]
    readings = httpx.get(f"{base}/api/audit?model=observation&site_no=OWN1", headers=manager)
    created = readings.json()["results"][0]
    assert (created["kind"], created["user"], created["site_no"]) == ("created", "field", "OWN1")
    assert created["changes"]["depth_to_water_ft"] == [None, 23.0]
    assert httpx.get(f"{base}/api/audit", headers=field).status_code == 403


def ws_url(world: World, path: str) -> str:
    return world.server.url.replace("http://", "ws://") + path


async def _subscribe(world: World, site_no: str, role: str):
    cookie = {} if role == "anonymous" else {"Cookie": f"sessionid={world.sessions[role]}"}
    return await websockets.connect(
        ws_url(world, f"/ws/wells/{site_no}/"),
        origin=world.server.url,
        additional_headers=cookie,
    )


def test_websockets_show_private_wells_and_readings_only_to_those_allowed(world):
    async def main():
        anonymous = await _subscribe(world, "PRV1", "anonymous")
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(anonymous.recv(), timeout=5)
        assert closed.value.rcvd.code == 4404
        viewer = await _subscribe(world, "CON1", "viewer")
        public = await _subscribe(world, "CON1", "anonymous")
        for client in (viewer, public):
            assert json.loads(await client.recv())["type"] == "subscribed"
        token = {"Authorization": f"Bearer {world.tokens['field']}"}
        async with httpx.AsyncClient(base_url=world.server.url) as http:
            response = await http.post(
                "/api/wells/CON1/observations",
                json={"observed_at": "2025-05-01T10:00:00Z", "depth_to_water_ft": 31.5},
                headers=token,
            )
            assert response.status_code == 201, response.text
        frame = json.loads(await asyncio.wait_for(viewer.recv(), timeout=5))
        assert frame["observation"]["depth_to_water_ft"] == 31.5
        assert "public" not in frame["observation"]
        # The same layer message reached the anonymous consumer, which passed nothing on.
        await public.send(json.dumps({"type": "ping"}))
        assert json.loads(await asyncio.wait_for(public.recv(), timeout=5)) == {"type": "pong"}
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(public.recv(), timeout=0.5)
        signed_in = await _subscribe(world, "PRV1", "viewer")
        assert json.loads(await signed_in.recv())["type"] == "subscribed"
        for client in (viewer, public, signed_in):
            await client.close()

    asyncio.run(main())


def test_the_export_command_exports_as_the_role_it_is_told(world, capsys):
    with pytest.raises(CommandError, match="public view"):
        call_command("export_observations", "--well", "PRV1")
    call_command("export_observations", "--well", "PUB1")
    public = capsys.readouterr().out
    assert "11.25" in public and "77.77" not in public
    call_command("export_observations", "--well", "PUB1", "--as", roles.VIEWER)
    assert "77.77" in capsys.readouterr().out
    call_command("export_observations", "--well", "PRV1", "--as", roles.DATA_MANAGER)
    assert "88.88" in capsys.readouterr().out


@pytest.mark.django_db
def test_new_wells_are_private_unless_the_deployment_says_otherwise(settings):
    settings.PIEZO_NEW_WELL_RELEASE = "private"
    location = {"latitude": 35.0, "longitude": -106.0}
    created = services.well_create(site_no="NEW1", name="New", location=location)
    assert created.release_status == Release.PRIVATE
    assert selectors.well_scope_get(site_no="NEW1", audience=selectors.PUBLIC) is None
    assert well_create(site_no="NEW2").release_status == Release.PRIVATE  # the model's default
    settings.PIEZO_NEW_WELL_RELEASE = "public"
    assert well_create(site_no="NEW3").release_status == Release.PUBLIC
