"""Questions about what a breach costs ("会怎么罚", "有什么后果", "what penalty are we facing"): the statutes answer
them in their liability chapter (法律责任, 罚则), one article per breach, far from the article that sets the duty. The
keyword, character and dense scores all favour the duty article (it shares the question's words about the act) and
rank the liability article of the same law in the middle, below the duty articles and the law's supervision
articles. So when a question asks for the sanction, the articles of the liability chapter of the laws found first
(the documents of the first LIABILITY_TOP results) gain LIABILITY_GAIN; articles of other laws gain nothing, so a
law the search did not find is never brought in, and among the liability articles the search's own order stands.

A question that only mentions a fine (罚款要在多少天内交, 能申请听证吗, 还能罚我们吗 about an old breach) asks about
the penalty procedure, not the sanction for a breach: the cue is a question for the sanction itself (怎么罚, 罚多少,
受什么处罚, 有什么后果, what penalty, what happens if)."""

from __future__ import annotations

import re

import numpy as np

from knowledge.bm25 import Bm25Index
from knowledge.docrank import DocView

LIABILITY_GAIN = 0.2  # next to the hybrid score (best chunk about 1)
LIABILITY_TOP = 5  # the laws of this many first results are the laws found
CHAPTER_TERMS = ("法律责任", "罚则")  # the liability chapter's title words (the heading is indexed with the article)

_CUE = re.compile(
    r"后果|(怎么|怎样|如何|什么|哪些)(样的?)?(处罚|罚|责任)|罚(款)?(多少|几)|会被(怎么|怎样)?罚|会受.{0,4}处罚"
    r"|\bwhat (penalt|fine|punishment|sanction|consequence|liabilit)|\bwhat happens if\b"
    r"|\b(penalt(y|ies)|fines?|punishment|sanctions?|consequences?) (are|is|do|does|would|will|could|can)"
    r" (we|i|they|the|our)\b"
    r"|\bhow (much|large|big|heavy)( (a|of a|is the))? (fine|penalty)\b|\b(maximum|max) (fine|penalty)\b",
    re.I,
)


def asks_sanction(query: str) -> bool:
    """Whether the question asks what sanction a breach brings (not how a penalty is decided, paid or appealed)."""
    return bool(_CUE.search(query))


def liable(index: Bm25Index, view: DocView, query: str, ranked: np.ndarray, score: np.ndarray,
           ) -> tuple[np.ndarray, np.ndarray]:
    """``ranked``: chunk positions, best first by ``score``. When the question asks for a sanction, each of them that
    belongs to a law of the first LIABILITY_TOP results and holds a liability chapter's title word gains
    LIABILITY_GAIN; returns them in order again and the scores with the gains."""
    if LIABILITY_GAIN <= 0 or len(ranked) < 2 or not asks_sanction(query):
        return ranked, score
    cols = [index.vocab[t] for t in CHAPTER_TERMS if t in index.vocab]
    if not cols:
        return ranked, score
    found = np.unique(view.doc_of[ranked[:LIABILITY_TOP]])
    mine = ranked[np.isin(view.doc_of[ranked], found)]
    m = index.matrix
    holders = np.concatenate([m.indices[m.indptr[c]:m.indptr[c + 1]] for c in cols])
    gaining = mine[np.isin(mine, holders)]
    if not len(gaining):
        return ranked, score
    raised = score.copy()
    raised[gaining] += LIABILITY_GAIN
    return ranked[np.argsort(-raised[ranked], kind="stable")], raised
