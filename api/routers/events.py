"""``GET /api/v1/sessions/{id}/events``: a session's messages as Server-Sent Events (the web channel's push).

No login: the session id is the secret. The stream (sse-starlette) reads the SQL store, so any API worker can
serve any session: on PostgreSQL when a ``NOTIFY`` says a message was stored in the session (by any worker, see
``api.live``) and at least every 2 s; on SQLite about every 0.3 s. It sends each new message as ``event: message`` with
``id: <message id>`` and the message JSON as data; a ping comment every 15 s keeps proxies from closing the
connection. It starts after the ``Last-Event-ID`` header (a reconnecting browser sends it), else after the
``after`` query parameter, else from the beginning of the conversation, and stops when the client disconnects.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import Annotated

import anyio
from fastapi import APIRouter, Header, Request
from fastapi.exceptions import RequestValidationError
from sse_starlette import EventSourceResponse, ServerSentEvent

from api.deps import RuntimeDep
from api.live import FALLBACK_S, LiveEvents
from api.schemas import INT64_MAX, AfterQuery, TextPath
from assistant.conversations import Conversations, UnknownSession

router = APIRouter(prefix="/api/v1/sessions", tags=["sessions"])

POLL_S = 0.3
HEARTBEAT_S = 15.0
RETRY_MS = 3000


def _start(last_event_id: str | None, after: int) -> int:
    given = (last_event_id or "").strip()
    if given.isascii() and given.isdigit():  # "²".isdigit() is True, but int() refuses it
        if int(given) > INT64_MAX:
            raise RequestValidationError([{"type": "value_error", "loc": ("header", "last-event-id"),
                                           "msg": "number out of range (64-bit) / 数值超出范围"}])
        return int(given)
    return max(0, after)


async def _stream(conversations: Conversations, session_id: str, last: int, poll_s: float = POLL_S,
                  live: LiveEvents | None = None) -> AsyncIterator[ServerSentEvent]:
    yield ServerSentEvent(retry=RETRY_MS)
    with live.subscribe(session_id) if live is not None else contextlib.nullcontext() as woken:
        while True:
            if woken is not None:
                woken.clear()  # before reading: a message stored during the read wakes the next wait at once
            try:
                messages = await anyio.to_thread.run_sync(conversations.messages, session_id, last)
            except UnknownSession:  # the conversation was deleted while watched
                return
            for m in messages:
                last = m.id
                yield ServerSentEvent(json.dumps(m.to_json(), ensure_ascii=False), event="message", id=str(m.id))
            if woken is None:
                await anyio.sleep(poll_s)
            else:
                with anyio.move_on_after(FALLBACK_S):
                    await woken.wait()


@router.get("/{session_id}/events", response_class=EventSourceResponse, responses={200: {
    "description": "``event: message`` per new message; ``data`` is one message (the schema of MessageOut)",
    "content": {"text/event-stream": {"schema": {"$ref": "#/components/schemas/MessageOut"}}}}})
def events(session_id: TextPath, rt: RuntimeDep, request: Request,
           last_event_id: Annotated[str | None, Header()] = None, after: AfterQuery = 0) -> EventSourceResponse:
    rt.conversations.get(session_id)  # unknown -> 404 unknown_session
    live = getattr(request.app.state, "live", None)
    return EventSourceResponse(_stream(rt.conversations, session_id, _start(last_event_id, after), live=live),
                               ping=HEARTBEAT_S, headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
