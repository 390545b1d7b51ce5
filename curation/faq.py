"""Curated questions and answers (常见问题): staff write a question, its variant phrasings and a plain-text answer;
a question that matches one closely is answered from it before retrieval (the engine's FAQ hook).

Matching: the same words after normalisation (case, spaces, punctuation), or a cosine similarity of at least
MIN_SIMILARITY between the embeddings of the question and one phrasing. 0.85 was read off a handful of pairs
with the bundled USE model: rephrasings such as 企业能不能申请法治体检 / 企业可以申请法治体检吗 score 0.91, a
different question on the same topic (法治体检要多少钱) 0.67. Every process notices another's edits through a
version counter (``kb_meta``), checked at most once a second, like the knowledge base.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import select

from curation.audit import AuditLog
from curation.errors import CurationError, InvalidMetadata
from curation.versions import VersionPoll, bump_version
from db import Database
from db.base import iso_utc
from db.models_curation import Faq
from knowledge.embeddings import QifaEmbeddings

MIN_SIMILARITY = 0.85
VERSION_KEY = "faq_version"
MAX_VARIANTS = 20
FAQ_LABEL = "常见问题"
_PUNCT = re.compile(r"[\s\W_]+", re.U)


class UnknownFaq(CurationError):
    code = "unknown_faq"
    field = "faq"

    def __init__(self, faq_id: int) -> None:
        super().__init__(f"no FAQ {faq_id} / 常见问题不存在")


class DuplicateFaq(CurationError):
    code = "duplicate_faq"
    field = "question"

    def __init__(self, phrasing: str, faq_id: int) -> None:
        super().__init__(f"'{phrasing}' is already a phrasing of FAQ {faq_id} / 该问法已属于常见问题 {faq_id}")


def normalise(text: str) -> str:
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text).lower())


@dataclass
class FaqEntry:
    id: int
    question: str
    variants: list[str]
    answer: str
    created_by: str
    created_at: datetime
    updated_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "question": self.question, "variants": self.variants, "answer": self.answer,
                "created_by": self.created_by, "created_at": iso_utc(self.created_at),
                "updated_at": iso_utc(self.updated_at)}

    @classmethod
    def from_row(cls, r: Faq) -> FaqEntry:
        return cls(r.id, r.question, list(r.variants or []), r.answer, r.created_by, r.created_at, r.updated_at)


@dataclass
class FaqHit:
    """What the engine cites: the FAQ, the phrasing that matched and how closely (1.0: the same words)."""

    id: int
    question: str
    answer: str
    score: float


def clean_text(field: str, value: object, low: int, high: int) -> str:
    if not isinstance(value, str):
        raise InvalidMetadata(field, f"{field} must be text / {field} 必须是文本")
    value = value.replace("\r\n", "\n").strip()
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in value):
        raise InvalidMetadata(field, f"{field} contains control characters / {field} 含有控制字符")
    if not low <= len(value) <= high:
        raise InvalidMetadata(field, f"{field} must be {low}-{high} characters / {field} 长度应为 {low}-{high} 个字符")
    if field != "answer" and not normalise(value):
        raise InvalidMetadata(field, f"{field} has no words / {field} 没有文字")
    return value


class FaqBook:
    def __init__(self, db: Database, embeddings: QifaEmbeddings, audit: AuditLog) -> None:
        self.db, self.embeddings, self.audit = db, embeddings, audit
        self._lock = threading.Lock()
        self._index: tuple[str | None, list[tuple[int, str]], np.ndarray] | None = None
        self._version = VersionPoll(db, VERSION_KEY)

    # ---- editing ---------------------------------------------------------------------------------------
    def entries(self) -> list[FaqEntry]:
        with self.db.session() as s:
            return [FaqEntry.from_row(r) for r in s.scalars(select(Faq).order_by(Faq.id))]

    def get(self, faq_id: int) -> FaqEntry:
        with self.db.session() as s:
            row = s.get(Faq, faq_id)
            if row is None:
                raise UnknownFaq(faq_id)
            return FaqEntry.from_row(row)

    def _checked_fields(self, question: object, variants: object, answer: object,
                        skip: int | None) -> tuple[str, list[str], str]:
        q = clean_text("question", question, 2, 200)
        if not isinstance(variants, list) or len(variants) > MAX_VARIANTS:
            raise InvalidMetadata("variants", f"variants must be a list of at most {MAX_VARIANTS} phrasings / "
                                              f"变体问法最多 {MAX_VARIANTS} 个")
        a = clean_text("answer", answer, 1, 4000)
        seen, vs = {normalise(q)}, []
        for v in variants:
            text = clean_text("variants", v, 2, 200)
            if normalise(text) not in seen:  # a repeated phrasing is kept once
                seen.add(normalise(text))
                vs.append(text)
        taken = {normalise(p): e.id for e in self.entries() if e.id != skip for p in (e.question, *e.variants)}
        for phrasing in (q, *vs):
            if normalise(phrasing) in taken:
                raise DuplicateFaq(phrasing, taken[normalise(phrasing)])
        return q, vs, a

    def add(self, question: object, variants: object, answer: object, actor: str) -> FaqEntry:
        q, vs, a = self._checked_fields(question, variants, answer, None)
        with self.db.session() as s:
            row = Faq(question=q, variants=vs, answer=a, created_by=actor)
            s.add(row)
            s.flush()
            entry = FaqEntry.from_row(row)
            self.audit.record(actor, "faq.add", f"faq:{row.id}", None, {"question": q, "variants": vs, "answer": a},
                              session=s)
            bump_version(s, VERSION_KEY)
        self._index = None
        return entry

    def update(self, faq_id: int, question: object, variants: object, answer: object, actor: str) -> FaqEntry:
        before = self.get(faq_id)
        q, vs, a = self._checked_fields(question, variants, answer, faq_id)
        with self.db.session() as s:
            row = s.get(Faq, faq_id)
            if row is None:
                raise UnknownFaq(faq_id)
            row.question, row.variants, row.answer = q, vs, a
            s.flush()
            entry = FaqEntry.from_row(row)
            self.audit.record(actor, "faq.update", f"faq:{faq_id}",
                              {"question": before.question, "variants": before.variants, "answer": before.answer},
                              {"question": q, "variants": vs, "answer": a}, session=s)
            bump_version(s, VERSION_KEY)
        self._index = None
        return entry

    def remove(self, faq_id: int, actor: str) -> FaqEntry:
        entry = self.get(faq_id)
        with self.db.session() as s:
            row = s.get(Faq, faq_id)
            if row is not None:
                s.delete(row)
            self.audit.record(actor, "faq.remove", f"faq:{faq_id}", entry.to_json(), None, session=s)
            bump_version(s, VERSION_KEY)
        self._index = None
        return entry

    # ---- matching (the engine's hook) ------------------------------------------------------------------
    def match(self, text: str) -> FaqHit | None:
        phrasings, vectors = self._phrasings()
        if not phrasings:
            return None
        key = normalise(text)
        best: tuple[float, int] | None = None
        for i, (_, phrasing) in enumerate(phrasings):
            if normalise(phrasing) == key:
                best = (1.0, i)
                break
        if best is None:
            v = self.embeddings.encode([text])[0]
            v = v / (np.linalg.norm(v) or 1.0)
            sims = vectors @ v
            i = int(np.argmax(sims))
            if float(sims[i]) >= MIN_SIMILARITY:
                best = (float(sims[i]), i)
        if best is None:
            return None
        faq_id = phrasings[best[1]][0]
        try:
            entry = self.get(faq_id)
        except UnknownFaq:  # removed by another process since the index was built
            return None
        return FaqHit(entry.id, entry.question, entry.answer, round(best[0], 4))

    def _phrasings(self) -> tuple[list[tuple[int, str]], np.ndarray]:
        index = self._index
        if index is not None and not self._version.due():
            return index[1], index[2]
        version = self._version.read()
        if index is not None and index[0] == version:
            return index[1], index[2]
        with self._lock:
            entries = self.entries()
            phrasings = [(e.id, p) for e in entries for p in (e.question, *e.variants)]
            vectors = np.zeros((0, self.embeddings.dimension), dtype=np.float32)
            if phrasings:
                vectors = self.embeddings.encode([p for _, p in phrasings])
                vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
            self._index = (version, phrasings, vectors)
            return phrasings, vectors
