"""The site gate: which web pages may use the enterprise API through the widget, and CORS for them.

A request that carries a site key (header ``X-Qifa-Site-Key``, or ``site_key`` in the query of a GET, since
EventSource cannot send headers) is refused with 403 unless the key belongs to an active site and its
``Origin`` (when the browser sends one) is registered for that site. CORS is answered only for registered
origins: a preflight from an origin of an active site gets the allowed methods and headers; an admitted request
gets ``Access-Control-Allow-Origin``. The refusal itself carries ``Access-Control-Allow-Origin`` so that the
widget on a page that is not registered can read it and say "not enabled for this site"; nothing else is
readable from such a page. Requests without a key pass untouched (same-origin pages such as ``/demo``,
servers, the consoles). Only the enterprise paths are gated; staff endpoints never answer CORS.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qs

import anyio
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import errors
from sites import SiteInfo, SiteRefused, Sites, not_enabled

SITE_KEY_HEADER = "x-qifa-site-key"
SITE_KEY_QUERY = "site_key"
GATED_PREFIXES = ("/api/v1/chat", "/api/v1/sessions/", "/api/v1/services", "/api/v1/orders", "/api/v1/widget/",
                  "/api/v1/checkups")
ALLOW_METHODS = "GET, POST, PUT, DELETE, OPTIONS"
ALLOW_HEADERS = "Content-Type, X-Qifa-Site-Key, Last-Event-ID"
PREFLIGHT_MAX_AGE = "600"


def get_sites(app: Any) -> Sites:
    sites: Sites = app.state.runtime.sites
    return sites


def _gated(path: str) -> bool:
    return path.startswith(GATED_PREFIXES)


def _query_key(scope: Scope) -> str | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get(SITE_KEY_QUERY)
    return values[0] if values else None


async def _respond(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes = b"") -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _refusal(exc: SiteRefused, origin: str | None) -> JSONResponse:
    """403 in the API's one error shape (api/errors.py); readable by the refused page when it sent an Origin."""
    response = errors.render(exc)
    response.headers["vary"] = "Origin"
    if origin:
        response.headers["access-control-allow-origin"] = origin
    return response


class SiteGate:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _gated(scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        sites = get_sites(scope["app"])
        if scope["method"] == "OPTIONS" and origin and headers.get("access-control-request-method"):
            if await anyio.to_thread.run_sync(sites.origin_registered, origin):
                await _respond(send, 204, [
                    (b"access-control-allow-origin", origin.encode("latin-1")), (b"vary", b"Origin"),
                    (b"access-control-allow-methods", ALLOW_METHODS.encode()),
                    (b"access-control-allow-headers", ALLOW_HEADERS.encode()),
                    (b"access-control-max-age", PREFLIGHT_MAX_AGE.encode())])
            else:
                await _refusal(not_enabled(origin), None)(scope, receive, send)
            return
        key = headers.get(SITE_KEY_HEADER) or (_query_key(scope) if scope["method"] == "GET" else None)
        if not key:
            await self.app(scope, receive, send)
            return
        try:
            site = await anyio.to_thread.run_sync(sites.check, key, origin)
        except SiteRefused as exc:
            await _refusal(exc, origin)(scope, receive, send)
            return
        scope["state"] = {**scope.get("state", {}), "site": site}
        if not origin:
            await self.app(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []),
                                                  (b"access-control-allow-origin", origin.encode("latin-1")),
                                                  (b"vary", b"Origin")]}
            await send(message)

        await self.app(scope, receive, send_with_cors)


def current_site(request: Request) -> SiteInfo | None:
    """The site whose widget sent this request (admitted by the gate), or None."""
    site: SiteInfo | None = getattr(request.state, "site", None)
    return site


def record_site(request: Request, session_id: str) -> None:
    """Note on the conversation which site started it (no-op without a site)."""
    site = current_site(request)
    if site is not None:
        get_sites(request.app).record(session_id, site.id)


SiteDep = Annotated[SiteInfo | None, Depends(current_site)]


def install(app: FastAPI) -> None:
    app.add_middleware(SiteGate)
