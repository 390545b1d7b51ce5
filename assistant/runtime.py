"""Everything heavy, built once at start-up and handed to the channels."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.engine import Assistant
from config import Settings
from db import Database
from knowledge.base import KnowledgeBase
from knowledge.embeddings import QifaEmbeddings
from knowledge.factory import ensure_shipped, open_database, open_knowledge_base


@dataclass
class Runtime:
    settings: Settings
    db: Database
    kb: KnowledgeBase
    assistant: Assistant

    def close(self) -> None:
        self.db.dispose()


def build_runtime(
    settings: Settings, *, rebuild: bool = False, shipped: bool = True, embeddings: QifaEmbeddings | None = None
) -> Runtime:
    database = open_database(settings)
    kb = open_knowledge_base(settings, database, rebuild=rebuild, embeddings=embeddings)
    if shipped:
        ensure_shipped(kb, settings)
    return Runtime(settings=settings, db=database, kb=kb, assistant=Assistant(settings, kb))
