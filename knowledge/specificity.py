"""Specificity of a court interpretation's article: when it holds terms of the question that no law or regulation
article among the first SPEC_POOL results holds, it gains SPEC_GAIN for each (a term weighed by its IDF over the
rarest term's, as in ``knowledge.coverage``), and the first results are put in order again.

The level prior (``knowledge.docrank.LEVEL_PRIOR``) puts the basic law above an interpretation saying about the same,
which is right for a question in the law's own words (诉讼时效期间为三年, 违约金过分高于损失). But an interpretation's
article often answers the narrower question the law's article leaves open: a debtor's repayment plan and the
limitation period, wages for overtime the worker must prove, interest when a loan contract named none. The question
then uses words the interpretation holds and no law article found beside it does. Lowering the level prior for every
interpretation instead was measured and lost general questions to interpretations repeating the law's terms
(bench/sweep_retrieval.py); here an interpretation gains only for words no law article near the top holds, so one
that repeats the law gains nothing."""

from __future__ import annotations

import numpy as np

from knowledge.bm25 import Bm25Index
from knowledge.coverage import holds
from knowledge.docrank import DocView

SPEC_GAIN = 0.1  # small next to the hybrid score (best chunk about 1): a near tie changes places, no far miss
SPEC_POOL = 20  # how many of the first results are looked at (the laws' terms are those of their articles here)


def specific(index: Bm25Index, view: DocView, terms: dict[str, float], ranked: np.ndarray, score: np.ndarray,
             ) -> tuple[np.ndarray, np.ndarray]:
    """``ranked``: chunk positions, best first by ``score``. Returns them with the first SPEC_POOL in order again
    after the interpretations' gains, and the scores with those gains added."""
    if SPEC_GAIN <= 0:
        return ranked, score
    top = ranked[:SPEC_POOL]
    kinds = view.chunk_levels(top)
    spc = kinds == "interpretation"
    law = (kinds == "law") | (kinds == "regulation")
    cols = [index.vocab[t] for t in terms if t in index.vocab]
    if not spc.any() or not law.any() or not cols:
        return ranked, score
    has, idf = holds(index, cols, top)
    own = has & ~has[law].any(axis=0)  # the terms an article holds that no law article in the pool holds
    gain = np.where(spc, SPEC_GAIN * (own @ idf), 0.0)
    if not gain.any():
        return ranked, score
    raised = score.copy()
    raised[top] = score[top] + gain
    return np.concatenate([top[np.argsort(-raised[top], kind="stable")], ranked[SPEC_POOL:]]), raised
