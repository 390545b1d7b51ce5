"""The knowledge base as a LangChain retriever, for chains and tools built on LangChain."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from knowledge.base import KnowledgeBase, Mode


class QifaRetriever(BaseRetriever):
    """Hybrid search of a :class:`KnowledgeBase`; each passage becomes a ``Document`` whose metadata holds
    the citation fields (title, source, locator, effective date, status, scores)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    kb: KnowledgeBase
    k: int = 5
    mode: Mode = "hybrid"

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **kwargs: Any
    ) -> list[Document]:
        out: list[Document] = []
        for p in self.kb.search(query, k=self.k, mode=self.mode):
            meta = {k: v for k, v in asdict(p).items() if k != "text" and v is not None}
            out.append(Document(page_content=p.text, metadata=meta, id=p.chunk_id))
        return out
