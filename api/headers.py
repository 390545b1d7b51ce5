"""Security headers on every HTTP response (API, widget, console), added where a route did not set its own.

``nosniff``, no framing (``X-Frame-Options: DENY`` and CSP ``frame-ancestors 'none'``), no referrer, and
``Strict-Transport-Security`` when the request came over TLS (the scheme is https, directly or, from a trusted
proxy, through ``X-Forwarded-Proto``). Pure ASGI, so event streams are untouched.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

BASE = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer",
        "Content-Security-Policy": "frame-ancestors 'none'"}
HSTS = "max-age=31536000; includeSubDomains"


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tls = scope.get("scheme") == "https"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in BASE.items():
                    if name not in headers:
                        headers.append(name, value)
                if tls and "Strict-Transport-Security" not in headers:
                    headers.append("Strict-Transport-Security", HSTS)
            await send(message)

        await self.app(scope, receive, with_headers)
