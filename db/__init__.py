"""SQL storage shared by every layer: engine, session factory, models and migrations; ``open_database``."""

from db.engine import Database, DataDirError, open_database

__all__ = ["DataDirError", "Database", "open_database"]
