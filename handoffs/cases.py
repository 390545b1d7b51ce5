"""Hand-off cases: opened by the engine, worked by advisers (queue, claim, reply, close)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from db import Database
from db.base import utcnow
from db.models_chat import ChatSession, Handoff

ACK_EVERY = timedelta(minutes=3)
OPEN_STATUSES = ("open", "assigned")
WITHDRAWN_NOTE = "withdrawn: 用户撤回了转人工请求 / the user withdrew the request"


@dataclass
class CaseInfo:
    id: int
    session_id: str
    status: str
    reason: str
    channel: str
    lang: str
    assigned_to: str | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    note: str | None
    passages: list[dict[str, Any]]

    def brief(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "reason": self.reason}

    @classmethod
    def from_row(cls, h: Handoff) -> CaseInfo:
        return cls(h.id, h.session_id, h.status, h.reason, h.channel, h.lang, h.assigned_to, h.created_at,
                   h.updated_at, h.closed_at, h.note, list(h.passages or []))


class Handoffs:
    def __init__(self, db: Database) -> None:
        self.db = db

    def active(self, session_id: str) -> CaseInfo | None:
        with self.db.session() as s:
            h = s.scalars(
                select(Handoff).where(Handoff.session_id == session_id, Handoff.status.in_(OPEN_STATUSES))
                .order_by(Handoff.id.desc())
            ).first()
            return CaseInfo.from_row(h) if h else None

    def open(self, session_id: str, reason: str, lang: str, passages: list[dict[str, Any]]) -> CaseInfo:
        with self.db.session() as s:
            existing = s.scalars(
                select(Handoff).where(Handoff.session_id == session_id, Handoff.status.in_(OPEN_STATUSES))
            ).first()
            if existing is not None:
                return CaseInfo.from_row(existing)
            sess = s.get(ChatSession, session_id)
            channel = sess.channel if sess else "web"
            h = Handoff(session_id=session_id, status="open", reason=reason, channel=channel, lang=lang,
                        passages=passages, last_ack_at=utcnow())
            s.add(h)
            s.flush()
            return CaseInfo.from_row(h)

    def should_ack(self, case_id: int) -> bool:
        """True at most once every few minutes while a case waits (so the user is not flooded)."""
        with self.db.session() as s:
            h = s.get(Handoff, case_id)
            if h is None:
                return False
            now = utcnow()
            if h.last_ack_at is None or now - h.last_ack_at >= ACK_EVERY:
                h.last_ack_at = now
                return True
            return False

    def withdraw(self, case_id: int) -> CaseInfo | None:
        """The user no longer waits: close the case as withdrawn (None when it was already closed)."""
        with self.db.session() as s:
            h = s.get(Handoff, case_id)
            if h is None or h.status not in OPEN_STATUSES:
                return None
            now = utcnow()
            h.status, h.closed_at, h.updated_at, h.note = "closed", now, now, WITHDRAWN_NOTE
            s.flush()
            return CaseInfo.from_row(h)

    def get(self, case_id: int) -> CaseInfo | None:
        with self.db.session() as s:
            h = s.get(Handoff, case_id)
            return CaseInfo.from_row(h) if h else None
