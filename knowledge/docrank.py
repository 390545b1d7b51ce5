"""Document-level evidence for chunk ranking: a question is usually about one law, and the law as a whole
tells more than one article does. Each chunk's hybrid score gains a share of its document's score — the
keyword score of the whole document (all its chunks' words as one text) — and a boost when the question
names the document (``knowledge.lawnames``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from knowledge.bm25 import Bm25Index
from knowledge.lawnames import LawNames

DOC_WEIGHT = 0.0  # share of the document's scaled keyword score added to each of its chunks
NAME_BOOST = 0.0  # added to every chunk of a document the question names
SIBLING_WEIGHT = 0.0  # share of the best hybrid score among a chunk's document's chunks added to it


@dataclass
class DocView:
    doc_of: np.ndarray  # the document index of each chunk
    doc_ids: list[str]
    docs: Bm25Index  # one row per document: every token of its chunks
    names: LawNames


def build_view(chunk_docs: list[str], chunk_tokens: list[list[str]], titles: dict[str, tuple[str, str | None]],
               ) -> DocView:
    """``chunk_docs``: each chunk's document id; ``titles``: document id -> (title, English title)."""
    doc_ids = list(dict.fromkeys(chunk_docs))
    index = {d: i for i, d in enumerate(doc_ids)}
    doc_of = np.array([index[d] for d in chunk_docs], dtype=np.int64)
    bags: list[list[str]] = [[] for _ in doc_ids]
    for d, toks in zip(doc_of, chunk_tokens, strict=True):
        bags[d].extend(toks)
    names = LawNames.build([(d, *titles[d]) for d in doc_ids])
    return DocView(doc_of, doc_ids, Bm25Index(doc_ids, bags, b=0.75), names)


def doc_scores(view: DocView, terms: list[str], query: str, active: np.ndarray) -> np.ndarray:
    """What each chunk gains from its document: DOC_WEIGHT x the document's keyword score (scaled so the
    best document with an active chunk is 1), plus NAME_BOOST when the question names the document."""
    out = np.zeros(len(view.doc_of))
    if DOC_WEIGHT > 0 and terms:
        raw = view.docs.scores(terms)
        live = np.zeros(len(view.doc_ids), dtype=bool)
        live[view.doc_of[active]] = True
        best = float(raw[live].max()) if live.any() else 0.0
        if best > 0:
            out += DOC_WEIGHT * (raw / best)[view.doc_of]
    if NAME_BOOST > 0:
        named = view.names.named(query)
        if named:
            hit = np.array([d in named for d in view.doc_ids], dtype=bool)
            out += NAME_BOOST * hit[view.doc_of]
    return out


def sibling_scores(view: DocView, score: np.ndarray) -> np.ndarray:
    """SIBLING_WEIGHT x the best score among each chunk's document's chunks."""
    if SIBLING_WEIGHT <= 0:
        return np.zeros(len(score))
    best = np.zeros(len(view.doc_ids))
    np.maximum.at(best, view.doc_of, score)
    return SIBLING_WEIGHT * best[view.doc_of]
