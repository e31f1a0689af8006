"""Contacts are people (landowners among them): their email and phone go only to callers who
hold monitoring.view_contact, by token or staff session; anonymous callers and everyone else
get null, on the list, the detail and the creation's answer (issue 16's first part)."""

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from apps.api.services import api_token_create
from tests.monitoring.factories import contact_create

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

OWNER = {"name": "R. Landowner", "email": "owner@example.org", "phone": "505-555-0100"}


def _user(username: str, *, may_see: bool, staff: bool = False):
    user = get_user_model().objects.create_user(
        username, f"{username}@example.org", "pw-12345!", is_staff=staff
    )
    if may_see:
        user.user_permissions.add(Permission.objects.get(codename="view_contact"))
    return user


async def _get(client, url: str, token: str | None = None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await client.get(url, headers=headers)


async def test_anonymous_callers_never_see_email_or_phone(async_client):
    contact = await sync_to_async(contact_create)(**OWNER)
    listed = (await _get(async_client, "/api/contacts")).json()["results"]
    detail = (await _get(async_client, f"/api/contacts/{contact.pk}")).json()
    for shown in (listed[0], detail):
        assert shown["name"] == OWNER["name"]
        assert shown["email"] is None and shown["phone"] is None
    body = (await _get(async_client, "/api/contacts")).content.decode()
    assert OWNER["email"] not in body and OWNER["phone"] not in body


async def test_a_token_with_the_permission_sees_them_and_one_without_does_not(async_client):
    contact = await sync_to_async(contact_create)(**OWNER)
    allowed = await sync_to_async(lambda: api_token_create(user=_user("v", may_see=True))[1])()
    other = await sync_to_async(lambda: api_token_create(user=_user("o", may_see=False))[1])()
    seen = (await _get(async_client, f"/api/contacts/{contact.pk}", allowed)).json()
    assert (seen["email"], seen["phone"]) == (OWNER["email"], OWNER["phone"])
    listed = (await _get(async_client, "/api/contacts", allowed)).json()["results"]
    assert listed[0]["phone"] == OWNER["phone"]
    hidden = (await _get(async_client, f"/api/contacts/{contact.pk}", other)).json()
    assert hidden["email"] is None and hidden["phone"] is None


async def test_an_unknown_token_on_a_read_is_401_not_an_anonymous_read(async_client):
    response = await _get(async_client, "/api/contacts", "pz_not-a-token")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


async def test_a_signed_in_user_with_the_permission_sees_them(async_client):
    await sync_to_async(contact_create)(**OWNER)
    staffer = await sync_to_async(_user)("staffer", may_see=True, staff=True)
    await async_client.aforce_login(staffer)
    listed = (await async_client.get("/api/contacts")).json()["results"]
    assert listed[0]["email"] == OWNER["email"]


async def test_the_creators_answer_follows_the_same_rule(async_client, writer_token):
    response = await async_client.post(
        "/api/contacts",
        OWNER,
        content_type="application/json",
        headers={"Authorization": f"Bearer {writer_token}"},
    )
    assert response.status_code == 201
    assert response.json()["email"] == OWNER["email"]  # a superuser holds every permission
