"""One input policy on both databases, against a real uvicorn: text PostgreSQL cannot store
(NUL) or no driver can encode (a lone surrogate) is the client's mistake everywhere (API
bodies, queries and paths, the pages, the admin's search, imports, websocket paths), never
a 500; 4-byte characters and strings at every length limit go in and come back whole; CSV
exports neutralise formulas; unmatched API paths answer in the API's shape; the admin's
login locks out repeated failures."""

import asyncio
import csv
import io
import re

import httpx
import pytest
import websockets
from django.core.management import call_command

from apps.monitoring.models import Observation, Well
from tests.monitoring.factories import well_create
from tests.pipeline.conftest import run

pytestmark = pytest.mark.django_db(transaction=True)

NUL = "a\x00b"
SURROGATE_BODY = (
    b'{"observed_at": "2025-01-01T00:00:00Z", "depth_to_water_ft": 1, "notes": "\\ud800"}'
)
ASTRAL = "\U0001d518"  # MATHEMATICAL FRAKTUR CAPITAL U: four bytes in UTF-8


@pytest.fixture
def api(uvicorn_server, writer_token):
    well_create(site_no="NP0001")
    headers = {"Authorization": f"Bearer {writer_token}"}
    with httpx.Client(base_url=uvicorn_server.url, headers=headers, timeout=30) as client:
        yield client
    assert "Traceback" not in uvicorn_server.output()


def reading(**fields) -> dict:
    return {"observed_at": "2025-01-01T00:00:00Z", "depth_to_water_ft": 1.0, **fields}


def well_body(**fields) -> dict:
    return {
        "site_no": "NP0100",
        "name": "A well",
        "location": {"latitude": 35.0, "longitude": -106.0},
        **fields,
    }


def locs(response: httpx.Response) -> list[list]:
    return [item.get("loc") for item in response.json()["detail"]]


@pytest.mark.parametrize(
    ("path", "body", "loc"),
    [
        ("/api/wells/NP0001/observations", reading(notes=NUL), ["body", "payload", "notes"]),
        (
            "/api/wells/NP0001/observations",
            [reading(), reading(observed_at="2025-01-02T00:00:00Z", measured_by=NUL)],
            ["body", "payload", 1, "measured_by"],
        ),
        ("/api/wells", well_body(name=NUL), ["body", "payload", "name"]),
        ("/api/wells", well_body(groups=["ok", NUL]), ["body", "payload", "groups"]),
        (
            "/api/wells",
            well_body(location={"latitude": 35, "longitude": -106, "county": NUL}),
            ["body", "payload", "location", "county"],
        ),
        ("/api/contacts", {"name": NUL}, ["body", "payload", "name"]),
        (
            "/api/lexicon",
            {"category": "method", "code": "recently_pumped", "label": NUL},
            ["body", "payload", "label"],
        ),
        ("/api/tokens", {"username": NUL, "password": "x"}, ["body", "payload", "username"]),
    ],
)
def test_nul_in_a_body_is_a_422_naming_the_field(api, path, body, loc):
    response = api.post(path, json=body)
    assert response.status_code == 422, response.text
    assert loc in locs(response), locs(response)
    assert "NUL" in response.text
    assert Observation.objects.count() == 0 and not Well.objects.filter(site_no="NP0100").exists()


def test_a_lone_surrogate_is_a_422(api):
    response = api.post(
        "/api/wells/NP0001/observations",
        content=SURROGATE_BODY,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert locs(response) == [["body", "payload", "notes"]] and Observation.objects.count() == 0


@pytest.mark.parametrize(
    ("url", "status", "loc"),
    [
        ("/api/wells?q=a%00b", 400, ["query", "q"]),
        ("/api/wells?county=%00", 400, ["query", "county"]),
        ("/api/wells/NP0001/observations?data_quality=x%00", 400, ["query", "data_quality"]),
        ("/api/wells/a%00b", 404, ["path"]),
        ("/api/wells/a%00b/observations", 404, ["path"]),
    ],
)
def test_nul_in_a_query_or_path_is_a_4xx(api, url, status, loc):
    response = api.get(url)
    assert response.status_code == status, response.text
    assert locs(response) == [loc]


def test_pages_and_the_admin_search_refuse_nul_too(api, admin_client_server):
    assert api.get("/wells/?q=a%00b").status_code == 400
    assert api.get("/wells/a%00b/").status_code == 404
    response = admin_client_server.get("/admin/monitoring/well/?q=a%00b")
    assert response.status_code == 400 and "'q'" in response.text


def test_a_websocket_path_with_nul_is_an_unknown_well(uvicorn_server):
    async def connect():
        url = uvicorn_server.url.replace("http://", "ws://") + "/ws/wells/a%00b/"
        async with websockets.connect(url, origin=uvicorn_server.url) as client:
            await asyncio.wait_for(client.wait_closed(), timeout=5)
            return client.close_code

    assert asyncio.run(connect()) == 4404
    assert "Traceback" not in uvicorn_server.output()


def test_four_byte_characters_and_every_length_limit_round_trip(api):
    name = ASTRAL * 200  # the limit, in characters, each four bytes
    response = api.post("/api/wells", json=well_body(name=name, aquifer="x" * 120))
    assert response.status_code == 201, response.text
    assert api.get("/api/wells/NP0100").json()["name"] == name
    assert (
        api.post("/api/wells", json=well_body(site_no="NP0101", name="x" * 201)).status_code == 422
    )
    notes = ("🌊" + ASTRAL) * 2000  # 4,000 characters, 16,000 bytes
    response = api.post("/api/wells/NP0001/observations", json=reading(notes=notes))
    assert response.status_code == 201, response.text
    stored = api.get("/api/wells/NP0001/observations").json()["results"][0]
    assert stored["notes"] == notes
    long_notes = reading(observed_at="2025-01-02T00:00:00Z", notes="x" * 4001)
    assert api.post("/api/wells/NP0001/observations", json=long_notes).status_code == 422
    site_no = "S" + "9" * 31
    assert api.post("/api/wells", json=well_body(site_no=site_no)).status_code == 201
    assert api.get(f"/api/wells/{site_no}").status_code == 200
    assert api.post("/api/wells", json=well_body(site_no=site_no + "9")).status_code == 422


def test_an_import_with_nul_lists_the_cell_and_writes_nothing(tmp_path):
    well_create(site_no="NP0001")
    levels = tmp_path / "levels.csv"
    levels.write_text(
        "well_name_point_id,water_level_date_time,depth_to_water_ft,notes\n"
        "NP0001,2025-01-01 08:00,10.5,fine\n"
        "NP0001,2025-01-02 08:00,10.6,bad\x00note\n"
    )
    result = run("import_waterlevels", str(levels))
    assert result.code == 1
    assert "row 3, column notes: 'bad\\x00note' contains a NUL character" in result.err
    assert Observation.objects.count() == 0
    sites = tmp_path / "sites.rdb"
    sites.write_text(
        "agency_cd\tsite_no\tstation_nm\tsite_tp_cd\tdec_lat_va\tdec_long_va\n"
        "5s\t15s\t50s\t7s\t16s\t16s\n"
        "USGS\t1\tNUL\x00WELL\tGW\t35\t-106\n"
    )
    result = run("import_sites", str(sites))
    assert result.code == 1 and "column station_nm" in result.err and "NUL" in result.err
    assert Well.objects.count() == 1


FORMULAS = {
    "notes": '=HYPERLINK("http://evil","x")',
    "measured_by": "@SUM(1+1)",
    "elevation_datum": "+NGVD",
}


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_exports_neutralise_formulas_and_keep_numbers(api, tmp_path):
    for n, (field, value) in enumerate(FORMULAS.items()):
        body = reading(
            observed_at=f"2025-01-0{n + 1}T00:00:00Z", depth_to_water_ft=-3.5, **{field: value}
        )
        body["level_status"] = "flowing"
        assert api.post("/api/wells/NP0001/observations", json=body).status_code == 201
    api_rows = csv_rows(api.get("/api/wells/NP0001/observations?format=csv").text)
    out = tmp_path / "export.csv"
    with out.open("w") as handle:
        call_command("export_observations", "--well", "NP0001", "--format", "csv", stdout=handle)
    command_rows = csv_rows(out.read_text())
    for rows in (api_rows, command_rows):
        assert len(rows) == 3
        for row, (field, value) in zip(rows, FORMULAS.items(), strict=True):
            assert row[field] == "'" + value
            assert row["depth_to_water_ft"] == "-3.5"  # a number stays a number
            # No cell a spreadsheet would run.
            assert not any(cell[:1] in "=+@\t\r" for cell in row.values() if cell)


def test_unmatched_api_paths_answer_in_the_api_shape(api):
    for method, url in (("GET", "/api/nope"), ("POST", "/api/wells/NP0001/nope")):
        response = api.request(method, url)
        assert response.status_code == 404, (url, response.text)
        assert response.headers["content-type"].startswith("application/json")
        assert response.json()["code"] == "not_found" and response.json()["detail"]


def login(client: httpx.Client, username: str, password: str) -> httpx.Response:
    form = client.get("/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)[1]
    return client.post(
        "/admin/login/?next=/admin/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{client.base_url}/admin/login/"},
    )


def test_the_admin_login_locks_out_repeated_failures(uvicorn_server, django_user_model):
    django_user_model.objects.create_superuser("boss", "b@example.org", "right-pw-1234")
    with httpx.Client(base_url=uvicorn_server.url, timeout=30) as client:
        for _ in range(4):
            response = login(client, "boss", "wrong")
            assert response.status_code == 200 and "correct username" in response.text
        # The fifth failure (PIEZO_LOGIN_FAILURE_LIMIT) starts the cool-off.
        locked = login(client, "boss", "wrong")
        assert locked.status_code == 429 and int(locked.headers["Retry-After"]) == 15 * 60
        # Locked out means locked out, even with the right password...
        assert login(client, "boss", "right-pw-1234").status_code == 429
        # ...for that username from that address only.
        assert login(client, "someone", "wrong").status_code == 200
    assert "AXES: Locking out" in uvicorn_server.output()


@pytest.fixture
def admin_client_server(uvicorn_server, django_user_model):
    django_user_model.objects.create_superuser("staff", "s@example.org", "staff-pw-1234")
    with httpx.Client(base_url=uvicorn_server.url, timeout=30) as client:
        assert login(client, "staff", "staff-pw-1234").status_code == 302
        yield client


def string_limits(schema) -> dict[str, int]:
    """Every string field of a request schema and its max_length, read from the schema."""
    limits = {}
    for name, field in schema.model_fields.items():
        if field.annotation is not str:
            continue
        for meta in field.metadata:
            if getattr(meta, "max_length", None):
                limits[name] = meta.max_length
    return limits


@pytest.mark.parametrize(
    ("path", "schema_name", "body"),
    [
        ("/api/wells/NP0001/observations", "ObservationIn", reading()),
        ("/api/wells", "WellIn", well_body()),
        ("/api/contacts", "ContactIn", {"name": "A contact"}),
        ("/api/groups", "GroupIn", {"name": "A group", "kind": "network"}),
    ],
)
def test_every_string_limit_four_byte_at_the_limit_and_one_over(api, path, schema_name, body):
    from apps.api import schemas

    limits = string_limits(getattr(schemas, schema_name))
    assert limits, schema_name
    for n, (field, limit) in enumerate(sorted(limits.items())):
        # At the limit in four-byte characters: stored, or refused for what it means (an
        # unknown vocabulary code, a site number's pattern), never a 500.
        at_limit = {**body, field: ASTRAL * limit}
        if "observed_at" in body:
            at_limit["observed_at"] = f"2024-01-{n + 1:02d}T00:00:00Z"
        if field != "site_no" and "site_no" in body:
            at_limit["site_no"] = f"NL{n:04d}"
        assert api.post(path, json=at_limit).status_code in (201, 409, 422), (field, limit)
        over = {**at_limit, field: "x" * (limit + 1)}
        response = api.post(path, json=over)
        assert response.status_code == 422, (field, response.text)
        assert any(loc and loc[-1] == field for loc in locs(response)), (field, locs(response))
