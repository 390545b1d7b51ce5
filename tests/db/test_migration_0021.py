"""Migration 0021: the knowledge base's change journal comes and goes on a store holding documents, which stay; the
model and the migration agree column for column."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from migration_support import alembic, migrate_as_at_start_up

from db.base import Base


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def columns(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[1] for r in conn.execute("PRAGMA table_info(kb_changes)")}


def test_migration_0021_up_down_up(tmp_path: Path) -> None:
    path = tmp_path / "qifa.db"
    url = f"sqlite:///{path}"
    command.upgrade(alembic(url), "0020")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO kb_meta (key, value) VALUES ('kb_version', '12')")
    assert "kb_changes" not in tables(path)
    migrate_as_at_start_up(url)
    assert columns(path) == set(Base.metadata.tables["kb_changes"].columns.keys())
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO kb_changes (version, added, removed, everything, created_at) "
                     "VALUES (13, 'a', '', 0, '2026-12-02 10:00:00')")
    command.downgrade(alembic(url), "0020")
    assert "kb_changes" not in tables(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT value FROM kb_meta").fetchall() == [("12",)]
    command.upgrade(alembic(url), "head")
    assert "kb_changes" in tables(path)
