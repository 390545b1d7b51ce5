"""Okapi BM25 over pre-tokenised chunks, as one sparse matrix (fast to score, fast to rebuild)."""

from __future__ import annotations

from collections import Counter

import numpy as np
from scipy import sparse

K1 = 1.2  # term-frequency saturation
B = 0.5  # length normalisation (articles vary from one line to a page)


class Bm25Index:
    def __init__(self, ids: list[str], docs: list[list[str]], k1: float | None = None, b: float | None = None,
                 ) -> None:
        k1 = K1 if k1 is None else k1
        b = B if b is None else b
        self.ids = ids
        vocab: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        lengths = np.array([len(d) for d in docs], dtype=np.float32)
        avg = float(lengths.mean()) if len(docs) else 1.0
        df: Counter[int] = Counter()
        for i, doc in enumerate(docs):
            counts = Counter(doc)
            for term, tf in counts.items():
                j = vocab.setdefault(term, len(vocab))
                df[j] += 1
                rows.append(i)
                cols.append(j)
                vals.append(float(tf))
        n = len(docs)
        idf = np.zeros(len(vocab), dtype=np.float32)
        for j, d in df.items():
            idf[j] = np.log(1.0 + (n - d + 0.5) / (d + 0.5))
        tf_arr = np.array(vals, dtype=np.float32)
        norm = k1 * (1 - b + b * lengths[np.array(rows, dtype=np.int64)] / max(avg, 1e-9)) if rows else tf_arr
        weights = idf[np.array(cols, dtype=np.int64)] * tf_arr * (k1 + 1) / (tf_arr + norm) if rows else tf_arr
        self.vocab = vocab
        self.idf = idf
        self.n_docs = n
        self.matrix = sparse.csc_matrix((weights, (rows, cols)), shape=(n, len(vocab)), dtype=np.float32)

    def __len__(self) -> int:
        return len(self.ids)

    def scores(self, query: list[str] | dict[str, float]) -> np.ndarray:
        """Each chunk's score: the sum over the query's terms (each once), or the weighted sum when ``query`` maps
        terms to weights."""
        weights = query if isinstance(query, dict) else dict.fromkeys(query, 1.0)
        known = [t for t in weights if t in self.vocab]
        if not known or not self.ids:
            return np.zeros(len(self.ids), dtype=np.float32)
        w = np.array([weights[t] for t in known], dtype=np.float32)
        return np.asarray(self.matrix[:, [self.vocab[t] for t in known]] @ w).ravel()

    def top(self, query: list[str] | dict[str, float], k: int, allowed: np.ndarray | None = None,
            ) -> list[tuple[int, float]]:
        s = self.scores(query)
        if allowed is not None:
            s = np.where(allowed, s, 0.0)
        k = min(k, int((s > 0).sum()))
        if k <= 0:
            return []
        idx = np.argpartition(-s, k - 1)[:k]
        idx = idx[np.argsort(-s[idx])]
        return [(int(i), float(s[i])) for i in idx]
