"""Document-level evidence for chunk ranking: when the question names a law ("劳动合同法", "《工伤保险条例》",
"the Labour Contract Law"), that law's articles gain NAME_BOOST over the hybrid score (names from
``knowledge.lawnames``, built from the titles, never from questions).

When it names none, a document's level decides ties between near neighbours: the basic law an enterprise's question
is usually about (劳动合同法, 民法典 第一百八十八条) over the regulation that implements it, and both over a judicial
interpretation's detail (SPC rules on one point of limitation, of guarantees). LEVEL_PRIOR is small, a fraction of
the gap between a chunk and its neighbour, so it re-orders articles the rankers found about equally good and never
brings in one they did not find. The level is read from the title, the way a citation names it; LEVEL_PRIOR is read
per question (``DocView.prior``), so a sweep can set it without building the snapshot again. An interpretation
that answers what the law's article leaves open is raised by ``knowledge.specificity``, not by its level."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from knowledge.lawnames import LawNames
from knowledge.namecore import NameCover

NAME_BOOST = 0.15  # added to the hybrid score (best chunk = 1) of every chunk of a document the question names
# added to every chunk of a document of that level when the question names no law; other documents (guides, the
# service catalogue, reports) 0
LEVEL_PRIOR = {"law": 0.1, "regulation": 0.05, "interpretation": 0.0}


@dataclass
class DocView:
    doc_of: np.ndarray  # the document index of each chunk
    doc_ids: list[str]
    names: LawNames
    levels: list[str | None]  # each document's level (``level``)
    cover: NameCover  # how much of each statute's name a question covers (knowledge.namecore)

    def __post_init__(self) -> None:
        self._prior: tuple[tuple[tuple[str, float], ...], np.ndarray] | None = None
        self._level_names = np.array([lv or "" for lv in self.levels], dtype=object)
        # each chunk's name weight when the question covers no core, and each document's chunks: a question
        # changes only the chunks of the few documents whose core it touches, never gathers over every chunk
        self._base = self.cover.base()[self.doc_of] if len(self.doc_ids) else np.zeros(0, dtype=np.float32)
        order = np.argsort(self.doc_of, kind="stable")
        self._chunks = np.split(order, np.searchsorted(self.doc_of[order], np.arange(1, len(self.doc_ids))))

    @property
    def prior(self) -> np.ndarray:
        """LEVEL_PRIOR of each chunk's document, as LEVEL_PRIOR is now: worked out again only when its values
        changed since the last question (a sweep sets them between runs without rebuilding the snapshot)."""
        key = tuple(LEVEL_PRIOR.items())
        kept = self._prior
        if kept is None or kept[0] != key:
            per_doc = np.array([LEVEL_PRIOR.get(lv or "", 0.0) for lv in self.levels], dtype=np.float64)
            kept = self._prior = (key, per_doc[self.doc_of])
        return kept[1]

    def chunk_levels(self, chunks: np.ndarray) -> np.ndarray:
        """The level of each of these chunks' documents ("" for none)."""
        return self._level_names[self.doc_of[chunks]]

    def name_weights(self, terms: dict[str, float]) -> np.ndarray:
        """The weight of each chunk's name field for a question's terms (``NameCover.weights``)."""
        out = self._base.copy()
        for d, w in self.cover.covered(terms).items():
            out[self._chunks[d]] = w
        return out


def build_view(chunk_docs: list[str], titles: dict[str, tuple[str, str | None]]) -> DocView:
    """``chunk_docs``: each chunk's document id; ``titles``: document id -> (title, English title)."""
    doc_ids = list(dict.fromkeys(chunk_docs))
    index = {d: i for i, d in enumerate(doc_ids)}
    doc_of = np.array([index[d] for d in chunk_docs], dtype=np.int64)
    levels = [level(titles[d][0]) for d in doc_ids]
    cover = NameCover.build([titles[d][0] for d in doc_ids], [lv is not None for lv in levels])
    return DocView(doc_of, doc_ids, LawNames.build([(d, *titles[d]) for d in doc_ids]), levels, cover)


_INTERPRETATION = re.compile(r"^最高人民(法院|检察院)")
_REGULATION = re.compile(r"(条例|细则|规定|办法)$")
_LAW = re.compile(r"^中华人民共和国.*法典?$")  # a national law's title; an uploaded "报销方法" is none


def level(title: str) -> str | None:
    """The level a statute's title names: "interpretation" (最高人民法院关于…的解释/规定), "regulation" (…条例,
    …实施细则, …规定, …办法), "law" (中华人民共和国…法, 民法典); None for anything else (guides, catalogue,
    reports, drafts)."""
    if "草案" in title:
        return None
    title = re.sub(r"[（(][^（()）]*[)）]$", "", title.strip())  # a trailing "(2018年修正)" names a version
    if _INTERPRETATION.search(title):
        return "interpretation"
    if _REGULATION.search(title):
        return "regulation"
    if _LAW.search(title):
        return "law"
    return None


def document_prior(view: DocView, query: str) -> np.ndarray:
    """What each chunk's document adds to its hybrid score: NAME_BOOST for the laws the question names; when it
    names none, the document's LEVEL_PRIOR."""
    boost = name_boost(view, query)
    return boost if boost.any() else view.prior


def name_boost(view: DocView, query: str) -> np.ndarray:
    """NAME_BOOST for each chunk of a document the question names, else 0."""
    named = view.names.named(query) if NAME_BOOST > 0 else set()
    if not named:
        return np.zeros(len(view.doc_of))
    hit = np.array([d in named for d in view.doc_ids], dtype=bool)
    return NAME_BOOST * hit[view.doc_of]
