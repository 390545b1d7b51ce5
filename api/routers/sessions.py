"""A session's messages, and feedback on a bot message."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import RuntimeDep
from api.errors import error
from api.schemas import FeedbackRequest, MessageOut

router = APIRouter(prefix="/api/v1/sessions", tags=["sessions"])


@router.get("/{session_id}/messages", response_model=list[MessageOut])
def messages(session_id: str, rt: RuntimeDep, after: int = 0) -> list[dict[str, Any]]:
    return [m.to_json() for m in rt.conversations.messages(session_id, after_id=after)]


@router.post("/{session_id}/feedback", response_model=None)
def feedback(session_id: str, body: FeedbackRequest, rt: RuntimeDep) -> Any:
    rt.conversations.get(session_id)
    if not rt.conversations.set_feedback(session_id, body.message_id, body.vote):
        return error(404, "unknown_message", "no such bot message in this session / 该会话中没有这条回复",
                     [{"field": "message_id", "message": "unknown message"}])
    return {"ok": True}
