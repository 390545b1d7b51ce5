"""Migration 0023: chat_messages.parts (a reply's rich parts) comes and goes on a store holding messages, which stay;
the model and the migration agree column for column."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from migration_support import alembic, migrate_as_at_start_up

from db.base import Base


def columns(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[1] for r in conn.execute("PRAGMA table_info(chat_messages)")}


def test_migration_0023_up_down_up(tmp_path: Path) -> None:
    path = tmp_path / "qifa.db"
    url = f"sqlite:///{path}"
    command.upgrade(alembic(url), "0022")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO chat_sessions (id, channel, lang, state, created_at, updated_at) "
                     "VALUES ('s1', 'web', 'zh', '{}', '2026-12-03 10:00:00', '2026-12-03 10:00:00')")
        conn.execute("INSERT INTO chat_messages (session_id, role, text, citations, created_at) "
                     "VALUES ('s1', 'bot', '您好', '[]', '2026-12-03 10:00:00')")
    assert "parts" not in columns(path)
    migrate_as_at_start_up(url)
    assert columns(path) == set(Base.metadata.tables["chat_messages"].columns.keys())
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT text, parts FROM chat_messages").fetchall() == [("您好", None)]
        conn.execute("UPDATE chat_messages SET parts = '{\"suggestions\": []}'")
    command.downgrade(alembic(url), "0022")
    assert "parts" not in columns(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT text FROM chat_messages").fetchall() == [("您好",)]
    command.upgrade(alembic(url), "head")
    assert "parts" in columns(path)
