"""Migration 0005: document metadata columns added to kb_documents on a store holding documents, and back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from migration_support import alembic, migrate_as_at_start_up

ADDED = {"title_en", "category", "issuer", "url", "pack"}


def columns(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[1] for r in conn.execute("PRAGMA table_info(kb_documents)")}


def test_migration_0005_keeps_every_document_and_goes_back(tmp_path: Path) -> None:
    path = tmp_path / "qifa.db"
    url = f"sqlite:///{path}"
    command.upgrade(alembic(url), "0006")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO kb_documents (id, title, source, kind, active, content_hash, size_bytes, "
                     "chunk_count, created_at, updated_at) VALUES ('d1', '劳动法', '/x/劳动法.md', 'statute', 1, "
                     "'h', 1, 0, '2026-12-01 10:00:00', '2026-12-01 10:00:00')")
    assert not ADDED & columns(path)
    migrate_as_at_start_up(url)
    assert columns(path) >= ADDED
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT id, title, title_en, pack FROM kb_documents").fetchall() == [
            ("d1", "劳动法", None, None)]
    command.downgrade(alembic(url), "0006")
    assert not ADDED & columns(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM kb_documents").fetchone() == (1,)
