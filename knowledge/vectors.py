"""Dense vectors in Chroma (embedded ``PersistentClient`` or a server by URL), cosine space.

Every add and query passes embeddings explicitly, so Chroma never loads a model of its own. The model
id and dimension are kept in the collection's metadata; opening it with another model is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np


class IndexModelMismatch(RuntimeError):
    """The index was built with another embedding model."""


def chroma_client(url: str | None, path: Path | None) -> Any:
    """The one place a Chroma client is built: a server by URL (http or https), else embedded at ``path``."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if url:
        u = urlparse(url)
        return chromadb.HttpClient(
            host=u.hostname or "localhost",
            port=u.port or (443 if u.scheme == "https" else 8000),
            ssl=u.scheme == "https",
            settings=chroma_settings,
        )
    if path is None:
        raise ValueError("an embedded Chroma index needs a path (or give QIFA_CHROMA_URL)")
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


class VectorStore:
    def __init__(
        self, collection: str, model_id: str, dimension: int, path: Path | None = None, url: str | None = None
    ) -> None:
        self.client: Any = chroma_client(url, path)
        self.path = None if url else path
        self.name = collection
        self.model_id = model_id
        self.dimension = dimension
        self.collection = self.client.get_or_create_collection(
            collection,
            configuration={"hnsw": {"space": "cosine"}},
            metadata={"embedding_model": model_id, "dimension": dimension},
            embedding_function=None,
        )
        meta = self.collection.metadata or {}
        stored = (meta.get("embedding_model"), meta.get("dimension"))
        if stored != (model_id, dimension):
            raise IndexModelMismatch(
                f"the index was built with embedding model '{stored[0]}' ({stored[1]} dimensions), "
                f"but QIFA_EMBEDDING_MODEL is '{model_id}' ({dimension} dimensions). Mixing models would "
                "ruin retrieval. Rebuild the index with: qifa ingest --rebuild"
            )

    def reopen(self) -> None:
        """Open the embedded store afresh: a ``PersistentClient`` keeps its vector index in memory and does
        not see vectors another process wrote until the store is opened again (a server needs nothing)."""
        if self.path is None:
            return
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient._identifier_to_system.pop(str(self.path), None)
        SharedSystemClient._identifier_to_refcount.pop(str(self.path), None)
        self.client = chroma_client(None, self.path)
        self.collection = self.client.get_collection(self.name)

    def count(self) -> int:
        return int(self.collection.count())

    def upsert(self, ids: list[str], vectors: np.ndarray, metadatas: list[dict[str, Any]]) -> None:
        for start in range(0, len(ids), 1000):
            end = start + 1000
            self.collection.upsert(
                ids=ids[start:end], embeddings=vectors[start:end].tolist(), metadatas=metadatas[start:end]
            )

    def existing(self, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(ids), 1000):
            got = self.collection.get(ids=ids[start : start + 1000], include=[])
            found.update(got["ids"])
        return found

    def delete(self, ids: list[str]) -> None:
        for start in range(0, len(ids), 1000):
            self.collection.delete(ids=ids[start : start + 1000])

    def all_ids(self) -> set[str]:
        return set(self.collection.get(include=[])["ids"])

    def query(self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None) -> list[tuple[str, float]]:
        if k <= 0:
            return []
        res = self.collection.query(
            query_embeddings=[vector.tolist()], n_results=k, where=where, include=["distances"]
        )
        ids = res["ids"][0]
        dists = (res.get("distances") or [[1.0] * len(ids)])[0]
        return [(i, 1.0 - float(d)) for i, d in zip(ids, dists, strict=True)]
