"""The web widget: ``GET /widget.js`` (one plain-JavaScript file), its settings at ``GET /api/v1/widget/config``,
and ``GET /demo``, a mock county justice bureau page that embeds it under a strict Content-Security-Policy.

The demo page is served by the API itself, so its script tag needs no ``data-site-key``: a widget without a key
talks to its own origin only (the browser refuses cross-origin reads without CORS), which is what ``/demo``
does on ``make run`` with nothing registered.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response

from api.deps import RuntimeDep
from api.schemas import WidgetConfig
from api.sites import SiteDep
from api.widget_labels import button_labels

router = APIRouter(tags=["widget"])

STATIC = Path(__file__).resolve().parent.parent / "static"
WIDGET_CACHE = "public, max-age=300"  # five minutes: a new release reaches the sites quickly; ETag revalidates
DEMO_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


@cache
def _asset(name: str) -> tuple[bytes, str]:
    data = (STATIC / name).read_bytes()
    return data, '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


def _static(request: Request, name: str, media_type: str, cache_control: str,
            extra: dict[str, str] | None = None) -> Response:
    data, etag = _asset(name)
    headers = {"Cache-Control": cache_control, "ETag": etag, "X-Content-Type-Options": "nosniff", **(extra or {})}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=media_type, headers=headers)


@router.get("/widget.js", response_class=Response,
            responses={200: {"content": {"text/javascript": {"schema": {"type": "string"}}},
                             "description": "the widget script"}})
def widget_js(request: Request) -> Response:
    """The widget: ``<script src="https://QIFA_HOST/widget.js" data-site-key="KEY" defer></script>``."""
    return _static(request, "widget.js", "text/javascript; charset=utf-8", WIDGET_CACHE,
                   {"Cross-Origin-Resource-Policy": "cross-origin"})


@router.get("/demo", response_class=Response, include_in_schema=False)
def demo(request: Request) -> Response:
    return _static(request, "demo.html", "text/html; charset=utf-8", "no-cache",
                   {"Content-Security-Policy": DEMO_CSP, "Referrer-Policy": "no-referrer"})


@router.get("/demo/demo.css", response_class=Response, include_in_schema=False)
def demo_css(request: Request) -> Response:
    return _static(request, "demo.css", "text/css; charset=utf-8", WIDGET_CACHE)


@router.get("/api/v1/widget/config", response_model=WidgetConfig)
def widget_config(rt: RuntimeDep, site: SiteDep) -> dict[str, Any]:
    """What the widget needs before the first message. With a ``site_key`` (query) or ``X-Qifa-Site-Key`` from a
    page whose origin is not registered for it, the answer is 403 ``site_not_enabled`` (readable by that page)."""
    return {"site": site.name if site else None, "retention_days": rt.settings.order_retention_days,
            "max_message_chars": rt.settings.max_message_chars, "delete_conversation": True,
            "labels": list(button_labels())}
