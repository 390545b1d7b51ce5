"""``GET /api/v1/sessions/{id}/events``: a session's messages as Server-Sent Events (the web channel's push).

No login: the session id is the secret. The stream polls the SQL store about every 0.3 s (so any API worker
can serve any session) and sends each new message as ``event: message`` with ``id: <message id>`` and the
message JSON as data; a comment line every 15 s keeps proxies from closing the connection. It starts after
the ``Last-Event-ID`` header (a reconnecting browser sends it), else after the ``after`` query parameter,
else from the beginning of the conversation, and stops when the client disconnects.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Header, Request
from fastapi.responses import StreamingResponse

from api.deps import RuntimeDep
from assistant.conversations import Conversations, UnknownSession

router = APIRouter(prefix="/api/v1/sessions", tags=["sessions"])

POLL_S = 0.3
HEARTBEAT_S = 15.0


def _start(last_event_id: str | None, after: int) -> int:
    if last_event_id and last_event_id.strip().isdigit():
        return int(last_event_id.strip())
    return max(0, after)


async def _stream(request: Request, conversations: Conversations, session_id: str, last: int,
                  poll_s: float = POLL_S, heartbeat_s: float = HEARTBEAT_S) -> AsyncIterator[str]:
    yield "retry: 3000\n\n"
    beat = time.monotonic()
    while not await request.is_disconnected():
        try:
            messages = await anyio.to_thread.run_sync(conversations.messages, session_id, last)
        except UnknownSession:  # the conversation was deleted while watched
            return
        for m in messages:
            last = m.id
            yield f"event: message\nid: {m.id}\ndata: {json.dumps(m.to_json(), ensure_ascii=False)}\n\n"
        if time.monotonic() - beat >= heartbeat_s:
            beat = time.monotonic()
            yield ": heartbeat\n\n"
        await anyio.sleep(poll_s)


@router.get("/{session_id}/events", response_model=None,
            responses={200: {"content": {"text/event-stream": {}}, "description": "the message stream"}})
def events(session_id: str, request: Request, rt: RuntimeDep,
           last_event_id: Annotated[str | None, Header()] = None, after: int = 0) -> Any:
    rt.conversations.get(session_id)  # unknown -> 404 unknown_session
    return StreamingResponse(_stream(request, rt.conversations, session_id, _start(last_event_id, after)),
                             media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
