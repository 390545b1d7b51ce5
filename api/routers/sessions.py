"""A session's messages, feedback on a bot message, and the user's "delete my conversation"."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import RuntimeDep
from api.schemas import AfterQuery, FeedbackRequest, MessageOut, Ok, TextPath
from assistant.conversations import UnknownMessage
from assistant.retention import forget

router = APIRouter(prefix="/api/v1/sessions", tags=["sessions"])


@router.get("/{session_id}/messages", response_model=list[MessageOut])
def messages(session_id: TextPath, rt: RuntimeDep, after: AfterQuery = 0) -> list[dict[str, Any]]:
    return [m.to_json() for m in rt.conversations.messages(session_id, after_id=after)]


@router.post("/{session_id}/feedback", response_model=Ok)
def feedback(session_id: TextPath, body: FeedbackRequest, rt: RuntimeDep) -> Ok:
    rt.conversations.get(session_id)  # unknown -> 404 unknown_session
    if not rt.conversations.set_feedback(session_id, body.message_id, body.vote):
        raise UnknownMessage(body.message_id)
    return Ok(ok=True)


@router.delete("/{session_id}", response_model=Ok)
def delete_conversation(session_id: TextPath, rt: RuntimeDep) -> Ok:
    """Delete the conversation: its messages, form state and hand-off cases. Orders placed from it are kept for
    their retention period (the consent covered them). Unknown session: 404."""
    forget(rt.db, session_id)
    return Ok(ok=True)
