"""Migration 0022 seeds the knowledge base's version counter ('' = no write yet) in a store that has none, leaves a
counter that moved as it is, and on the way down removes only its own seed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from migration_support import alembic, migrate_as_at_start_up


def counter(path: Path) -> list[tuple[str]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT value FROM kb_meta WHERE key = 'kb_version'").fetchall()


def test_migration_0022_seeds_a_missing_counter_and_removes_only_its_seed(tmp_path: Path) -> None:
    path = tmp_path / "qifa.db"
    url = f"sqlite:///{path}"
    command.upgrade(alembic(url), "0021")
    assert counter(path) == []
    migrate_as_at_start_up(url)
    assert counter(path) == [("",)]
    command.downgrade(alembic(url), "0021")
    assert counter(path) == []


def test_migration_0022_keeps_a_counter_that_moved(tmp_path: Path) -> None:
    path = tmp_path / "qifa.db"
    url = f"sqlite:///{path}"
    command.upgrade(alembic(url), "0021")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO kb_meta (key, value) VALUES ('kb_version', '12')")
    migrate_as_at_start_up(url)
    assert counter(path) == [("12",)]
    command.downgrade(alembic(url), "0021")
    assert counter(path) == [("12",)]
    command.upgrade(alembic(url), "head")
    assert counter(path) == [("12",)]
