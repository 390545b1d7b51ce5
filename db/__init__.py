"""SQL storage shared by every layer: engine, session factory, models and migrations; ``open_database``."""

from db import notify  # noqa: F401  (chat message inserts announce themselves on PostgreSQL)
from db.engine import Database, DataDirError, open_database

__all__ = ["DataDirError", "Database", "open_database"]
