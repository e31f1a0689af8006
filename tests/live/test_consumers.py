"""The websocket consumers through the real ASGI application (origin check, auth stack,
routing), with channels' WebsocketCommunicator and the in-memory channel layer."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from apps.api.schemas import ObservationOut
from apps.monitoring import services
from apps.monitoring.contract import OBSERVATION_FIELDS
from apps.monitoring.models import Observation
from project.asgi import application
from tests.monitoring.factories import well_create

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

ORIGIN = (b"origin", b"http://localhost")


def communicator(path: str, origin: tuple = ORIGIN) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, path, headers=[origin, (b"host", b"localhost")])


async def add_reading(site_no: str, minutes: int = 0) -> list[Observation]:
    return await sync_to_async(services.observation_create_many)(
        site_no=site_no,
        readings=[
            {
                "observed_at": datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes),
                "depth_to_water_ft": 42.5 + minutes,
            }
        ],
    )


async def test_a_well_feed_sends_each_new_reading_in_the_api_shape():
    well = await sync_to_async(well_create)(site_no="AR0001")
    ws = communicator("/ws/wells/AR0001/")
    connected, _ = await ws.connect()
    assert connected
    assert await ws.receive_json_from() == {"type": "subscribed", "site_no": "AR0001"}
    created = await add_reading(well.site_no)
    message = await ws.receive_json_from(timeout=2)
    assert message["type"] == "observation"
    reading = message["observation"]
    assert reading["id"] == created[0].pk and reading["site_no"] == "AR0001"
    assert reading["depth_to_water_ft"] == 42.5
    assert reading["observed_at"] == "2026-01-01T00:00:00+00:00"
    # The REST API's ObservationOut: the contract's read fields and the site.
    assert set(reading) == {*OBSERVATION_FIELDS, "site_no"} == set(ObservationOut.model_fields)
    await ws.disconnect()


async def test_another_wells_reading_is_not_sent():
    await sync_to_async(well_create)(site_no="AR0001")
    other = await sync_to_async(well_create)(site_no="AR0002")
    ws = communicator("/ws/wells/AR0001/")
    await ws.connect()
    await ws.receive_json_from()
    await add_reading(other.site_no)
    assert await ws.receive_nothing(timeout=0.5)
    await ws.disconnect()


async def test_an_unknown_well_is_closed_with_4404():
    ws = communicator("/ws/wells/NOPE/")
    connected, _ = await ws.connect()
    assert connected
    output = await ws.receive_output(timeout=2)
    assert output == {"type": "websocket.close", "code": 4404}


async def test_the_stats_feed_sends_figures_now_and_when_they_change():
    well = await sync_to_async(well_create)(site_no="AR0001")
    ws = communicator("/ws/stats/")
    await ws.connect()
    first = await ws.receive_json_from(timeout=2)
    assert first["type"] == "stats" and first["stats"]["wells"] == 1
    assert first["stats"]["observations"] == 0
    await add_reading(well.site_no)
    changed = await ws.receive_json_from(timeout=3)
    assert changed["stats"]["observations"] == 1
    await ws.disconnect()


async def test_a_burst_of_changes_is_one_message_a_second():
    well = await sync_to_async(well_create)(site_no="AR0001")
    ws = communicator("/ws/stats/")
    await ws.connect()
    await ws.receive_json_from(timeout=2)
    for minute in range(30):
        await add_reading(well.site_no, minutes=minute)
    # (A receive timeout would cancel the consumer under test; receive_nothing does not.)
    messages = [await ws.receive_json_from(timeout=3)]
    while len(messages) < 10 and not await ws.receive_nothing(timeout=1.5):
        messages.append(await ws.receive_json_from())
    # 30 changes within about a second: one or two messages, the last with every reading.
    assert 1 <= len(messages) <= 2, len(messages)
    assert messages[-1]["stats"]["observations"] == 30
    await ws.disconnect()


async def test_bad_client_messages_get_an_error_frame_and_the_connection_stays():
    await sync_to_async(well_create)(site_no="AR0001")
    ws = communicator("/ws/wells/AR0001/")
    await ws.connect()
    await ws.receive_json_from()
    await ws.send_to(text_data="{not json")
    assert (await ws.receive_json_from())["code"] == "invalid_json"
    await ws.send_json_to({"type": "subscribe-to-everything"})
    assert (await ws.receive_json_from())["code"] == "unknown_message"
    await ws.send_json_to({"type": "ping"})
    assert await ws.receive_json_from() == {"type": "pong"}
    await ws.disconnect()


async def test_a_flood_is_rate_limited_then_cut_off():
    ws = communicator("/ws/stats/")
    await ws.connect()
    await ws.receive_json_from(timeout=2)
    for _ in range(400):
        await ws.send_json_to({"type": "ping"})
    frames = []
    while True:
        output = await ws.receive_output(timeout=2)
        if output["type"] == "websocket.close":
            break
        frames.append(json.loads(output["text"]))
    pongs = sum(1 for f in frames if f.get("type") == "pong")
    limited = [f for f in frames if f.get("code") == "rate_limited"]
    assert pongs <= 15, pongs  # the burst and a little refill, not 400
    assert limited and len(frames) < 30
    assert output["code"] == 4429


async def test_a_disallowed_origin_is_rejected_at_the_handshake():
    ws = communicator("/ws/stats/", origin=(b"origin", b"https://evil.example"))
    connected, _ = await ws.connect()
    assert not connected
