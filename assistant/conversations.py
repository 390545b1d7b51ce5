"""Sessions and messages in the SQL store (the one source of truth for every channel)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, insert, select, update

from db import Database
from db.base import iso_utc, utcnow
from db.models_chat import ChatMessage, ChatSession


class UnknownSession(LookupError):
    """No session with that id."""


class UnknownMessage(LookupError):
    """No bot message with that id in the session."""


@dataclass
class StoredMessage:
    id: int
    session_id: str
    role: str
    text: str
    route: str | None
    citations: list[dict[str, Any]]
    author: str | None
    feedback: int | None
    created_at: datetime
    # a bot reply's rich parts (``reply_parts``): its suggestions, its data (service cards, the booking's state)
    # and its language; None for every other message and for a reply that had none
    parts: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["created_at"] = iso_utc(self.created_at)
        parts = d.pop("parts") or {}
        d["suggestions"] = list(parts.get("suggestions") or [])
        d["data"] = dict(parts.get("data") or {})
        d["lang"] = parts.get("lang")
        return d


def reply_parts(suggestions: list[dict[str, Any]], data: dict[str, Any], lang: str | None) -> dict[str, Any] | None:
    """What a reply gave besides its text and citations, kept with it so the history can be shown again as it was
    (its buttons, its cards); None when it gave nothing more than its language."""
    if not suggestions and not data:
        return None
    return {"suggestions": list(suggestions), "data": dict(data), "lang": lang}


@dataclass
class TurnSession:
    """The session a turn runs in, as read when the turn began (``fresh``: created by this turn, so nothing of
    it exists yet elsewhere: no hand-off case, no order)."""

    id: str
    channel: str
    lang: str | None
    state: dict[str, Any]
    fresh: bool


_SESSIONS = cast(Table, ChatSession.__table__)
_MESSAGES = cast(Table, ChatMessage.__table__)
# a turn's statements, built once (their compiled form is cached by the engine; only the values change)
_SESSION_COLUMNS = (_SESSIONS.c.id, _SESSIONS.c.channel, _SESSIONS.c.lang, _SESSIONS.c.state)
_SESSION_BY_ID = select(*_SESSION_COLUMNS).where(_SESSIONS.c.id == bindparam("b_id"))
_SESSION_BY_EXTERNAL = select(*_SESSION_COLUMNS).where(
    _SESSIONS.c.channel == bindparam("b_channel"), _SESSIONS.c.external_id == bindparam("b_external")).limit(1)
_NEW_SESSION = insert(_SESSIONS)
_NEW_MESSAGE = insert(_MESSAGES)
_TURN_STATE = update(_SESSIONS).where(_SESSIONS.c.id == bindparam("b_id"))


@dataclass
class _NewSession:
    """A new session's row and its first message, held back by ``begin_turn`` (``Database.hold``): written by
    ``close_turn``, or by the thread's next use of the store, whichever comes first."""

    session: dict[str, Any]
    message: dict[str, Any]

    def __call__(self, conn: Connection) -> None:
        conn.execute(_NEW_SESSION, self.session)
        conn.execute(_NEW_MESSAGE, self.message)


def _held_key(session_id: str) -> str:
    return f"qifa-new-session:{session_id}"


def _stored(m: ChatMessage) -> StoredMessage:
    return StoredMessage(m.id, m.session_id, m.role, m.text, m.route, list(m.citations or []), m.author,
                         m.feedback, m.created_at, dict(m.parts) if m.parts else None)


class Conversations:
    def __init__(self, db: Database) -> None:
        self.db = db

    def open(self, session_id: str | None, channel: str, external_id: str | None = None) -> ChatSession:
        """Return the session (creating it when the id is None); unknown ids raise UnknownSession."""
        with self.db.session() as s:
            if session_id is None and external_id is not None:
                found = s.scalars(
                    select(ChatSession).where(ChatSession.channel == channel, ChatSession.external_id == external_id)
                ).first()
                if found is not None:
                    return found
            if session_id is None:
                row = ChatSession(id=uuid.uuid4().hex, channel=channel, external_id=external_id, state={})
                s.add(row)
                return row
            row_or_none = s.get(ChatSession, session_id)
            if row_or_none is None:
                raise UnknownSession(session_id)
            return row_or_none

    def begin_turn(self, session_id: str | None, channel: str, external_id: str | None, role: str,
                   text: str) -> TurnSession:
        """The session of a turn (created when ``session_id`` is None and no session of ``channel`` +
        ``external_id`` exists) and the turn's first message, in one transaction: stored before the turn is
        handled, so a hand-off opened by the turn already shows it. Unknown ids raise UnknownSession.

        A new session's two rows are held back instead (``Database.hold``): ``close_turn`` writes them with the
        reply in its one transaction, unless the turn uses the store meanwhile (a case, an order, a moderation
        record), which stores them first, as before. Nobody else knows the new session's id until the turn ends.
        A turn that fails stores them with ``settle``."""
        if session_id is None and external_id is None:  # a new session: nothing to look up
            return self._hold_new(channel, None, role, text)
        with self.db.transaction(write=True) as conn:
            if session_id is not None:
                row = conn.execute(_SESSION_BY_ID, {"b_id": session_id}).first()
                if row is None:
                    raise UnknownSession(session_id)
            else:
                row = conn.execute(_SESSION_BY_EXTERNAL, {"b_channel": channel, "b_external": external_id}).first()
            if row is None:
                return self._hold_new(channel, external_id, role, text)
            turn = TurnSession(row.id, row.channel, row.lang, dict(row.state or {}), fresh=False)
            conn.execute(_NEW_MESSAGE, {"session_id": turn.id, "role": role, "text": text, "route": None,
                                        "citations": [], "created_at": utcnow()})
            return turn

    def _hold_new(self, channel: str, external_id: str | None, role: str, text: str) -> TurnSession:
        turn = TurnSession(uuid.uuid4().hex, channel, "zh", {}, fresh=True)
        now = utcnow()
        self.db.hold(_held_key(turn.id), _NewSession(
            {"id": turn.id, "channel": channel, "external_id": external_id, "lang": "zh", "state": {},
             "created_at": now, "updated_at": now},
            {"session_id": turn.id, "role": role, "text": text, "route": None, "citations": [], "created_at": now}))
        return turn

    def settle(self) -> None:
        """Store what the turns of this thread hold back (a turn that failed keeps its session and first message)."""
        self.db.settle()

    def state_of(self, channel: str, external_id: str) -> dict[str, Any] | None:
        """The state of the session of ``channel`` + ``external_id`` (e.g. a Telegram chat), None when it has none."""
        with self.db.session() as s:
            row = s.scalars(
                select(ChatSession).where(ChatSession.channel == channel, ChatSession.external_id == external_id)
            ).first()
            return dict(row.state or {}) if row is not None else None

    def exists(self, session_id: str) -> bool:
        with self.db.session() as s:
            return s.get(ChatSession, session_id) is not None

    def get(self, session_id: str) -> ChatSession:
        with self.db.session() as s:
            row = s.get(ChatSession, session_id)
            if row is None:
                raise UnknownSession(session_id)
            return row

    def save_state(self, session_id: str, state: dict[str, Any], lang: str | None = None) -> None:
        with self.db.session() as s:
            row = s.get(ChatSession, session_id)
            if row is None:
                raise UnknownSession(session_id)
            row.state = dict(state)
            if lang:
                row.lang = lang

    def close_turn(self, session_id: str, state: dict[str, Any], lang: str | None, text: str | None,
                   route: str | None = None, citations: list[dict[str, Any]] | None = None,
                   parts: dict[str, Any] | None = None) -> StoredMessage | None:
        """The bot's reply (when it has text, with its ``parts``: see ``reply_parts``) and the session's new state,
        in one transaction; a new session's rows held back by ``begin_turn`` go in the same transaction, with the
        state they end the turn with."""
        held = self.db.release(_held_key(session_id))
        try:
            return self._close(session_id, held, state, lang, text, route, citations, parts)
        except BaseException:
            if held is not None:  # still the turn's to store (``settle``), as it began
                self.db.hold(_held_key(session_id), held)
            raise

    def _close(self, session_id: str, held: object, state: dict[str, Any], lang: str | None, text: str | None,
               route: str | None, citations: list[dict[str, Any]] | None,
               parts: dict[str, Any] | None) -> StoredMessage | None:
        with self.db.transaction(write=True) as conn:
            now = utcnow()
            if isinstance(held, _NewSession):  # the session's row as the update below would leave it
                row = {**held.session, "state": dict(state), "updated_at": now, **({"lang": lang} if lang else {})}
                _NewSession(row, held.message)(conn)
            else:
                values: dict[str, Any] = {"b_id": session_id, "state": dict(state), "updated_at": now}
                if lang:
                    values["lang"] = lang
                done = conn.execute(_TURN_STATE, values)
                if getattr(done, "rowcount", 1) == 0:
                    raise UnknownSession(session_id)
            if not text:
                return None
            cites = list(citations or [])
            result = conn.execute(_NEW_MESSAGE, {"session_id": session_id, "role": "bot", "text": text, "route": route,
                                                 "citations": cites, "parts": parts, "created_at": now})
            key = result.inserted_primary_key
            if key is None or key[0] is None:
                raise RuntimeError("the store returned no id for the stored reply")
            return StoredMessage(int(key[0]), session_id, "bot", text, route, cites, None, None, now, parts)

    def add(self, session_id: str, role: str, text: str, route: str | None = None,
            citations: list[dict[str, Any]] | None = None, author: str | None = None) -> StoredMessage:
        with self.db.session() as s:
            m = ChatMessage(session_id=session_id, role=role, text=text, route=route,
                            citations=citations or [], author=author)
            s.add(m)
            s.flush()
            return _stored(m)

    def messages(self, session_id: str, after_id: int = 0) -> list[StoredMessage]:
        with self.db.session() as s:
            if s.get(ChatSession, session_id) is None:
                raise UnknownSession(session_id)
            rows = s.scalars(
                select(ChatMessage).where(ChatMessage.session_id == session_id, ChatMessage.id > after_id)
                .order_by(ChatMessage.id)
            )
            return [_stored(m) for m in rows]

    def delete(self, session_id: str) -> None:
        """Remove a session with its messages and cases (used by ``qifa eval`` to leave no trace)."""
        with self.db.session() as s:
            row = s.get(ChatSession, session_id)
            if row is not None:
                s.delete(row)

    def set_feedback(self, session_id: str, message_id: int, vote: int) -> bool:
        with self.db.session() as s:
            m = s.get(ChatMessage, message_id)
            if m is None or m.session_id != session_id or m.role != "bot":
                return False
            m.feedback = vote
            return True

    # ---- delivery of adviser messages by channels that push (Telegram) -------------------
    def undelivered(self, channel: str,
                    roles: tuple[str, ...] = ("adviser",)) -> list[tuple[StoredMessage, str | None]]:
        """Messages with those roles not yet delivered, on sessions of ``channel``, oldest first, each with the
        session's external id (e.g. the Telegram chat id). Mark each with :meth:`mark_delivered` once sent."""
        with self.db.session() as s:
            rows = s.execute(
                select(ChatMessage, ChatSession.external_id)
                .join(ChatSession, ChatSession.id == ChatMessage.session_id)
                .where(ChatSession.channel == channel, ChatMessage.role.in_(roles), ChatMessage.delivered_at.is_(None))
                .order_by(ChatMessage.id)
            ).all()
            return [(_stored(m), external_id) for m, external_id in rows]

    def claim_delivery(self, message_id: int) -> bool:
        """Mark the message delivered if nobody has yet: True for the one caller (of any worker) that must now
        send it; a failed send hands it back with :meth:`release_delivery`."""
        with self.db.session() as s:
            done = s.execute(update(ChatMessage).where(ChatMessage.id == message_id,
                                                       ChatMessage.delivered_at.is_(None))
                             .values(delivered_at=utcnow()))
            return getattr(done, "rowcount", 0) == 1

    def release_delivery(self, message_id: int) -> None:
        with self.db.session() as s:
            s.execute(update(ChatMessage).where(ChatMessage.id == message_id).values(delivered_at=None))

    def mark_delivered(self, message_id: int) -> bool:
        """Record that a message was delivered; False when there is no such message."""
        with self.db.session() as s:
            m = s.get(ChatMessage, message_id)
            if m is None:
                return False
            if m.delivered_at is None:
                m.delivered_at = utcnow()
            return True
