"""The OpenAPI document describes every operation, its parameters, responses and errors."""

import pytest

pytestmark = pytest.mark.django_db

EXPECTED = {
    ("get", "/api/stats"),
    ("get", "/api/health"),
    ("get", "/api/wells"),
    ("post", "/api/wells"),
    ("get", "/api/wells.geojson"),
    ("get", "/api/wells/{site_no}"),
    ("patch", "/api/wells/{site_no}"),
    ("delete", "/api/wells/{site_no}"),
    ("get", "/api/wells/{site_no}/observations"),
    ("post", "/api/wells/{site_no}/observations"),
    ("get", "/api/wells/{site_no}/hydrograph"),
    ("get", "/api/samples"),
    ("post", "/api/samples"),
    ("get", "/api/samples/{sample_id}"),
    ("get", "/api/contacts"),
    ("post", "/api/contacts"),
    ("get", "/api/contacts/{contact_id}"),
    ("get", "/api/groups"),
    ("post", "/api/groups"),
    ("get", "/api/groups/{group_id}"),
    ("post", "/api/tokens"),
    ("get", "/api/lexicon"),
    ("post", "/api/lexicon"),
    ("get", "/api/lexicon/{category}/{code}"),
    ("get", "/api/audit"),
}


def test_openapi_lists_every_operation_with_its_errors(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    operations = {(method, path) for path, ops in paths.items() for method in ops}
    assert operations == EXPECTED
    for path, ops in paths.items():
        for method, operation in ops.items():
            responses = operation["responses"]
            assert "503" in responses, (method, path)
            if method == "get" and path not in ("/api/health", "/api/stats"):
                assert "400" in responses, (method, path)
            if method == "get" and path != "/api/health":
                # Every read may carry a token, and an unknown one is a 401 (ADR-0012).
                assert "401" in responses, (method, path)
            if "{" in path:
                assert "404" in responses, (method, path)
            if method != "get" and path != "/api/tokens":
                for status in ("401", "403", "409", "422", "429"):
                    assert status in responses, (method, path, status)
                assert operation.get("security"), (method, path)
    series = paths["/api/wells/{site_no}/observations"]["get"]
    names = {p["name"] for p in series["parameters"]}
    assert {"start", "end", "data_quality", "source", "after", "before", "format"} <= names
    assert "text/csv" in series["responses"]["200"]["content"]


def test_interactive_docs_render(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content
