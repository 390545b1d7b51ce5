"""Coverage-aware order of the first hybrid results: the first COVER_POOL chunks are picked again one at a time,
each scoring its hybrid score plus COVER_GAIN for every key term of the question it holds that no chunk picked
before it holds (a term weighed by its IDF over the rarest term's IDF, so a rare term counts 1 and a common one
little).

A question often joins two things ("员工被拖欠的工资" and "破产"), and the top five can fill with near copies of one
side (five articles on wages, none on bankruptcy) while the article that has both sits sixth. Here a chunk that only
repeats terms already covered gains nothing, and one that brings a missing rare key term gains COVER_GAIN, which is
small next to the hybrid score (best chunk about 1), so only near ties change places. The question's terms are its
weighted BM25 terms (knowledge.termweights); only their presence in the chunk's text counts, not how often."""

from __future__ import annotations

import numpy as np

from knowledge.bm25 import Bm25Index

COVER_GAIN = 0.15
COVER_POOL = 10  # how many of the first results are re-ordered


def holds(index: Bm25Index, cols: list[int], top: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``has[i, j]``: whether chunk ``top[i]`` holds the term of vocabulary column ``cols[j]``; and each term's IDF
    over the rarest one's (a rare term 1, a common one little)."""
    m = index.matrix
    has = np.zeros((len(top), len(cols)), dtype=bool)
    for j, col in enumerate(cols):
        rows = m.indices[m.indptr[col]:m.indptr[col + 1]]  # the chunks holding the term
        if not m.has_sorted_indices:  # (built and loaded indexes keep them sorted: the fast path below)
            has[:, j] = np.isin(top, rows)
        elif len(rows):
            at = np.minimum(np.searchsorted(rows, top), len(rows) - 1)
            has[:, j] = rows[at] == top
    idf = index.idf[cols].astype(np.float64)
    return has, idf / (idf.max() or 1.0)


def cover(index: Bm25Index, terms: dict[str, float], ranked: np.ndarray, score: np.ndarray,
          ) -> tuple[np.ndarray, np.ndarray]:
    """``ranked``: chunk positions, best first by ``score``. Returns them with the first COVER_POOL in
    coverage-aware order, and the scores with each of those raised by what it gained when picked (so the scores
    still fall along the new order: a pick's gain only shrinks as more terms are covered)."""
    top = ranked[:COVER_POOL]
    cols = [index.vocab[t] for t in terms if t in index.vocab]
    if len(top) < 2 or not cols:
        return ranked, score
    has, idf = holds(index, cols, top)
    base = score[top].astype(np.float64)
    covered = np.zeros(len(cols), dtype=bool)
    free = np.ones(len(top), dtype=bool)
    picked: list[int] = []
    raised = score.copy()
    for _ in range(len(top)):
        gains = np.where(free, base + COVER_GAIN * ((has & ~covered) @ idf), -np.inf)
        best = int(np.argmax(gains))
        picked.append(best)
        free[best] = False
        raised[top[best]] = gains[best]
        covered |= has[best]
    return np.concatenate([top[picked], ranked[COVER_POOL:]]), raised
