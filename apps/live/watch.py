"""Watch a live feed from a terminal:

    python -m apps.live.watch ws://127.0.0.1:8000/ws/wells/350711106571801/

Prints each message as one line of JSON. Sends the server's own Origin, which the origin
check requires (browsers send it themselves)."""

import asyncio
import sys
from urllib.parse import urlsplit

import websockets

# What the server's close codes mean (apps/live/consumers.py), said as a person would.
CLOSE_REASONS = {
    4404: "no such feed: check the site number (GET /api/wells/<site_no> says whether it exists)",
    4503: "the live feed is unavailable (Redis is down or restarting): try again shortly",
    4429: "too many messages: the server closed the feed",
    1012: "the server is restarting: try again shortly",
}


async def watch(url: str) -> str | None:
    """Print each message until the feed closes; returns why it closed, or None when the
    server closed it normally."""
    parts = urlsplit(url)
    origin = f"{'https' if parts.scheme == 'wss' else 'http'}://{parts.netloc}"
    print(f"watching {url} (Ctrl-C to stop)", file=sys.stderr, flush=True)
    try:
        async with websockets.connect(url, origin=origin) as feed:
            async for message in feed:
                print(message, flush=True)
    except websockets.ConnectionClosed as closed:  # closed with an error code
        code = closed.rcvd.code if closed.rcvd else 1006
        reason = closed.rcvd.reason if closed.rcvd else "the connection dropped"
        return f"closed ({code}): {CLOSE_REASONS.get(code, reason or 'no reason given')}"
    return None


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m apps.live.watch ws://HOST:PORT/ws/wells/SITE_NO/")
    try:
        reason = asyncio.run(watch(sys.argv[1]))
    except KeyboardInterrupt:
        reason = None
    except (OSError, websockets.WebSocketException) as exc:
        reason = f"cannot watch {sys.argv[1]}: {exc}"
    if reason:
        sys.exit(reason)
