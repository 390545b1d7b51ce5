"""``POST /api/v1/chat``: one message in, the engine's reply out.

Messages wait their turn on the event loop, first come first served, and at most ``QIFA_MAX_CONCURRENT_MESSAGES``
of them run in worker threads at once (:func:`chat_queue`). Before, every request took one of the thread pool's 40
threads straight away and then waited inside the engine for one of its slots, where a thread that had just
arrived could take a slot before one that had waited for seconds: under 50 clients the slowest answers waited
several times the average. A waiting request now costs no thread, and the whole turn (the runtime's change poll,
the engine, the widget's site note) runs in one thread hop instead of two (a sync dependency is a hop of its own).
"""

from __future__ import annotations

from typing import Any

import anyio
from fastapi import APIRouter, FastAPI, Request

from api.deps import get_assistant
from api.schemas import ChatRequest, ChatResponse
from api.sites import record_site

router = APIRouter(prefix="/api/v1", tags=["chat"])


def chat_queue(app: FastAPI) -> anyio.CapacityLimiter:
    """The app's first-come-first-served queue in front of the engine (made on the event loop at first use: a
    limiter belongs to the running loop). As many places as the engine has slots."""
    queue: anyio.CapacityLimiter | None = getattr(app.state, "chat_queue", None)
    if queue is None:
        queue = app.state.chat_queue = anyio.CapacityLimiter(app.state.runtime.settings.max_concurrent_messages)
    return queue


def _turn(request: Request, body: ChatRequest) -> dict[str, Any]:
    reply = get_assistant(request).handle(body.session_id, body.message, lang=body.lang, channel="web")
    record_site(request, reply.session_id)  # the web site whose widget started the conversation
    return reply.to_json()


@router.post("/chat", response_model=ChatResponse)
async def chat(body: ChatRequest, request: Request) -> dict[str, Any]:
    return await anyio.to_thread.run_sync(_turn, request, body, limiter=chat_queue(request.app))
