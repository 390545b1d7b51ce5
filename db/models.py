"""Every table, imported in one place so that Alembic and ``create_all`` see them all."""

from db.models_chat import ChatMessage, ChatSession, Handoff
from db.models_kb import KbChunk, KbDocument, KbMeta

__all__ = ["ChatMessage", "ChatSession", "Handoff", "KbChunk", "KbDocument", "KbMeta"]
