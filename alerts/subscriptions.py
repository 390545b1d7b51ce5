"""Subscriptions: the topics a conversation (a Telegram chat, a widget session) wants alerts on.

What is kept: the conversation's id (for Telegram, the chat id it belongs to) and the topic ids, nothing else;
for how long: until the conversation unsubscribes, or until the conversation itself is deleted (``/forget``,
``DELETE /api/v1/sessions/{id}``, or the retention purge after QIFA_CONVERSATION_RETENTION_DAYS without a
message from the user) — the rows go with the conversation (ON DELETE CASCADE, and explicitly in the purge).
"""

from __future__ import annotations

from sqlalchemy import delete, select

from alerts.errors import AlertError
from alerts.topics import Topics, shipped_topics
from assistant.conversations import UnknownSession
from assistant.ports import NoticeState
from db import Database
from db.models_alerts import Notice, Subscription
from db.models_chat import ChatSession

MAX_TOPICS_IN_REQUEST = 50

KEPT = {
    "zh": "我们只保存本会话的编号（Telegram 为聊天编号）和您订阅的主题，用于发送合规预警；保存至您取消订阅，"
          "或对话被删除为止（/forget、删除会话，或最后一条消息后 {days} 天自动删除）。",
    "en": "We keep only this conversation's id (for Telegram, the chat id) and the topics you chose, to send you "
          "compliance alerts; they are kept until you unsubscribe or the conversation is deleted (/forget, deleting "
          "the session, or automatically {days} days after your last message).",
}


def kept_statement(lang: str, retention_days: int) -> str:
    """What subscribing keeps and for how long, in ``lang``."""
    return KEPT["en" if lang == "en" else "zh"].format(days=retention_days)


def _check_names(names: object, field: str = "topics") -> list[str]:
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise AlertError(field, "topics must be a list of topic ids / 主题应为主题编号列表")
    if len(names) > MAX_TOPICS_IN_REQUEST:
        raise AlertError(field, f"at most {MAX_TOPICS_IN_REQUEST} topics / 最多 {MAX_TOPICS_IN_REQUEST} 个主题")
    return names


class Subscriptions:
    def __init__(self, db: Database, topics: Topics | None = None, retention_days: int = 180) -> None:
        self.db = db
        self.topics = topics or shipped_topics()
        self.retention_days = retention_days

    def kept(self, lang: str) -> str:
        return kept_statement(lang, self.retention_days)

    def _session(self, session_id: str) -> ChatSession:
        with self.db.session() as s:
            row = s.get(ChatSession, session_id)
            if row is None:
                raise UnknownSession(session_id)
            return row

    def of(self, session_id: str) -> list[str]:
        """The session's topic ids, in the topics' order (UnknownSession for no such session)."""
        self._session(session_id)
        with self.db.session() as s:
            have = set(s.scalars(select(Subscription.topic).where(Subscription.session_id == session_id)))
        return [t.id for t in self.topics if t.id in have]

    def set(self, session_id: str, names: object) -> list[str]:
        """Replace the session's topics with ``names`` (ids or names; [] unsubscribes from everything)."""
        ids = self.topics.resolve(_check_names(names))
        self._session(session_id)
        with self.db.session() as s:
            s.execute(delete(Subscription).where(Subscription.session_id == session_id))
            s.add_all(Subscription(session_id=session_id, topic=tid) for tid in ids)
        return ids

    def add(self, session_id: str, names: object) -> list[str]:
        """Add ``names`` to the session's topics; returns all of them."""
        ids = self.topics.resolve(_check_names(names))
        have = self.of(session_id)
        return self.set(session_id, sorted({*have, *ids}, key=[t.id for t in self.topics].index))

    def toggle(self, session_id: str, name: str) -> bool:
        """Subscribe to one topic, or unsubscribe when already subscribed; True when now subscribed."""
        tid = self.topics.resolve([name], "topic")[0]
        have = self.of(session_id)
        self.set(session_id, [t for t in have if t != tid] if tid in have else [*have, tid])
        return tid not in have

    def clear(self, session_id: str) -> int:
        """Unsubscribe from everything (one action); how many topics were dropped."""
        self._session(session_id)
        with self.db.session() as s:
            done = s.execute(delete(Subscription).where(Subscription.session_id == session_id))
            return int(getattr(done, "rowcount", 0) or 0)

    def choices(self, lang: str) -> list[tuple[str, str]]:
        """(id, name in ``lang``) of every topic, for menus."""
        return [(t.id, t.name(lang)) for t in self.topics]

    def label(self, ids: list[str], lang: str) -> str:
        return self.topics.label(ids, lang)


def subscribe(db: Database, session_id: str, topics: list[str], retention_days: int = 180) -> list[str]:
    """Subscribe a session to ``topics`` (kept with its others); e.g. at the end of a self-check report."""
    return Subscriptions(db, retention_days=retention_days).add(session_id, topics)


class AlertBook(Subscriptions):
    """What the conversation engine needs (``assistant.ports.AlertBook``): subscriptions and notice titles."""

    def notice_state(self, notice_id: int) -> NoticeState | None:
        """The notice's title and whether it was withdrawn (None: no such notice)."""
        with self.db.session() as s:
            row = s.get(Notice, notice_id)
            return NoticeState(row.title, row.withdrawn_at is not None) if row else None
