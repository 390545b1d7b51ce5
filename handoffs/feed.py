"""New hand-off cases in creation order, for channels that post them somewhere (the advisers' Telegram group).

Read-only; the cursor (the last case id posted) belongs to the caller.
"""

from __future__ import annotations

from sqlalchemy import func, select

from db import Database
from db.models_chat import ChatMessage, Handoff
from handoffs.cases import CaseInfo


def last_case_id(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.max(Handoff.id))) or 0)


def cases_after(db: Database, after_id: int, limit: int = 20) -> list[CaseInfo]:
    with db.session() as s:
        rows = s.scalars(select(Handoff).where(Handoff.id > after_id).order_by(Handoff.id).limit(limit))
        return [CaseInfo.from_row(h) for h in rows]


def recent_user_messages(db: Database, session_id: str, limit: int = 3) -> list[str]:
    """The user's last few messages of a conversation, oldest first (what an adviser reads first)."""
    with db.session() as s:
        rows = s.scalars(
            select(ChatMessage.text).where(ChatMessage.session_id == session_id, ChatMessage.role == "user")
            .order_by(ChatMessage.id.desc()).limit(limit)
        )
        return list(reversed(list(rows)))
