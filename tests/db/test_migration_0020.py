"""Migration 0020: a delivery's Telegram message ids come and go on a store holding deliveries, which stay; the
model and the migration agree column for column."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from migration_support import alembic, migrate_as_at_start_up

from db.base import Base


def columns(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[1] for r in conn.execute("PRAGMA table_info(alert_deliveries)")}


def test_migration_0020_up_down_up(tmp_path: Path) -> None:
    path = tmp_path / "qifa.db"
    url = f"sqlite:///{path}"
    command.upgrade(alembic(url), "0019")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO alert_notices (id, title, body, topics, links, change, created_by, created_at, "
                     "recipients) VALUES (1, 't', 'b', '[\"labour\"]', '[]', 'notice', 'chen', "
                     "'2026-12-01 10:00:00', 1)")
        conn.execute("INSERT INTO chat_sessions (id, channel, external_id, lang, state, created_at, updated_at) "
                     "VALUES ('s1', 'telegram', '515151', 'zh', '{}', '2026-12-01 10:00:00', '2026-12-01 10:00:00')")
        conn.execute("INSERT INTO alert_deliveries (notice_id, session_id, channel, status, attempts, "
                     "next_attempt_at) VALUES (1, 's1', 'telegram', 'sent', 1, '2026-12-01 10:00:00')")
    assert "message_ids" not in columns(path)
    migrate_as_at_start_up(url)
    assert columns(path) == set(Base.metadata.tables["alert_deliveries"].columns.keys())
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT status, message_ids FROM alert_deliveries").fetchall() == [("sent", None)]
    command.downgrade(alembic(url), "0019")
    assert "message_ids" not in columns(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT status FROM alert_deliveries").fetchall() == [("sent",)]
    command.upgrade(alembic(url), "head")
    assert "message_ids" in columns(path)
