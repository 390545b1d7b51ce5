"""New chat messages announced on PostgreSQL (``NOTIFY qifa_messages, '<session id>'``), so an event stream held
by one worker wakes as soon as another worker stores a message in its conversation.

Every ORM insert of a chat message sends the notification in its own transaction (PostgreSQL delivers it at
commit, never for a rolled-back message). :class:`MessageListener` holds one ``LISTEN`` connection per worker,
in a thread, and hands each session id to a callback; it reconnects after a failure. SQLite has neither:
streams there read the store on a short poll (one process serves a SQLite file).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from db.models_chat import ChatMessage

log = logging.getLogger("qifa.notify")
CHANNEL = "qifa_messages"
RECONNECT_S = 2.0


def _announce(_mapper: Any, connection: Any, target: ChatMessage) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_notify(:c, :s)"), {"c": CHANNEL, "s": target.session_id})


event.listen(ChatMessage, "after_insert", _announce)


def libpq_dsn(sqlalchemy_url: str) -> str:
    """``postgresql+psycopg://…`` as psycopg's own connection string."""
    return make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)


class MessageListener:
    """``LISTEN qifa_messages`` in a daemon thread; ``on_message(session_id)`` runs in that thread."""

    def __init__(self, sqlalchemy_url: str, on_message: Callable[[str], None]) -> None:
        self.dsn = libpq_dsn(sqlalchemy_url)
        self.on_message = on_message
        self.listening = threading.Event()  # set while the LISTEN connection is up
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="qifa-listen", daemon=True)

    def start(self) -> MessageListener:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(self.dsn, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=1.0):
                            self.on_message(note.payload)
            except Exception:  # the database went away: streams fall back to polling until we are back
                log.warning("LISTEN %s lost; reconnecting in %.0f s", CHANNEL, RECONNECT_S, exc_info=True)
            finally:
                self.listening.clear()
            self._stop.wait(RECONNECT_S)
