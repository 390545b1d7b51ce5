"""``GET /api/v1/sessions/{id}/events``: a session's messages as Server-Sent Events (the web channel's push).

No login: the session id is the secret. The stream (sse-starlette) polls the SQL store about every 0.3 s (so
any API worker can serve any session) and sends each new message as ``event: message`` with
``id: <message id>`` and the message JSON as data; a ping comment every 15 s keeps proxies from closing the
connection. It starts after the ``Last-Event-ID`` header (a reconnecting browser sends it), else after the
``after`` query parameter, else from the beginning of the conversation, and stops when the client disconnects.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated

import anyio
from fastapi import APIRouter, Header
from fastapi.exceptions import RequestValidationError
from sse_starlette import EventSourceResponse, ServerSentEvent

from api.deps import RuntimeDep
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


async def _stream(conversations: Conversations, session_id: str, last: int,
                  poll_s: float = POLL_S) -> AsyncIterator[ServerSentEvent]:
    yield ServerSentEvent(retry=RETRY_MS)
    while True:
        try:
            messages = await anyio.to_thread.run_sync(conversations.messages, session_id, last)
        except UnknownSession:  # the conversation was deleted while watched
            return
        for m in messages:
            last = m.id
            yield ServerSentEvent(json.dumps(m.to_json(), ensure_ascii=False), event="message", id=str(m.id))
        await anyio.sleep(poll_s)


@router.get("/{session_id}/events", response_class=EventSourceResponse, responses={200: {
    "description": "``event: message`` per new message; ``data`` is one message (the schema of MessageOut)",
    "content": {"text/event-stream": {"schema": {"$ref": "#/components/schemas/MessageOut"}}}}})
def events(session_id: TextPath, rt: RuntimeDep, last_event_id: Annotated[str | None, Header()] = None,
           after: AfterQuery = 0) -> EventSourceResponse:
    rt.conversations.get(session_id)  # unknown -> 404 unknown_session
    return EventSourceResponse(_stream(rt.conversations, session_id, _start(last_event_id, after)),
                               ping=HEARTBEAT_S, headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
