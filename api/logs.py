"""Structured logs: one JSON object per line, with the request id, and personal data masked.

The access log is written here (uvicorn's own is off, see ``api.server``): method, the route's template
(``/api/v1/sessions/{session_id}/events``, never the id itself), status, duration and request id. No query
string (it can carry a session id or a site key), no client address, no header, no message text. A path that
matches no route is logged as ``<unmatched>``, since its text is whatever the client sent.
"""

from __future__ import annotations

import contextvars
import json
import logging
import time
from datetime import UTC, datetime
from typing import Any

from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from privacy import mask

ACCESS = logging.getLogger("qifa.access")
request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("qifa_request_id", default=None)
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON line per record: time, level, logger, message (masked), process id, request id and any
    ``extra`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                               "level": record.levelname, "logger": record.name, "message": mask(record.getMessage()),
                               "pid": record.process}  # which worker, with ``qifa serve --workers N``
        rid = request_id.get()
        if rid:
            out["request_id"] = rid
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = mask(value) if isinstance(value, str) else value
        if record.exc_info:
            out["exception"] = mask(self.formatException(record.exc_info))
        return json.dumps(out, ensure_ascii=False, default=str)


def matched_route(scope: Scope) -> str | None:
    """The template of the route serving this request; for a request answered before routing (a 413 of the body
    limit, a 429 of the rate limit) the template of the route it would have reached. None when none matches."""
    route = scope.get("route")
    path = getattr(route, "path", None) or getattr(route, "path_format", None)
    if path:
        return str(path)
    router = getattr(scope.get("app"), "router", None)
    return _match(getattr(router, "routes", ()), scope, "")


def _match(routes: Any, scope: Scope, prefix: str) -> str | None:
    for candidate in routes:
        match, child = candidate.matches(scope)
        if match != Match.FULL:
            continue
        found = child.get("route", candidate)
        path = getattr(found, "path_format", None) or getattr(found, "path", None)
        if path:
            return prefix + str(path)
        inner = getattr(candidate, "original_router", None)  # FastAPI >= 0.160 wraps each included router
        if inner is not None:
            extra = str(getattr(getattr(candidate, "include_context", None), "prefix", "") or "")
            sub = {**scope, "path": scope["path"][len(extra):]} if extra else scope
            return _match(inner.routes, sub, prefix + extra)
        return None
    return None


def route_template(scope: Scope) -> str:
    return matched_route(scope) or "<unmatched>"


class AccessLog:
    """Pure ASGI (event streams untouched): logs each HTTP request once it is answered."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = scope.get("state", {}).get("request_id")
        token = request_id.set(rid)
        started, status = time.perf_counter(), 500

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            ACCESS.info("%s %s %s", scope["method"], route_template(scope), status,
                        extra={"method": scope["method"], "route": route_template(scope), "status": status,
                               "ms": round((time.perf_counter() - started) * 1000, 1)})
            request_id.reset(token)


def log_config(level: str = "info", fmt: str = "json") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for ``qifa serve``: JSON (or plain text) on stderr for qifa and uvicorn."""
    formatter: dict[str, Any] = ({"()": "api.logs.JsonFormatter"} if fmt == "json" else
                                 {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"})
    handler = {"class": "logging.StreamHandler", "formatter": "main", "stream": "ext://sys.stderr"}
    return {"version": 1, "disable_existing_loggers": False, "formatters": {"main": formatter},
            "handlers": {"main": handler},
            "loggers": {name: {"handlers": ["main"], "level": level.upper(), "propagate": False}
                        for name in ("qifa", "uvicorn", "uvicorn.error", "api", "bot", "assistant")},
            "root": {"handlers": ["main"], "level": "WARNING"}}
