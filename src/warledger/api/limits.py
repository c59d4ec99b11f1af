"""Two pure ASGI middlewares that sit outside everything else the app does.

``BodyLimit`` reads a request's body as its ``http.request`` messages arrive, counting bytes,
and answers 413 as soon as the count passes the limit, whether the client sent a
Content-Length or a chunked body, before authentication or any route looks at the body (the
JSON API, the upload and every form alike). What it read is then handed on to the app.

``SecurityHeaders`` puts the same headers on every answer: no sniffing, no framing, no
referrer, no caching of API and HTML answers, and a Content-Security-Policy.
"""
from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY = 5 * 1024 * 1024          # bytes a request may carry

# The pages: scripts and everything else from the server only. The Swagger UI page (/docs)
# starts with an inline script of FastAPI's, so it alone may run inline scripts.
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
            "form-action 'self'")
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
DATA_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect")


class BodyLimit:
    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY) -> None:
        self.app, self.max_body = app, max_body

    async def _refuse(self, send: Send) -> None:
        body = json.dumps({"message": f"request body over {self.max_body} bytes"}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for key, value in scope.get("headers", ()):
            if key == b"content-length" and (not value.isdigit() or int(value) > self.max_body):
                await self._refuse(send)
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":          # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                await self._refuse(send)
                return
            if chunk:
                chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        del chunks
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()                         # after the body: wait for a disconnect

        await self.app(scope, replay, send)


def _cache_and_csp(path: str) -> tuple[bytes, bytes]:
    if path in DOCS_PATHS:
        return b"no-store", DOCS_CSP.encode()
    if path.startswith(("/static/", "/docs-assets/")):
        return b"", PAGE_CSP.encode()                      # vendored assets may be cached
    if path.startswith("/api/") or path in ("/openapi.json", "/health"):
        return b"no-store", DATA_CSP.encode()
    return b"no-store", PAGE_CSP.encode()


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cache, csp = _cache_and_csp(scope.get("path", ""))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                wanted = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
                          (b"referrer-policy", b"no-referrer"), (b"content-security-policy", csp),
                          (b"cross-origin-opener-policy", b"same-origin")]
                if cache:
                    wanted.append((b"cache-control", cache))
                names = {k for k, _ in wanted}
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names] + wanted
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
