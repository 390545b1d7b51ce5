"""Migration 0012: curators' intent examples, and an upload's metadata and resumption, come and go on a store
holding an upload, which stays; the models and the migration agree column for column."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from migration_support import migrate_as_at_start_up
from test_migration_0011 import alembic, tables

from db.base import Base


def columns(path: Path, table: str) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}


def test_migration_0012_up_down_up(tmp_path: Path) -> None:
    path = tmp_path / "qifa.db"
    url = f"sqlite:///{path}"
    command.upgrade(alembic(url), "0011")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO kb_uploads (document_id, filename, sha256, size_bytes, uploaded_by, state, "
                     "chunks_total, chunks_done, created_at) VALUES ('d1', 'a.md', 'h', 1, 'chen', 'queued', 3, 0, "
                     "'2026-12-01 10:00:00')")
    assert "intent_examples" not in tables(path) and "meta" not in columns(path, "kb_uploads")
    migrate_as_at_start_up(url)
    for table in ("intent_examples", "kb_uploads"):
        assert columns(path, table) == set(Base.metadata.tables[table].columns.keys()), table
    command.downgrade(alembic(url), "0011")
    assert "intent_examples" not in tables(path)
    assert not {"meta", "resumed_at"} & columns(path, "kb_uploads")
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT document_id, state FROM kb_uploads").fetchall() == [("d1", "queued")]
    command.upgrade(alembic(url), "head")
    assert "intent_examples" in tables(path)
