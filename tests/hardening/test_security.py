"""Security settings and rules: deploy checks, every write refused without credentials or
permission (walked from the OpenAPI document, so a new endpoint cannot slip through),
tokens, and throttling."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import cache

from tests.monitoring.factories import contact_create, group_create, sample_create, well_create

pytestmark = pytest.mark.django_db


def test_check_deploy_reports_nothing_with_the_production_settings():
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "project.settings.production",
        "SECRET_KEY": "k3y-" + "x7Qp9zR2mW5vB8nC4jL6tY1hF0dG3sA" * 2,
        "ALLOWED_HOSTS": "piezo.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=environ,
        cwd=settings.BASE_DIR,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def write_operations(client) -> list[tuple[str, str]]:
    paths = client.get("/api/openapi.json").json()["paths"]
    return [
        (method, path)
        for path, operations in paths.items()
        for method in operations
        if method in ("post", "put", "patch", "delete") and path != "/api/tokens"
    ]


def test_every_write_is_refused_without_credentials_and_without_permission(client, reader_token):
    well = well_create(site_no="AR0500")
    values = {
        "site_no": well.site_no,
        "sample_id": sample_create(well=well).pk,
        "contact_id": contact_create().pk,
        "group_id": group_create().pk,
    }
    operations = write_operations(client)
    assert len(operations) == 8, operations
    for method, path in operations:
        url = re.sub(r"\{(\w+)\}", lambda m: str(values[m[1]]), path)
        call = getattr(client, method)
        anonymous = call(url, "{}", content_type="application/json")
        assert anonymous.status_code == 401, (method, path, anonymous.status_code)
        forbidden = call(
            url,
            "{}",
            content_type="application/json",
            headers={"Authorization": f"Bearer {reader_token}"},
        )
        assert forbidden.status_code == 403, (method, path, forbidden.status_code)
        assert forbidden.json()["code"] == "permission_denied"


def test_the_token_endpoint(client):
    from django.contrib.auth import get_user_model

    cache.clear()
    get_user_model().objects.create_user("field", "f@example.org", "a-long-pass-phrase")
    ok = client.post(
        "/api/tokens",
        {"username": "field", "password": "a-long-pass-phrase"},
        content_type="application/json",
    )
    assert ok.status_code == 201
    token = ok.json()["token"]
    from apps.api.models import ApiToken

    assert not ApiToken.objects.filter(digest=token).exists()  # stored hashed
    wrong = client.post(
        "/api/tokens", {"username": "field", "password": "nope"}, content_type="application/json"
    )
    assert wrong.status_code == 401 and wrong.json()["code"] == "not_authenticated"


def test_token_requests_are_throttled(client, settings):
    cache.clear()
    settings.PIEZO_TOKEN_RATE = "3/m"
    statuses = [
        client.post(
            "/api/tokens", {"username": "x", "password": "y"}, content_type="application/json"
        )
        for _ in range(4)
    ]
    assert [r.status_code for r in statuses] == [401, 401, 401, 429]
    assert statuses[-1].json()["code"] == "throttled"
    assert 0 < int(statuses[-1]["Retry-After"]) <= 60


def test_writes_are_throttled_per_user(client, settings, writer_token, observer_token):
    cache.clear()
    settings.PIEZO_WRITE_RATE = "2/m"
    well = well_create()
    url = f"/api/wells/{well.site_no}/observations"

    def post(token, minute):
        return client.post(
            url,
            {"observed_at": f"2025-01-01T00:{minute:02d}:00Z", "depth_to_water_ft": 1},
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )

    assert [post(writer_token, m).status_code for m in range(3)] == [201, 201, 429]
    assert post(observer_token, 10).status_code == 201  # another user has their own budget
    cache.clear()
