"""SQL storage shared by every layer: engine, session factory, models and migrations."""

from db.engine import Database

__all__ = ["Database"]
