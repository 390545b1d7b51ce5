"""Rate limits on the public endpoints and on logins, and a cap on open event streams (pure ASGI middleware).

Counted with the ``limits`` library (moving windows of one minute): per client address, per conversation (the
session id in the path, or in the JSON body of ``POST /chat`` and ``POST /orders``) and per site key on the
enterprise endpoints; per (user name, address) on the two login forms, on top of the failed-login throttle.
Over a limit the answer is 429 with ``Retry-After`` and a bilingual JSON error. A user's "delete my conversation"
(``DELETE /api/v1/sessions/{id}``) is a privacy right: the chat's own counters (per conversation, per site) never
refuse it, so it is counted alone, per address (the site gate and the route's 404 for an unknown id still apply).
Open event streams are capped per address and in total. The counters and the stream slots live in this worker's
memory by default; ``QIFA_RATE_LIMIT_STORAGE=database`` or ``redis://…`` shares them between workers
(see ``api.limit_store``).
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import anyio
from limits import RateLimitItem, RateLimitItemPerMinute
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error
from api.limit_store import Counters, Slots, open_store
from api.sites import GATED_PREFIXES, SITE_KEY_HEADER, SITE_KEY_QUERY
from config import Settings

LOGIN_PATHS = ("/api/v1/auth/token", "/console/login")
SESSION_BODY_PATHS = ("/api/v1/chat", "/api/v1/orders")
SESSIONS_PREFIX = "/api/v1/sessions/"
CHECKUPS_PREFIX = "/api/v1/checkups/"  # POST …/{id}/report names its session in the body


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def _events_path(path: str) -> bool:
    return path.startswith(SESSIONS_PREFIX) and path.endswith("/events")


def _path_session(path: str) -> str | None:
    if not path.startswith(SESSIONS_PREFIX):
        return None
    rest = path[len(SESSIONS_PREFIX):]
    return rest.split("/", 1)[0] or None


def _deletes_session(method: str, path: str) -> bool:
    """``DELETE /api/v1/sessions/{id}`` itself (not a sub-resource such as its subscriptions)."""
    session = _path_session(path)
    return method == "DELETE" and session is not None and path.rstrip("/") == SESSIONS_PREFIX + session


def _limit(per_minute: int) -> RateLimitItem | None:
    return RateLimitItemPerMinute(per_minute) if per_minute > 0 else None


def too_many(seconds: int, what: str, origin: str | None = None) -> ASGIApp:
    """The 429. ``origin``: the widget's page, allowed to read it. This limit answers before the site gate (whose
    CORS headers an admitted request gets), so without it a widget on another origin sees only a failed fetch and
    cannot say "try again in N s". The refusal holds nothing but itself, as the gate's own refusal."""
    headers = {"Retry-After": str(seconds)}
    if origin:
        headers |= {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
    return error(429, "rate_limited", f"too many requests {what}; try again in {seconds} s "
                 f"/ 请求过于频繁，请 {seconds} 秒后再试", headers=headers)


class RateLimit:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.per_ip, self.per_session = _limit(settings.rate_limit_per_ip), _limit(settings.rate_limit_per_session)
        self.per_site, self.login = _limit(settings.rate_limit_per_site), _limit(settings.rate_limit_login)
        self.store: tuple[Counters, Slots] | None = None
        if not settings.shared_limits:
            self.store = open_store(settings, None)

    def _store(self, scope: Scope) -> tuple[Counters, Slots]:
        """Opened at the first request when shared: the store is the runtime's, built in the app's lifespan."""
        if self.store is None:
            runtime = getattr(scope["app"].state, "runtime", None)
            self.store = open_store(self.settings, runtime.db if runtime is not None else None)
        return self.store

    async def _hit(self, scope: Scope, item: RateLimitItem | None, *key: str) -> int:
        """0 when the request may go on, else the seconds to wait."""
        return 0 if item is None else await self._store(scope)[0].wait(item, *key)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] == "OPTIONS":
            await self.app(scope, receive, send)
            return
        path, method, address = scope["path"], scope["method"], client_address(scope)
        if method == "POST" and path in LOGIN_PATHS and self.login is not None:
            body, receive = await _peek(receive)
            names = parse_qs(body.decode("utf-8", "replace")).get("username", [""])
            wait = await self._hit(scope, self.login, "login", address, names[0].strip().lower())
            if wait:
                await too_many(wait, "to log in")(scope, receive, send)
                return
        elif _deletes_session(method, path):
            wait = await self._hit(scope, self.per_ip, "to delete a conversation", address)
            if wait:
                await too_many(wait, "to delete a conversation", Headers(scope=scope).get("origin"))(
                    scope, receive, send)
                return
        elif path.startswith(GATED_PREFIXES):
            session = _path_session(path)
            body_session = path in SESSION_BODY_PATHS or (path.startswith(CHECKUPS_PREFIX) and path.endswith("/report"))
            if session is None and method == "POST" and body_session and self.per_session is not None:
                body, receive = await _peek(receive)
                session = _body_session(body)
            headers = Headers(scope=scope)
            site = headers.get(SITE_KEY_HEADER) or parse_qs(scope.get("query_string", b"").decode("latin-1")).get(
                SITE_KEY_QUERY, [None])[0]
            for item, key, what in ((self.per_ip, address, "from this address"),
                                    (self.per_session, session, "in this conversation"),
                                    (self.per_site, site, "for this site")):
                wait = await self._hit(scope, item, what, key) if key else 0
                if wait:
                    await too_many(wait, what, headers.get("origin"))(scope, receive, send)
                    return
            if method == "GET" and _events_path(path):
                await self._stream(address, scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _stream(self, address: str, scope: Scope, receive: Receive, send: Send) -> None:
        slots = self._store(scope)[1]
        slot = await slots.take(address)
        if slot is None:
            await error(429, "too_many_streams", "too many open event streams; close one and retry "
                        "/ 打开的消息推送连接过多，请关闭后重试", headers={"Retry-After": "10"})(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            with anyio.CancelScope(shield=True):  # a stream cancelled on disconnect still gives its slot back
                await slots.give_back(slot)


async def _peek(receive: Receive) -> tuple[bytes, Receive]:
    """The whole body (already bounded by the body limit), and a ``receive`` that replays it to the app."""
    messages: list[Message] = []
    body = b""
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        body += message.get("body", b"")
        if not message.get("more_body", False):
            break

    async def replay() -> Message:
        return messages.pop(0) if messages else await receive()

    return body, replay


def _body_session(body: bytes) -> str | None:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    value = data.get("session_id") if isinstance(data, dict) else None
    return value if isinstance(value, str) and 0 < len(value) <= 200 else None
