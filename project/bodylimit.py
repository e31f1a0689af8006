"""Refuse request bodies over a size limit with 413, before they are read.

Django's ASGI handler reads a whole body (spooling it to disk past 1 MB) before any view or
setting sees it, so a 50 MB POST would be read in full just to be refused. This layer
answers 413 from the Content-Length header alone, and for a chunked body stops reading as
soon as the limit is passed."""

import json

LIMIT_BYTES = 10 * 1024 * 1024


class BodySizeLimitMiddleware:
    def __init__(self, app, *, limit_bytes: int = LIMIT_BYTES) -> None:
        self.app = app
        self.limit_bytes = limit_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.limit_bytes
            except ValueError:
                return await self._refuse(send, 400, "Content-Length is not a number.")
            if too_big:
                return await self._too_large(send)
            return await self.app(scope, receive, send)
        if headers.get(b"transfer-encoding", b"").lower() != b"chunked":
            return await self.app(scope, receive, send)
        # Chunked: read up to the limit, then replay what was read to the app.
        messages, size = [], 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.limit_bytes:
                return await self._too_large(send)
            if not message.get("more_body"):
                break

        async def replay():
            return messages.pop(0) if messages else await receive()

        return await self.app(scope, replay, send)

    async def _too_large(self, send) -> None:
        await self._refuse(
            send, 413, f"The request body is larger than {self.limit_bytes // (1024 * 1024)} MB."
        )

    @staticmethod
    async def _refuse(send, status: int, message: str) -> None:
        code = "payload_too_large" if status == 413 else "bad_request"
        body = json.dumps({"detail": [{"msg": message}], "code": code}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
