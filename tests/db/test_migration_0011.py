"""Migration 0011: the curation tables (uploads, audit log, FAQs, review decisions) come and go on a store
holding documents, which stay; the models and the migration agree column for column."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from migration_support import alembic, migrate_as_at_start_up, tables

from db.base import Base

TABLES = {"kb_uploads", "audit_log", "faqs", "review_decisions", "catalogue_edits",
          "review_marks"}


def test_migration_0011_up_down_up(tmp_path: Path) -> None:
    path = tmp_path / "qifa.db"
    url = f"sqlite:///{path}"
    command.upgrade(alembic(url), "0009")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO kb_documents (id, title, source, kind, active, content_hash, size_bytes, "
                     "chunk_count, created_at, updated_at) VALUES ('d1', '劳动法', '/x/劳动法.md', 'statute', 1, "
                     "'h', 1, 0, '2026-12-01 10:00:00', '2026-12-01 10:00:00')")
    assert not TABLES & tables(path)
    migrate_as_at_start_up(url)
    assert tables(path) >= TABLES
    with sqlite3.connect(path) as conn:
        for table in TABLES:
            have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
            assert have == set(Base.metadata.tables[table].columns.keys()), table
    command.downgrade(alembic(url), "0009")
    assert not TABLES & tables(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM kb_documents").fetchone() == (1,)
    command.upgrade(alembic(url), "head")
    assert tables(path) >= TABLES
