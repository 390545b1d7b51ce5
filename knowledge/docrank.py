"""Document-level evidence for chunk ranking: when the question names a law ("劳动合同法", "《工伤保险条例》",
"the Labour Contract Law"), that law's articles gain NAME_BOOST over the hybrid score (names from
``knowledge.lawnames``, built from the titles, never from questions)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from knowledge.lawnames import LawNames

NAME_BOOST = 0.15  # added to the hybrid score (best chunk = 1) of every chunk of a document the question names


@dataclass
class DocView:
    doc_of: np.ndarray  # the document index of each chunk
    doc_ids: list[str]
    names: LawNames


def build_view(chunk_docs: list[str], titles: dict[str, tuple[str, str | None]]) -> DocView:
    """``chunk_docs``: each chunk's document id; ``titles``: document id -> (title, English title)."""
    doc_ids = list(dict.fromkeys(chunk_docs))
    index = {d: i for i, d in enumerate(doc_ids)}
    doc_of = np.array([index[d] for d in chunk_docs], dtype=np.int64)
    return DocView(doc_of, doc_ids, LawNames.build([(d, *titles[d]) for d in doc_ids]))


def name_boost(view: DocView, query: str) -> np.ndarray:
    """NAME_BOOST for each chunk of a document the question names, else 0."""
    named = view.names.named(query) if NAME_BOOST > 0 else set()
    if not named:
        return np.zeros(len(view.doc_of))
    hit = np.array([d in named for d in view.doc_ids], dtype=bool)
    return NAME_BOOST * hit[view.doc_of]
