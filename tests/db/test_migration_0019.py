"""Migration 0019: a notice's withdrawal columns come and go on a store holding notices, which stay; the model and
the migration agree column for column."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from migration_support import alembic, migrate_as_at_start_up

from db.base import Base


def columns(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[1] for r in conn.execute("PRAGMA table_info(alert_notices)")}


def test_migration_0019_up_down_up(tmp_path: Path) -> None:
    path = tmp_path / "qifa.db"
    url = f"sqlite:///{path}"
    command.upgrade(alembic(url), "0018")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO alert_notices (title, body, topics, links, change, created_by, created_at, "
                     "recipients) VALUES ('t', 'b', '[\"labour\"]', '[]', 'notice', 'chen', '2026-12-01 10:00:00', 3)")
    assert "withdrawn_at" not in columns(path)
    migrate_as_at_start_up(url)
    assert columns(path) == set(Base.metadata.tables["alert_notices"].columns.keys())
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT title, recipients, withdrawn_at FROM alert_notices").fetchall() == [("t", 3, None)]
    command.downgrade(alembic(url), "0018")
    assert "withdrawn_at" not in columns(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT title FROM alert_notices").fetchall() == [("t",)]
    command.upgrade(alembic(url), "head")
    assert {"withdrawn_at", "withdrawn_by"} <= columns(path)
