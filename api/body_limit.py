"""Request bodies are bounded in size and in time, before a route reads them.

A pure ASGI middleware (so event streams are untouched): a ``Content-Length`` over the limit is answered 413 at
once, without reading the body; a chunked body is counted as it streams and refused with 413 the moment it passes
the limit. A body that does not arrive in full within ``QIFA_BODY_TIMEOUT_S`` (a slow sender holding a worker) is
answered 408. JSON and forms may have ``QIFA_MAX_BODY_KB``; multipart uploads the upload limit
(``QIFA_MAX_FILE_MB``) plus room for the form around the file.
"""

from __future__ import annotations

import math

import anyio
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error
from config import Settings

MULTIPART_OVERHEAD = 64 * 1024


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` (an HTTPException, so FastAPI's body parsing lets it through to the handler)."""

    def __init__(self, limit: int) -> None:
        kb = limit // 1024
        super().__init__(413, f"the request body is larger than {kb} KB / 请求体超过 {kb} KB")
        self.kb = kb


class BodyTooSlow(HTTPException):
    def __init__(self, seconds: float) -> None:
        s = math.ceil(seconds)
        super().__init__(408, f"the request body did not arrive within {s} s / 请求体未在 {s} 秒内传完")


def too_large(exc: BodyTooLarge) -> JSONResponse:
    return error(413, "body_too_large", str(exc.detail), [{"field": "body", "message": f"at most {exc.kb} KB"}],
                 headers={"Connection": "close"})


def too_slow(exc: BodyTooSlow) -> JSONResponse:
    return error(408, "body_timeout", str(exc.detail), headers={"Connection": "close"})


def install(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(BodyLimit, settings=settings)

    @app.exception_handler(BodyTooLarge)
    async def _large(_: Request, exc: BodyTooLarge) -> JSONResponse:
        return too_large(exc)

    @app.exception_handler(BodyTooSlow)
    async def _slow(_: Request, exc: BodyTooSlow) -> JSONResponse:
        return too_slow(exc)


class BodyLimit:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.json_limit = settings.max_body_kb * 1024
        self.file_limit = int(settings.max_file_mb * 1_000_000) + MULTIPART_OVERHEAD
        self.timeout_s = settings.body_timeout_s

    def limit_for(self, headers: Headers) -> int:
        kind = headers.get("content-type", "").lower()
        return self.file_limit if kind.startswith("multipart/form-data") else self.json_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit = self.limit_for(headers)
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await too_large(BodyTooLarge(limit))(scope, receive, send)
            return
        received, complete = 0, False
        deadline = anyio.current_time() + self.timeout_s
        started = False

        async def bounded_receive() -> Message:
            nonlocal received, complete
            if complete:  # the body is in: what follows is the wait for a disconnect (streams), never timed
                return await receive()
            left = deadline - anyio.current_time()
            with anyio.move_on_after(max(left, 0)):
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > limit:
                        raise BodyTooLarge(limit)
                    complete = not message.get("more_body", False)
                return message
            raise BodyTooSlow(self.timeout_s)

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, bounded_receive, tracking_send)
        except BodyTooLarge as exc:  # read outside FastAPI's body parsing (e.g. in a middleware)
            if started:
                raise
            await too_large(exc)(scope, receive, send)
        except BodyTooSlow as exc:
            if started:
                raise
            await too_slow(exc)(scope, receive, send)
