"""Migration 0015: the alert tables (subscriptions, notices, deliveries, document topics) come and go on a store
holding conversations, which stay; the models and the migration agree column for column, and the database
itself refuses a second delivery of one notice to one subscriber."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from migration_support import alembic, migrate_as_at_start_up, tables

from db.base import Base

TABLES = {"alert_subscriptions", "alert_notices", "alert_deliveries", "alert_document_topics"}


def test_migration_0015_up_down_up(tmp_path: Path) -> None:
    path = tmp_path / "qifa.db"
    url = f"sqlite:///{path}"
    command.upgrade(alembic(url), "0011")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO chat_sessions (id, channel, lang, state, created_at, updated_at) VALUES "
                     "('s1', 'web', 'zh', '{}', '2026-12-01 10:00:00', '2026-12-01 10:00:00')")
    assert not TABLES & tables(path)
    migrate_as_at_start_up(url)
    assert tables(path) >= TABLES
    with sqlite3.connect(path) as conn:
        for table in TABLES:
            have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
            assert have == set(Base.metadata.tables[table].columns.keys()), table
        conn.execute("INSERT INTO alert_notices (id, title, body, topics, links, change, created_by, created_at, "
                     "recipients) VALUES (1, 't', 'b', '[]', '[]', 'notice', 'chen', '2026-12-01', 0)")
        row = ("INSERT INTO alert_deliveries (notice_id, session_id, channel, status, attempts, next_attempt_at) "
               "VALUES (1, 's1', 'web', 'pending', 0, '2026-12-01')")
        conn.execute(row)
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            conn.execute(row)
    command.downgrade(alembic(url), "0011")
    assert not TABLES & tables(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM chat_sessions").fetchone() == (1,)
    command.upgrade(alembic(url), "head")
    assert tables(path) >= TABLES
