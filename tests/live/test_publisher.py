"""The live publisher (apps/live/publisher.py): a commit's readings reach their well's group as
one layer message per batch (not one per reading), in commit order, from the server's loop;
a thread that serves no loop (a command) forwards them itself."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from apps.live import publisher
from apps.live.groups import STATS_GROUP, well_group
from apps.monitoring import services
from apps.monitoring.contract import EventKind, ObservationRow
from tests.monitoring.factories import well_create

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

START = datetime(2025, 1, 1, tzinfo=UTC)


async def listen(site_no: str) -> str:
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(well_group(site_no), channel)
    await layer.group_add(STATS_GROUP, channel)
    return channel


def readings(count: int) -> list[dict]:
    return [
        {"observed_at": START + timedelta(minutes=15 * i), "depth_to_water_ft": 30.0 + i / 1000}
        for i in range(count)
    ]


async def test_a_large_batch_is_a_few_layer_messages_then_the_stats_notice():
    well = await sync_to_async(well_create)(site_no="PUB0001")
    channel = await listen(well.site_no)
    count = 2 * publisher.BATCH_MESSAGE_SIZE + 500
    created = await sync_to_async(services.observation_create_many)(
        site_no=well.site_no, readings=readings(count)
    )
    layer = get_channel_layer()
    batches = [await layer.receive(channel) for _ in range(3)]
    assert [m["type"] for m in batches] == ["observations.created"] * 3
    assert [len(m["observations"]) for m in batches] == [2000, 2000, 500]
    sent = [o["id"] for m in batches for o in m["observations"]]
    assert sent == [o.pk for o in created]  # every reading once, in time order
    assert (await layer.receive(channel))["type"] == "stats.changed"


async def test_commits_are_forwarded_in_order():
    well = await sync_to_async(well_create)(site_no="PUB0002")
    channel = await listen(well.site_no)
    first = await sync_to_async(services.observation_create_many)(
        site_no=well.site_no, readings=readings(1)
    )
    second = await sync_to_async(services.observation_create_many)(
        site_no=well.site_no,
        readings=[{"observed_at": START + timedelta(days=1), "depth_to_water_ft": 31.0}],
    )
    layer = get_channel_layer()
    heard = [await layer.receive(channel) for _ in range(4)]
    assert [m["type"] for m in heard] == [
        "observations.created",
        "stats.changed",
        "observations.created",
        "stats.changed",
    ]
    assert heard[0]["observations"][0]["id"] == first[0].pk
    assert heard[2]["observations"][0]["id"] == second[0].pk


async def test_a_thread_without_a_loop_forwards_the_event_itself():
    well = await sync_to_async(well_create)(site_no="PUB0003")
    created = await sync_to_async(services.observation_bulk_insert)(
        rows=[
            ObservationRow(well.pk, START, 12.0),
        ]
    )
    assert created == 1
    ids = await sync_to_async(lambda: list(well.observations.values_list("pk", flat=True)))()
    channel = await listen(well.site_no)
    event = {
        "kind": str(EventKind.OBSERVATIONS_CREATED),
        "site_no": "PUB0003",
        "observation_ids": ids,
    }
    worker = threading.Thread(target=publisher.live_event_forward, args=(event,))
    worker.start()
    await sync_to_async(worker.join)()
    layer = get_channel_layer()
    message = await layer.receive(channel)
    assert message["type"] == "observations.created"
    assert [o["id"] for o in message["observations"]] == ids
    assert (await layer.receive(channel))["type"] == "stats.changed"
