"""Helpers shared by the migration tests: an alembic configuration for a database URL, and the tables of a
SQLite file. Plain functions, not a conftest (see chat_support.py for why)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.config import Config

from db.engine import MIGRATIONS


def alembic(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection_url"] = url
    return cfg


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
