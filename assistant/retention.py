"""Deleting conversations: a user's "delete my data", and the purge of conversations past their retention.

A conversation goes with its messages, its form state and its hand-off cases (ON DELETE CASCADE). Orders placed
from it stay (their link to the session is cleared, ON DELETE SET NULL): they are kept for their own retention
period (``orders.retention``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, exists, or_, select

from assistant.conversations import UnknownSession
from db import Database
from db.models_alerts import Delivery, Subscription
from db.models_chat import ChatMessage, ChatSession, Handoff

OPEN_CASES = ("open", "assigned")


def forget(db: Database, session_id: str) -> None:
    """Delete one conversation (``UnknownSession`` when there is none)."""
    with db.session() as s:
        row = s.get(ChatSession, session_id)
        if row is None:
            raise UnknownSession(session_id)
        s.execute(delete(ChatMessage).where(ChatMessage.session_id == session_id))
        s.execute(delete(Handoff).where(Handoff.session_id == session_id))
        s.execute(delete(Delivery).where(Delivery.session_id == session_id))
        s.execute(delete(Subscription).where(Subscription.session_id == session_id))
        s.delete(row)


def forget_chat(db: Database, channel: str, external_id: str) -> bool:
    """Delete the conversation of a chat (e.g. Telegram's /forget); False when it had none."""
    with db.session() as s:
        sid = s.scalars(select(ChatSession.id).where(ChatSession.channel == channel,
                                                     ChatSession.external_id == external_id)).first()
    if sid is None:
        return False
    forget(db, sid)
    return True


def purge_conversations(db: Database, before: datetime) -> int:
    """Delete conversations with no message since ``before`` and no hand-off still open, with their alert
    subscriptions and deliveries; returns how many. Alerts the conversation received do not keep it alive."""
    recent = exists().where(ChatMessage.session_id == ChatSession.id, ChatMessage.created_at >= before,
                            or_(ChatMessage.route.is_(None), ChatMessage.route != "alert"))
    waiting = exists().where(Handoff.session_id == ChatSession.id, Handoff.status.in_(OPEN_CASES))
    with db.session() as s:
        ids = list(s.scalars(select(ChatSession.id).where(ChatSession.created_at < before, ~recent, ~waiting)))
        for start in range(0, len(ids), 500):
            batch = ids[start:start + 500]
            s.execute(delete(ChatMessage).where(ChatMessage.session_id.in_(batch)))
            s.execute(delete(Handoff).where(Handoff.session_id.in_(batch)))
            s.execute(delete(Delivery).where(Delivery.session_id.in_(batch)))
            s.execute(delete(Subscription).where(Subscription.session_id.in_(batch)))
            s.execute(delete(ChatSession).where(ChatSession.id.in_(batch)))
        return len(ids)
