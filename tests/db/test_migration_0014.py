"""Migration 0014: the self-check reports table comes and goes on a store holding conversations, which stay;
the model and the migration agree column for column; deleting a session deletes its reports."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from migration_support import alembic, migrate_as_at_start_up, tables

from db.base import Base

TABLE = "checkup_reports"


def test_migration_0014_up_down_up(tmp_path: Path) -> None:
    path = tmp_path / "qifa.db"
    url = f"sqlite:///{path}"
    command.upgrade(alembic(url), "0011")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO chat_sessions (id, channel, lang, state, created_at, updated_at) "
                     "VALUES ('s1', 'web', 'zh', '{}', '2026-12-01 10:00:00', '2026-12-01 10:00:00')")
    assert TABLE not in tables(path)
    migrate_as_at_start_up(url)
    assert TABLE in tables(path)
    with sqlite3.connect(path) as conn:
        have = {r[1] for r in conn.execute(f"PRAGMA table_info({TABLE})")}
        assert have == set(Base.metadata.tables[TABLE].columns.keys())
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute(f"INSERT INTO {TABLE} (session_id, checkup_id, industry, lang, level, score, answers, report, "
                     "created_at) VALUES ('s1', 'general', '通用', 'zh', '低风险', 0, '{}', '{}', "
                     "'2026-12-01 10:00:00')")
        conn.execute("DELETE FROM chat_sessions WHERE id = 's1'")
        assert conn.execute(f"SELECT count(*) FROM {TABLE}").fetchone() == (0,)
        conn.execute("INSERT INTO chat_sessions (id, channel, lang, state, created_at, updated_at) "
                     "VALUES ('s2', 'web', 'zh', '{}', '2026-12-01 10:00:00', '2026-12-01 10:00:00')")
    command.downgrade(alembic(url), "0011")
    assert TABLE not in tables(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM chat_sessions").fetchone() == (1,)
    command.upgrade(alembic(url), "head")
    assert TABLE in tables(path)
