"""Migration 0017: curators' questionnaire edits come and go on a store holding self-check reports, which stay;
the model and the migration agree column for column."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from migration_support import alembic, migrate_as_at_start_up, tables

from db.base import Base


def test_migration_0017_up_down_up(tmp_path: Path) -> None:
    path = tmp_path / "qifa.db"
    url = f"sqlite:///{path}"
    command.upgrade(alembic(url), "0015")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO chat_sessions (id, channel, lang, state, created_at, updated_at) VALUES "
                     "('s1', 'web', 'zh', '{}', '2026-12-01 10:00:00', '2026-12-01 10:00:00')")
        conn.execute("INSERT INTO checkup_reports (session_id, checkup_id, industry, lang, level, score, answers, "
                     "report, created_at) VALUES ('s1', 'crystal', '水晶', 'zh', '低风险', 0, '{}', '{}', "
                     "'2026-12-01 10:00:00')")
    assert "checkup_edits" not in tables(path)
    migrate_as_at_start_up(url)
    with sqlite3.connect(path) as conn:
        have = {r[1] for r in conn.execute("PRAGMA table_info(checkup_edits)")}
        conn.execute("INSERT INTO checkup_edits (checkup_id, source, edited_by, edited_at) VALUES "
                     "('crystal', 'version: 1', 'chen', '2026-12-02 10:00:00')")
    assert have == set(Base.metadata.tables["checkup_edits"].columns.keys())
    command.downgrade(alembic(url), "0015")
    assert "checkup_edits" not in tables(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT checkup_id FROM checkup_reports").fetchall() == [("crystal",)]
    command.upgrade(alembic(url), "head")
    assert "checkup_edits" in tables(path)
