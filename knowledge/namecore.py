"""How much of a law's distinctive name a question covers, which decides how much its name field counts.

Each chunk's keyword score adds the BM25 of its law's name (``knowledge.base._keyword``). A question word that is
only a fragment of a name ("设备" of 特种设备安全法, "出口" of 进出口商品检验法, "合同" of 劳动合同法) raised every
article of that law over the ones that answer. Here a law's name counts fully only when the question's terms cover
its core, the name without its frame (中华人民共和国…, 最高人民法院关于审理…案件适用法律问题的解释) and its kind
(…法, …条例, …实施细则): "劳动合同" covers 劳动合同法, "数据安全" 数据安全法; otherwise it counts PARTIAL_WEIGHT
and the rest in proportion to the share of the core the question covers ("设备" of 特种设备安全: 2/6).
Documents that are not statutes (guides, the service catalogue) keep their whole name field. Built from the titles,
never from questions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

TERMS_KEPT = 20_000  # question terms whose covered documents are kept (``NameCover._parts``)
PARTIAL_WEIGHT = 0.25  # the name field's weight when the question covers none of the law's core (more per share)
_VERSION = re.compile(r"[（(][^（()）]*[)）]$")  # "（一）", "(2018年修正)"
_COURT = re.compile(r"^最高人民(?:法院|检察院)关于(?:审理|适用)?|(?:的)?(?:解释|规定)$")
_CASE_FRAME = re.compile(r"(?:案件)?(?:适用)?(?:法律)?(?:若干)?问题$")
_KIND = re.compile(r"(?:实施细则|实施条例|暂行条例|条例|细则|规定|办法|法典|法)$")


def bare(title: str) -> str:
    """A statute's title without its frame: "中华人民共和国劳动合同法实施条例" -> "劳动合同法实施条例", "最高人民法院
    关于审理劳动争议案件适用法律问题的解释（一）" -> "劳动争议"."""
    name = _VERSION.sub("", title.strip())
    if name.startswith("最高人民"):
        name = _CASE_FRAME.sub("", _COURT.sub("", name))
    return re.sub(r"[《》“”\"]|中华人民共和国", "", name)


def core(title: str) -> str:
    """The distinctive part of a statute's title, its bare name without its kind (a prefix of it):
    "中华人民共和国劳动合同法实施条例" -> "劳动合同", "中华人民共和国民法典" -> "民法典"."""
    name = bare(title)
    for _ in range(2):  # "劳动合同法实施条例": the kind, then the law it implements
        shorter = _KIND.sub("", name)
        if len(shorter) < 2:
            break
        name = shorter
    return name


@dataclass
class NameCover:
    """Each document's bare name (``bare``; empty when it is not a statute) and the mask of its core's characters
    (``full``; 0: not a statute, its name always counts fully); ``postings``: the documents whose bare name holds each
    character, so that a question term is looked for only in the names holding its rarest character (the build is
    linear in the titles' length: a large corpus of several thousand laws builds in milliseconds)."""

    names: list[str]
    full: list[int]
    postings: dict[str, list[int]]
    _kept: dict[str, list[tuple[int, int]]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, titles: list[str], statute: list[bool]) -> NameCover:
        names: list[str] = []
        full: list[int] = []
        postings: dict[str, list[int]] = {}
        for d, (title, is_statute) in enumerate(zip(titles, statute, strict=True)):
            name = bare(title) if is_statute else ""  # a term may run into the kind ("合同法"), which is not counted
            names.append(name)
            full.append((1 << len(core(title))) - 1 if is_statute else 0)
            for ch in set(name):
                postings.setdefault(ch, []).append(d)
        return cls(names, full, postings)

    def _parts(self, term: str) -> list[tuple[int, int]]:
        """The documents whose core ``term`` covers in part, with the characters it covers; kept per term (a
        question's words recur; at most TERMS_KEPT, then forgotten all at once)."""
        found = self._kept.get(term)
        if found is None:
            postings = self.postings
            rarest = min(term, key=lambda ch: len(postings.get(ch, ()))) if term else ""
            found = [(d, m) for d in postings.get(rarest, ()) if (m := self._mask(d, term))]
            if len(self._kept) >= TERMS_KEPT:
                self._kept.clear()
            self._kept[term] = found
        return found

    def _mask(self, d: int, term: str) -> int:
        """The core characters of document ``d`` that ``term`` covers wherever it occurs in its bare name."""
        name, whole, run, mask = self.names[d], self.full[d], (1 << len(term)) - 1, 0
        at = name.find(term)
        while at >= 0:
            mask |= (run << at) & whole
            at = name.find(term, at + 1)
        return mask

    def base(self) -> np.ndarray:
        """Each document's weight when the question covers none of its core: PARTIAL_WEIGHT for a statute, else 1."""
        return np.array([1.0 if f == 0 else PARTIAL_WEIGHT for f in self.full], dtype=np.float32)

    def covered(self, terms: dict[str, float] | list[str]) -> dict[int, float]:
        """The weight of each document whose core the question's terms cover at least in part: 1 when they cover
        all of it, else PARTIAL_WEIGHT plus the rest in proportion to the share of the core's characters they cover
        ("合同" of 劳动合同: 0.25 + 0.75 × 2/4)."""
        masks: dict[int, int] = {}
        for term in terms:
            for d, mask in self._parts(term):
                masks[d] = masks.get(d, 0) | mask
        full = self.full
        return {d: PARTIAL_WEIGHT + (1 - PARTIAL_WEIGHT) * mask.bit_count() / full[d].bit_count()
                for d, mask in masks.items()}

    def weights(self, terms: dict[str, float] | list[str]) -> np.ndarray:
        """Each document's name-field weight for a question's terms (``base``, then ``covered``)."""
        out = self.base()
        for d, w in self.covered(terms).items():
            out[d] = w
        return out
