"""Does the knowledge base answer this question? Retrieval confidence, key-term coverage and agreement.

Keyword scores are in units of the index's largest IDF (``KnowledgeBase.keyword_scale``), so the same
thresholds hold for a small knowledge base and a large one. Calibrated on eval/tune.jsonl only.
"""

from __future__ import annotations

from typing import Literal

from knowledge.base import Passage

# Retrieval is trusted when the best keyword score or the best cosine similarity reaches these:
MIN_BM25 = 1.5
MIN_DENSE = 0.45
# Below them, a message still this close to the knowledge base is a legal question we cannot support
# (-> an adviser); anything further away is out of scope. Passages under this floor are never shown.
LEGAL_BM25 = 0.75
LEGAL_DENSE = 0.30
# Share (by IDF) of the question's Chinese key terms that the top passages must contain.
# An English question is translated to Chinese legal terms through the glossary; when those terms match this
# strongly, the passage addresses it even if the multilingual dense model sees it only faintly.
STRONG_BM25 = 3.0
MIN_COVERAGE = 0.3  # 0.4 before issue11q: colloquial words (轧伤, 车间) are never in the statute
COVERAGE_PASSAGES = 3
# Words that frame a question (how many, how long, within, still, oneself, a day) rather than name its subject:
# rare in statutes, so their IDF is high, yet a passage that answers "一天最多干几个钟头" says 每日 … 小时, not
# 最多 / 几个. They are left out of the coverage test on every route (issue11U: they alone pushed colloquial
# questions under it).
QUESTION_FRAME = frozenset({
    "最多", "最少", "至多", "至少", "几个", "几天", "几年", "几次", "多少", "多久", "多长", "之内", "以内", "还要",
    "还能", "还会", "还得", "自己", "一天", "一下", "一般", "到底", "是否", "怎么", "怎样", "如何", "什么", "哪些",
    "能否", "可以", "满足",
})

Verdict = Literal["yes", "unaddressed", "unsure", "off_topic"]


def _cjk(term: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in term)


def coverage(weights: dict[str, float], passages: list[Passage]) -> float | None:
    """Share (by IDF weight) of the question's Chinese key terms (not its frame words), with their statute
    wording, found in the top passages; None when the question has no Chinese term the index knows (an English
    question is checked by the agreement of dense and keyword search)."""
    terms = key_terms(weights)
    if not terms:
        return None
    text = " ".join(f"{p.title} {p.heading_path} {p.text}" for p in passages[:COVERAGE_PASSAGES])
    return sum(w for t, w in terms.items() if t in text) / sum(terms.values())


def answerable(passages: list[Passage], scale: float, weights: dict[str, float], strict: bool = False,
               english: bool = False) -> Verdict:
    """``yes``: answer; ``unaddressed``: retrieval found text but it does not address the question;
    ``unsure``: close to the knowledge base but too weak to answer (an adviser's question);
    ``off_topic``: far from everything the knowledge base holds."""
    if not passages:
        return "off_topic"
    bm, dn = max(p.bm25 for p in passages), max(p.dense for p in passages)
    confident = bm >= MIN_BM25 * scale or dn >= MIN_DENSE
    legal = bm >= LEGAL_BM25 * scale or dn >= LEGAL_DENSE
    if not confident:
        return "unsure" if legal else "off_topic"
    agree = bm >= LEGAL_BM25 * scale and dn >= LEGAL_DENSE  # dense and keyword search both see it
    if strict and not agree:
        return "unsure"
    share = None if english else coverage(weights, passages)  # English: glossary terms are too loose a test
    if share is None:
        return "yes" if agree or dn >= MIN_DENSE or (english and bm >= STRONG_BM25 * scale) else "unaddressed"
    return "yes" if share >= MIN_COVERAGE else "unaddressed"


# A passage after the first is shown (and cited) only when it addresses the question: it holds at least this share
# of the question's key-term weight (IDF, frame words left out) that the passage holding the most of it holds, or its
# search score is this close to the first passage's. Sharing only a common word (期限, 申请, 单位) is not enough: a
# court's or an agency's deadline article must not stand beside the probation article because both say 期限.
SUPPORT_SHARE = 0.5
CLOSE_SCORE = 0.8


def key_weight(terms: dict[str, float], passage: Passage) -> float:
    """The IDF weight of the question's key terms (``key_terms``) that a passage holds."""
    text = f"{passage.title} {passage.heading_path} {passage.text}"
    return sum(w for t, w in terms.items() if t in text)


def key_terms(weights: dict[str, float]) -> dict[str, float]:
    """The question's Chinese terms the index knows, less its frame words: what a passage must share to address it."""
    return {t: w for t, w in weights.items() if _cjk(t) and w > 0 and t not in QUESTION_FRAME}


def relevant(passages: list[Passage], scale: float, weights: dict[str, float] | None = None) -> list[Passage]:
    """The passages worth showing: the best one, and every other one above the relevance floor that addresses the
    question (``SUPPORT_SHARE`` / ``CLOSE_SCORE``; without ``weights``, or for a question without a Chinese key term
    (an English one the glossary does not reach), the floor alone decides)."""
    floor = [p for n, p in enumerate(passages)
             if n == 0 or p.bm25 >= LEGAL_BM25 * scale or p.dense >= LEGAL_DENSE]
    terms = key_terms(weights or {})
    if not terms or len(floor) < 2:
        return floor
    held = [key_weight(terms, p) for p in floor]
    most, first = max(held), floor[0].score
    return [p for n, (p, w) in enumerate(zip(floor, held, strict=True))
            if n == 0 or w >= SUPPORT_SHARE * most or (first > 0 and p.score >= CLOSE_SCORE * first)]
