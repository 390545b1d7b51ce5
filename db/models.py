"""Every table, imported in one place so that Alembic and ``create_all`` see them all."""

from db.models_kb import KbChunk, KbDocument, KbMeta

__all__ = ["KbChunk", "KbDocument", "KbMeta"]
