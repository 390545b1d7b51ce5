"""Migration 0018: the table of webhook updates taken comes and goes on a store holding conversations, which stay;
the model and the migration agree column for column."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from migration_support import alembic, migrate_as_at_start_up, tables

from db.base import Base


def test_migration_0018_up_down_up(tmp_path: Path) -> None:
    path = tmp_path / "qifa.db"
    url = f"sqlite:///{path}"
    command.upgrade(alembic(url), "0017")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO chat_sessions (id, channel, lang, state, created_at, updated_at) VALUES "
                     "('s1', 'telegram', 'zh', '{}', '2026-12-01 10:00:00', '2026-12-01 10:00:00')")
    assert "telegram_updates" not in tables(path)
    migrate_as_at_start_up(url)
    with sqlite3.connect(path) as conn:
        have = {r[1] for r in conn.execute("PRAGMA table_info(telegram_updates)")}
        conn.execute("INSERT INTO telegram_updates (update_id, received_at) VALUES (7, '2026-12-02 10:00:00')")
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("INSERT INTO telegram_updates (update_id, received_at) VALUES (7, '2026-12-02 10:00:01')")
    assert have == set(Base.metadata.tables["telegram_updates"].columns.keys())
    command.downgrade(alembic(url), "0017")
    assert "telegram_updates" not in tables(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT id FROM chat_sessions").fetchall() == [("s1",)]
    command.upgrade(alembic(url), "head")
    assert "telegram_updates" in tables(path)
