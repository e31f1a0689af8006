"""Watch a live feed from a terminal:

    python -m apps.live.watch ws://127.0.0.1:8000/ws/wells/AR0001/

Prints each message as one line of JSON. Sends the server's own Origin, which the origin
check requires (browsers send it themselves)."""

import asyncio
import sys
from urllib.parse import urlsplit

import websockets


async def watch(url: str) -> None:
    parts = urlsplit(url)
    origin = f"{'https' if parts.scheme == 'wss' else 'http'}://{parts.netloc}"
    async with websockets.connect(url, origin=origin) as feed:
        async for message in feed:
            print(message, flush=True)
    print(f"closed: {feed.close_code} {feed.close_reason}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m apps.live.watch ws://HOST:PORT/ws/wells/SITE_NO/")
    try:
        asyncio.run(watch(sys.argv[1]))
    except KeyboardInterrupt:
        pass
    except (OSError, websockets.WebSocketException) as exc:
        sys.exit(f"cannot watch {sys.argv[1]}: {exc}")
