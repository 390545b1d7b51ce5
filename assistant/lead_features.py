"""Cheap, generic features of one candidate lead clause, for the learned lead order (``assistant.lead_model``).

``assistant.answer.candidate_clauses`` measures each clause of the top passages once (``Clause``: the hand-weighted
score and its parts, the passage's rank and dense similarity, the clause's place, the answer-type cues the question
asks for and the clause states); ``features`` turns one question's clauses into rows of numbers, some relative to
the question's other candidates (a clause's share of the best hand score, its rank by that score). No word list of
its own: every cue is one of the answer-type classes of ``assistant.answer_type*``."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from operator import itemgetter

import numpy as np

# The answer-type cues: a question may ask for each kind and a clause may state it (``Clause.asked`` /
# ``Clause.stated``); "term" and "defterm" are the stronger forms of quantity and definition.
CUES = ("quantity", "term", "deadline", "definition", "defterm", "norm", "consequence", "who", "method", "unit",
        "figure")

FEATURES: tuple[str, ...] = (
    "log_hand", "hand_share", "hand_first", "hand_second", "hand_inverse_rank",
    "terms_share", "weight_share", "no_terms", "top_term",
    "dense", "dense_gap", "first_passage", "passage_inverse_rank", "passage_score_share", "passage_keyword_share",
    "statute", "guide", "bigram_share", "bigram_share_gap", "any_figure",
    "first_place", "place_inverse", "log_length", "list_item", "list_intro", "article_opening", "english",
    *(f"{cue}_answered" for cue in CUES),
    *(f"{cue}_stated" for cue in CUES),
)


@dataclass(slots=True)
class Clause:
    """One candidate clause of the lead and what the hand-weighted score measured of it."""

    score: float  # the hand-weighted score (``assistant.answer`` constants)
    passage: int  # the passage's rank among those shown (0 = first)
    place: int  # the clause's place in its passage (0 = first)
    sentence: str  # what is scored
    shown: str  # what is quoted (a list item after its introduction)
    terms: float  # the question terms' weights found in the clause (rarity among candidates included)
    weight_share: float  # the share of the question terms' total weight the clause holds
    top_term: bool  # the clause holds the question's heaviest term
    dense: float  # the passage's cosine similarity to the question
    item: bool  # an item of a list ("（三）…")
    passage_score: float  # the passage's search score (hybrid)
    passage_keyword: float  # the passage's keyword (BM25) score
    kind: str  # the passage's kind: statute, guide, service …
    bigrams: float  # the share of the question's Chinese character pairs found in the clause
    figure: bool  # the clause states any period, amount, rate or count
    english: bool  # the question is English
    asked: dict[str, bool] = field(default_factory=dict)
    stated: dict[str, bool] = field(default_factory=dict)


_CUES = itemgetter(*CUES)


def features(clauses: list[Clause]) -> np.ndarray:
    """One row per clause, columns as ``FEATURES``; relative columns compare a clause with the others of the
    same question."""
    if not clauses:
        return np.zeros((0, len(FEATURES)))
    best = max(c.score for c in clauses) or 1.0
    most_terms = max(c.terms for c in clauses) or 1.0
    top_dense = max(c.dense for c in clauses)
    top_passage = max(c.passage_score for c in clauses) or 1.0
    top_keyword = max(c.passage_keyword for c in clauses) or 1.0
    top_bigrams = max(c.bigrams for c in clauses)
    order = sorted(range(len(clauses)), key=lambda i: (-clauses[i].score, clauses[i].passage, clauses[i].place))
    rank = [0] * len(clauses)
    for r, i in enumerate(order):
        rank[i] = r
    head: list[float | bool] = []  # the rows' values one after another, converted to an array at the end
    cues: list[bool] = []  # per clause the cues asked, then the cues stated
    for c, r in zip(clauses, rank, strict=True):
        head += (
            math.log(max(c.score, 1e-6)), c.score / best, r == 0, r == 1, 1.0 / (1 + r),
            c.terms / most_terms, c.weight_share, c.terms == 0, c.top_term,
            c.dense, top_dense - c.dense, c.passage == 0, 1.0 / (1 + c.passage), c.passage_score / top_passage,
            c.passage_keyword / top_keyword, c.kind == "statute", c.kind == "guide", c.bigrams,
            top_bigrams - c.bigrams, c.figure,
            c.place == 0, 1.0 / (1 + c.place), math.log(1 + len(c.sentence)) / 5, c.item,
            c.sentence.endswith(("：", ":")), c.sentence.startswith("第"), c.english,
        )
        cues += _CUES(c.asked)
        cues += _CUES(c.stated)
    n = len(clauses)
    rows = np.fromiter(head, dtype=np.float64, count=len(head)).reshape(n, -1)
    asked, stated = np.fromiter(cues, dtype=np.float64, count=len(cues)).reshape(n, 2, len(CUES)).transpose(1, 0, 2)
    return np.hstack([rows, asked * (stated != 0), stated])  # answered: asked and stated
