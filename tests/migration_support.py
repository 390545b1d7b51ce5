"""Helpers shared by the migration tests: an alembic configuration for a database URL, and the tables of a
SQLite file. Plain functions, not a conftest (see chat_support.py for why)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.config import Config

from db import Database
from db.engine import MIGRATIONS


def alembic(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection_url"] = url
    return cfg


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def migrate_as_at_start_up(url: str) -> None:
    """Migrate the store to head the way the product does at start-up (``Database.migrate``, foreign keys on)."""
    database = Database(url)
    try:
        database.migrate()
    finally:
        database.dispose()
