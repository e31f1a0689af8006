"""Live updates as production runs them: PostgreSQL, a real Redis, two uvicorn workers,
hundreds of websocket clients, a quiet minute, a Redis restart, and server pings.

Only on PostgreSQL: it is the production configuration, and the SQLite run serves one
process whose events never leave it (ADR-0006)."""

import asyncio
import json
import os
import socket
import time
from base64 import b64encode
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
import psutil
import pytest
import websockets

from apps.api.services import api_token_create
from tests.monitoring.factories import well_create
from tests.support.redis import RedisServer
from tests.support.server import UvicornServer

pytestmark = [pytest.mark.only_on("postgresql"), pytest.mark.django_db(transaction=True)]

# The quiet period. The bug this guards against cut idle sockets after two seconds; a
# minute also spans many of the layer's blocking receives and the server's pings.
QUIET_S = float(os.environ.get("PIEZO_SOAK_QUIET_S", "60"))
WELLS = ("SK0001", "SK0002", "SK0003", "SK0004")
WRITTEN = WELLS[:2]
READINGS_PER_WELL = 5


@pytest.fixture
def token(transactional_db) -> str:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_superuser("soak", "soak@example.org", "pw-12345!")
    return api_token_create(user=user)[1]


@pytest.fixture
def wells(transactional_db) -> None:
    for site_no in WELLS:
        well_create(site_no=site_no)


@dataclass
class Client:
    path: str
    server: UvicornServer
    socket: websockets.ClientConnection | None = None
    messages: list[dict] = field(default_factory=list)
    close_code: int | None = None
    reader: asyncio.Task | None = None

    async def open(self) -> None:
        url = self.server.url.replace("http://", "ws://") + self.path
        self.socket = await websockets.connect(url, origin=self.server.url, open_timeout=20)
        first = json.loads(await asyncio.wait_for(self.socket.recv(), timeout=20))
        assert first["type"] in ("subscribed", "stats"), first
        self.messages, self.close_code = [], None
        self.reader = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        try:
            async for raw in self.socket:
                self.messages.append(json.loads(raw))
        except websockets.ConnectionClosed:
            pass
        self.close_code = self.socket.close_code

    @property
    def open_now(self) -> bool:
        return self.reader is not None and not self.reader.done()

    def readings(self) -> list[int]:
        return [m["observation"]["id"] for m in self.messages if m["type"] == "observation"]

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()
        if self.reader is not None:
            await self.reader


def clients_over(servers: list[UvicornServer], well_clients: int, stats_clients: int):
    """Well clients spread over every well and server; stats clients over every server."""
    paths = [f"/ws/wells/{WELLS[i % len(WELLS)]}/" for i in range(well_clients)]
    paths += ["/ws/stats/"] * stats_clients
    return [Client(path, servers[i % len(servers)]) for i, path in enumerate(paths)]


async def open_all(clients: list[Client]) -> None:
    for start in range(0, len(clients), 25):
        await asyncio.gather(*(c.open() for c in clients[start : start + 25]))


async def write_burst(server: UvicornServer, token: str) -> dict[str, list[int]]:
    """Readings POSTed one by one, in time order, to one server: the ids per well."""
    written: dict[str, list[int]] = {site_no: [] for site_no in WRITTEN}
    base = datetime.now(UTC) - timedelta(days=1)
    async with httpx.AsyncClient(base_url=server.url, timeout=20) as http:
        for n in range(READINGS_PER_WELL):
            for site_no in WRITTEN:
                response = await http.post(
                    f"/api/wells/{site_no}/observations",
                    json={
                        "observed_at": (base + timedelta(minutes=n)).isoformat(),
                        "depth_to_water_ft": 10.0 + n,
                    },
                    headers={"Authorization": f"Bearer {token}"},
                )
                assert response.status_code == 201, response.text
                written[site_no].append(response.json()["results"][0]["id"])
    return written


async def settle(clients: list[Client], written: dict[str, list[int]], timeout_s: float) -> None:
    """Wait until every open well client has its well's readings (or the time is up), then
    a little longer for the stats feed's coalesced message."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if all(
            len(c.readings()) >= len(written.get(c.path.split("/")[3], []))
            for c in clients
            if c.open_now and c.path != "/ws/stats/"
        ):
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(2.5)


def check_delivery(clients: list[Client], written: dict[str, list[int]]) -> None:
    for client in clients:
        if client.path == "/ws/stats/":
            stats = [m for m in client.messages if m["type"] == "stats"]
            # Ten writes in a second or two are coalesced to one message a second, not ten.
            assert 1 <= len(stats) <= 4, (client.path, len(stats))
        else:
            expected = written.get(client.path.split("/")[3], [])
            assert client.readings() == expected, (client.path, client.readings(), expected)


@dataclass
class Footprint:
    rss: int
    fds: int


def footprint(servers: list[UvicornServer]) -> Footprint:
    processes = [psutil.Process(s.process.pid) for s in servers]
    return Footprint(
        sum(p.memory_info().rss for p in processes), sum(p.num_fds() for p in processes)
    )


def test_two_hundred_clients_stay_through_a_quiet_minute_and_get_every_reading_once(
    redis_server, wells, token
):
    env = {"REDIS_URL": redis_server.url}
    servers = [UvicornServer(env=env).start(), UvicornServer(env=env).start()]
    clients = clients_over(servers, well_clients=160, stats_clients=40)

    async def scenario():
        await open_all(clients)
        await asyncio.sleep(2)
        before = footprint(servers)
        await asyncio.sleep(QUIET_S)
        after = footprint(servers)
        dropped = [(c.path, c.close_code) for c in clients if not c.open_now]
        for client in clients:
            client.messages.clear()
        written = await write_burst(servers[0], token)
        await settle(clients, written, timeout_s=15)
        still_open = [c for c in clients if c.open_now]
        await asyncio.gather(*(c.close() for c in clients))
        return before, after, dropped, written, len(still_open)

    try:
        before, after, dropped, written, still_open = asyncio.run(scenario())
    finally:
        for server in servers:
            server.stop()
    assert dropped == [], f"{len(dropped)} dropped during the quiet period: {dropped[:5]}"
    assert still_open == len(clients)
    check_delivery(clients, written)
    # Idle connections cost nothing more over time: no growth in memory or descriptors.
    assert after.fds <= before.fds + 4, (before, after)
    assert after.rss <= before.rss * 1.10 + 8 * 2**20, (before, after)
    for server in servers:
        assert "TimeoutError" not in server.output()


def test_a_redis_restart_closes_with_4503_or_keeps_delivering(redis_server, wells, token):
    env = {"REDIS_URL": redis_server.url}
    servers = [UvicornServer(env=env).start(), UvicornServer(env=env).start()]
    clients = clients_over(servers, well_clients=32, stats_clients=8)
    revived = RedisServer(port=redis_server.port)

    async def scenario():
        await open_all(clients)
        redis_server.stop()
        await asyncio.sleep(1.5)
        revived.start()
        await asyncio.sleep(1.5)
        codes = sorted({c.close_code for c in clients if not c.open_now})
        # Those told to go reconnect, as the web page's script does.
        await open_all([c for c in clients if not c.open_now])
        for client in clients:
            client.messages.clear()
        written = await write_burst(servers[1], token)
        await settle(clients, written, timeout_s=15)
        await asyncio.gather(*(c.close() for c in clients))
        return codes, written

    try:
        codes, written = asyncio.run(scenario())
    finally:
        for server in servers:
            server.stop()
        revived.stop()
    assert set(codes) <= {4503}, codes
    check_delivery(clients, written)


def read_frame(sock: socket.socket) -> tuple[int, bytes]:
    header = sock.recv(2)
    opcode, length = header[0] & 0x0F, header[1] & 0x7F
    if length == 126:
        length = int.from_bytes(sock.recv(2), "big")
    elif length == 127:
        length = int.from_bytes(sock.recv(8), "big")
    payload = b""
    while len(payload) < length:
        payload += sock.recv(length - len(payload))
    return opcode, payload


def test_the_server_pings_idle_websockets(redis_server, wells):
    """A raw client that never answers sees the server's ping (the heartbeat that keeps a
    proxy's idle timeout from cutting a quiet websocket), then is closed as dead."""
    server = UvicornServer(
        env={"REDIS_URL": redis_server.url},
        args=("--ws-ping-interval", "1", "--ws-ping-timeout", "1"),
    ).start()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            key = b64encode(os.urandom(16)).decode()
            sock.sendall(
                (
                    f"GET /ws/wells/{WELLS[0]}/ HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                    f"Origin: {server.url}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
                ).encode()
            )
            response = b""
            while b"\r\n\r\n" not in response:
                response += sock.recv(1)
            assert response.startswith(b"HTTP/1.1 101"), response
            opcodes = [read_frame(sock)[0] for _ in range(3)]
    finally:
        server.stop()
    # The subscription message (text), a ping on the quiet connection, then, unanswered,
    # the close frame.
    assert opcodes == [0x1, 0x9, 0x8], opcodes
