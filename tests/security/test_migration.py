"""Migration 0009 on a store with staff users and conversations: up keeps them (token version 0), down and up."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from migration_support import alembic, migrate_as_at_start_up


def test_0009_up_down_up_keeps_users_and_messages(tmp_path: Path) -> None:
    path = tmp_path / "qifa.db"
    url = f"sqlite:///{path}"
    command.upgrade(alembic(url), "0005")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO staff_users (name, role, password_hash, active, created_at) "
                     "VALUES ('wang', 'adviser', 'x', 1, '2026-11-30 10:00:00')")
        conn.execute("INSERT INTO chat_sessions (id, channel, lang, state, created_at, updated_at) "
                     "VALUES ('s1', 'web', 'zh', '{}', '2026-11-30 10:00:00', '2026-11-30 10:00:00')")
        conn.execute("INSERT INTO chat_messages (session_id, role, text, citations, created_at) "
                     "VALUES ('s1', 'user', '你好', '[]', '2026-11-30 10:00:00')")
    migrate_as_at_start_up(url)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT name, token_version FROM staff_users").fetchall() == [("wang", 0)]
        assert conn.execute("SELECT count(*) FROM chat_messages").fetchone() == (1,)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"sensitive_words", "moderation_events"} <= tables
    command.downgrade(alembic(url), "0005")
    with sqlite3.connect(path) as conn:
        assert "token_version" not in [r[1] for r in conn.execute("PRAGMA table_info(staff_users)")]
        assert conn.execute("SELECT count(*) FROM chat_messages").fetchone() == (1,)
        assert conn.execute("SELECT name FROM staff_users").fetchall() == [("wang",)]
    command.upgrade(alembic(url), "head")
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT name, token_version FROM staff_users").fetchall() == [("wang", 0)]
