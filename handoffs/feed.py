"""New hand-off cases in creation order, for channels that post them somewhere (the advisers' Telegram group).

The cursor (the last case id seen) belongs to the caller; :func:`claim_post` makes the post of a case happen
once when several workers watch the same store (the first ``UPDATE ... WHERE posted_at IS NULL`` wins).
"""

from __future__ import annotations

from sqlalchemy import func, select, update

from db import Database
from db.base import utcnow
from db.models_chat import ChatMessage, Handoff
from handoffs.cases import CaseInfo


def last_case_id(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.max(Handoff.id))) or 0)


def cases_after(db: Database, after_id: int, limit: int = 20) -> list[CaseInfo]:
    with db.session() as s:
        rows = s.scalars(select(Handoff).where(Handoff.id > after_id).order_by(Handoff.id).limit(limit))
        return [CaseInfo.from_row(h) for h in rows]


def claim_post(db: Database, case_id: int) -> bool:
    """True for the one caller that may post this case (and must :func:`release_post` it if posting fails)."""
    with db.session() as s:
        done = s.execute(update(Handoff).where(Handoff.id == case_id, Handoff.posted_at.is_(None))
                         .values(posted_at=utcnow()))
        return getattr(done, "rowcount", 0) == 1


def release_post(db: Database, case_id: int) -> None:
    """The post failed: let the next round (of any worker) try again."""
    with db.session() as s:
        s.execute(update(Handoff).where(Handoff.id == case_id).values(posted_at=None))


def recent_user_messages(db: Database, session_id: str, limit: int = 3) -> list[str]:
    """The user's last few messages of a conversation, oldest first (what an adviser reads first)."""
    with db.session() as s:
        rows = s.scalars(
            select(ChatMessage.text).where(ChatMessage.session_id == session_id, ChatMessage.role == "user")
            .order_by(ChatMessage.id.desc()).limit(limit)
        )
        return list(reversed(list(rows)))
