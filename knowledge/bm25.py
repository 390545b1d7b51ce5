"""Okapi BM25 over pre-tokenised chunks, as one sparse matrix (fast to score, fast to rebuild).

:class:`Bm25Builder` takes the chunks one at a time and keeps only integer arrays (term ids, counts), so
building the index of 170,000 chunks never holds their tokens as Python strings all at once (which left the
process hundreds of MB larger after the build, in memory the allocator could not give back)."""

from __future__ import annotations

from array import array
from collections import Counter

import numpy as np
from scipy import sparse

K1 = 1.2  # term-frequency saturation
B = 0.5  # length normalisation (articles vary from one line to a page)


class Bm25Builder:
    """Collects (chunk, term, count) triples; ``build`` weighs them into a :class:`Bm25Index`."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.rows = array("i")
        self.cols = array("i")
        self.tf = array("f")
        self.lengths = array("f")

    def add(self, tokens: list[str]) -> None:
        i = len(self.lengths)
        vocab = self.vocab
        for term, tf in Counter(tokens).items():
            self.rows.append(i)
            self.cols.append(vocab.setdefault(term, len(vocab)))
            self.tf.append(tf)
        self.lengths.append(len(tokens))

    def build(self, ids: list[str], k1: float | None = None, b: float | None = None) -> Bm25Index:
        if len(ids) != len(self.lengths):
            raise ValueError(f"{len(ids)} ids for {len(self.lengths)} chunks")
        k1 = K1 if k1 is None else k1
        b = B if b is None else b
        n, n_terms = len(ids), len(self.vocab)
        lengths = np.array(self.lengths, dtype=np.float32)
        rows = np.array(self.rows, dtype=np.int64)
        cols = np.array(self.cols, dtype=np.int64)
        tf = np.array(self.tf, dtype=np.float32)
        avg = float(lengths.mean()) if n else 1.0
        df = np.bincount(cols, minlength=n_terms)
        idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
        weights: np.ndarray = tf
        if len(rows):
            norm = k1 * (1 - b + b * lengths[rows] / max(avg, 1e-9))
            weights = idf[cols] * tf * (k1 + 1) / (tf + norm)
        matrix = sparse.csc_matrix((weights, (rows, cols)), shape=(n, n_terms), dtype=np.float32)
        return Bm25Index.from_parts(ids, self.vocab, idf, matrix)


class Bm25Index:
    ids: list[str]
    vocab: dict[str, int]
    idf: np.ndarray
    n_docs: int
    matrix: sparse.csc_matrix

    def __init__(self, ids: list[str], docs: list[list[str]], k1: float | None = None, b: float | None = None,
                 ) -> None:
        builder = Bm25Builder()
        for doc in docs:
            builder.add(doc)
        built = builder.build(ids, k1, b)
        self.ids, self.vocab, self.idf, self.n_docs, self.matrix = (
            built.ids, built.vocab, built.idf, built.n_docs, built.matrix)

    @classmethod
    def from_parts(cls, ids: list[str], vocab: dict[str, int], idf: np.ndarray, matrix: sparse.csc_matrix,
                   ) -> Bm25Index:
        """An index from its weighed parts (a builder's, or the ones kept on disk by knowledge.snapshot)."""
        index = cls.__new__(cls)
        index.ids, index.vocab, index.idf, index.n_docs, index.matrix = ids, vocab, idf, len(ids), matrix
        return index

    def __len__(self) -> int:
        return len(self.ids)

    def scores(self, query: list[str] | dict[str, float]) -> np.ndarray:
        """Each chunk's score: the sum over the query's terms (each once), or the weighted sum when ``query`` maps
        terms to weights (the weighted scores of ``scores_both``, without the plain ones)."""
        weights = query if isinstance(query, dict) else dict.fromkeys(query, 1.0)
        return self._sums(weights, plain=False)[0]

    def scores_both(self, weights: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
        """The weighted scores and the plain ones (each term once, weight 1) from one pass over the terms' columns.

        The sums are the sparse product's, float for float (float32, term by term in ``weights``' order, each
        column's entries in stored order), read from the matrix's arrays without building a sliced matrix (which
        cost more than the arithmetic for a question's dozen terms)."""
        weighted, plain = self._sums(weights, plain=True)
        assert plain is not None
        return weighted, plain

    def _sums(self, weights: dict[str, float], plain: bool) -> tuple[np.ndarray, np.ndarray | None]:
        n = len(self.ids)
        cols = [self.vocab[t] for t in weights if t in self.vocab]
        if not cols or not n:
            return np.zeros(n, dtype=np.float32), np.zeros(n, dtype=np.float32) if plain else None
        m = self.matrix
        col = np.array(cols, dtype=np.int64)
        starts, ends = m.indptr[col], m.indptr[col + 1]
        lens = ends - starts
        total = int(lens.sum())
        # the entries of the chosen columns, column after column: start of its column + place within it
        idx = np.repeat(starts - np.cumsum(lens) + lens, lens) + np.arange(total)
        rows, data = m.indices[idx], m.data[idx]
        w = np.array([weights[t] for t in weights if t in self.vocab], dtype=np.float32)
        weighted = np.zeros(n, dtype=np.float32)
        np.add.at(weighted, rows, data * np.repeat(w, lens))
        if not plain:
            return weighted, None
        plain_sums = np.zeros(n, dtype=np.float32)
        np.add.at(plain_sums, rows, data)
        return weighted, plain_sums

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
