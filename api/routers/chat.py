"""``POST /api/v1/chat``: one message in, the engine's reply out."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from api.deps import AssistantDep
from api.schemas import ChatRequest, ChatResponse
from api.sites import record_site

router = APIRouter(prefix="/api/v1", tags=["chat"])


@router.post("/chat", response_model=ChatResponse)
def chat(body: ChatRequest, assistant: AssistantDep, request: Request) -> dict[str, Any]:
    reply = assistant.handle(body.session_id, body.message, lang=body.lang, channel="web")
    record_site(request, reply.session_id)  # the web site whose widget started the conversation
    return reply.to_json()
