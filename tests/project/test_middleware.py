"""project/middleware.py against a real uvicorn: Django's middleware hooks run on the event
loop, and a session or messages that must be saved still are (from a thread)."""

import re

import httpx
import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db(transaction=True)


def test_hooks_still_protect_every_response(uvicorn_server):
    response = httpx.get(f"{uvicorn_server.url}/api/stats")
    assert response.status_code == 200
    assert response.headers["X-Frame-Options"] == "DENY"  # XFrameOptions
    assert response.headers["X-Content-Type-Options"] == "nosniff"  # Security
    assert "sessionid" not in response.cookies  # an unused session is not saved


def test_admin_login_saves_the_session_and_messages_survive(uvicorn_server):
    get_user_model().objects.create_superuser("staff", "s@example.org", "pw-12345!")
    with httpx.Client(base_url=uvicorn_server.url, follow_redirects=False) as client:
        form = client.get("/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)

        refused = client.post("/admin/login/", data={"username": "staff", "password": "pw-12345!"})
        assert refused.status_code == 403  # Csrf: no token, no login

        login = client.post(
            "/admin/login/",
            data={"username": "staff", "password": "pw-12345!", "csrfmiddlewaretoken": token},
        )
        assert login.status_code == 302, login.text[:500]
        assert "sessionid" in client.cookies

        index = client.get("/admin/")
        assert index.status_code == 200 and "Piezo administration" in index.text

        # A message added by a view is stored (session or cookie) and shown on the next page.
        group = client.get("/admin/monitoring/group/add/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', group.text).group(1)
        added = client.post(
            "/admin/monitoring/group/add/",
            data={"name": "Bench network", "kind": "network", "csrfmiddlewaretoken": token},
        )
        assert added.status_code == 302, added.text[:2000]
        listing = client.get(added.headers["location"])
        assert "Bench network" in listing.text and "was added successfully" in listing.text
