"""``POST /api/v1/chat``: one message in, the engine's reply out."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import AssistantDep
from api.schemas import ChatRequest, ChatResponse

router = APIRouter(prefix="/api/v1", tags=["chat"])


@router.post("/chat", response_model=ChatResponse)
def chat(body: ChatRequest, assistant: AssistantDep) -> dict[str, Any]:
    reply = assistant.handle(body.session_id, body.message, lang=body.lang, channel="web")
    return reply.to_json()
