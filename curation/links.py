"""Questions a curator linked to a document from the review queue (action "document"), and what that does.

A new question whose embedding is at least LINK_SIMILARITY (cosine) from a linked question gets the linked
document's best passage for it first among its search results, marked ``linked``; the engine then answers
from it (a curator said that document answers questions like this one). 0.8 is the review queue's own
threshold for "the same question" (``review.GROUP_SIMILARITY``): a question the queue would have grouped
with the linked one gets the link. A repealed or removed document gives nothing (search drops inactive
documents). Every process notices new links through a version counter in ``kb_meta``, at most once a second.
Curators list the links and remove one (the question goes back to the review queue).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from sqlalchemy import delete, select

from curation.audit import AuditLog
from curation.errors import CurationError
from curation.versions import VersionPoll, bump_version
from db import Database
from db.models_chat import ChatMessage
from db.models_curation import ReviewDecision
from knowledge.base import KnowledgeBase, Passage

LINK_SIMILARITY = 0.8
VERSION_KEY = "links_version"


class UnknownLink(CurationError):
    code = "unknown_link"
    field = "message_id"

    def __init__(self, message_id: int) -> None:
        super().__init__(f"no question {message_id} is linked to a document / 该问题未关联文档")


@dataclass(frozen=True)
class Link:
    message_id: int
    question: str
    document_id: str


class DocumentLinks:
    def __init__(self, db: Database, kb: KnowledgeBase, audit: AuditLog | None = None) -> None:
        self.db, self.kb, self.audit = db, kb, audit
        self._lock = threading.Lock()
        self._index: tuple[str | None, list[Link], np.ndarray] | None = None
        self._version = VersionPoll(db, VERSION_KEY)

    def forget(self) -> None:
        """This process added a link: rebuild at the next question (others see the version counter move)."""
        self._index = None

    def links(self) -> list[Link]:
        with self.db.session() as s:
            rows = s.execute(select(ReviewDecision.message_id, ReviewDecision.detail, ChatMessage.text)
                             .join(ChatMessage, ChatMessage.id == ReviewDecision.message_id)
                             .where(ReviewDecision.action == "document").order_by(ReviewDecision.message_id)).all()
        return [Link(r.message_id, r.text, r.detail) for r in rows if r.detail]

    def groups(self) -> list[list[Link]]:
        """The links as a curator made them: the review queue links a whole group of similar questions at once
        (one decision per question), so links to one document whose questions are as close as ``match`` asks
        are one link; the first question names it."""
        links, vectors = self._links(fresh=True)
        groups: list[tuple[list[Link], np.ndarray]] = []
        for link, v in zip(links, vectors, strict=True):
            home = next((g for g, first in groups if g[0].document_id == link.document_id
                         and float(first @ v) >= LINK_SIMILARITY), None)
            if home is None:
                groups.append(([link], v))
            else:
                home.append(link)
        return [g for g, _ in groups]

    def listing(self) -> list[dict[str, Any]]:
        """Every link with its questions, its document's title and whether that document still answers."""
        return [self._row(g) for g in self.groups()]

    def _row(self, group: list[Link]) -> dict[str, Any]:
        first = group[0]
        doc = self.kb.document(first.document_id)
        return {"message_id": first.message_id, "question": first.question, "document_id": first.document_id,
                "title": doc.title if doc else None, "active": bool(doc and doc.active),
                "questions": [x.question for x in group]}

    def remove(self, message_id: int, actor: str) -> dict[str, Any]:
        """Undo the link holding this question (all its questions): similar questions are searched as before, and
        the questions are back in the review queue."""
        group = next((g for g in self.groups() if any(x.message_id == message_id for x in g)), None)
        if group is None:
            raise UnknownLink(message_id)
        ids = [x.message_id for x in group]
        with self.db.session() as s:
            done = s.execute(delete(ReviewDecision).where(ReviewDecision.message_id.in_(ids),
                                                          ReviewDecision.action == "document"))
            if not getattr(done, "rowcount", 0):  # another curator undid it a moment ago
                raise UnknownLink(message_id)
            if self.audit is not None:
                self.audit.record(actor, "review.unlink", f"link:{group[0].message_id}",
                                  {"questions": [x.question for x in group], "document_id": group[0].document_id},
                                  None, session=s)
            bump_version(s, VERSION_KEY)
        self.forget()
        return self._row(group)

    def match(self, query: str, vector: np.ndarray | None = None) -> tuple[Link, float] | None:
        """The linked question closest to ``query``, when it is close enough."""
        links, vectors = self._links()
        if not links:
            return None
        v = self.kb.embeddings.encode([query])[0] if vector is None else vector
        v = np.asarray(v, dtype=np.float32)
        v = v / (np.linalg.norm(v) or 1.0)
        sims = vectors @ v
        i = int(np.argmax(sims))
        return (links[i], float(sims[i])) if float(sims[i]) >= LINK_SIMILARITY else None

    def boost(self, query: str, passages: list[Passage], vector: np.ndarray | None = None) -> list[Passage]:
        """``passages`` with the linked document's best passage for ``query`` first (when a link matches)."""
        found = self.match(query, vector)
        if found is None:
            return passages
        best = self.kb.search_document(found[0].document_id, query, k=1, vector=vector)
        if not best:
            return passages
        top = max([best[0].score, *(p.score for p in passages)])
        first = replace(best[0], linked=True, score=round(top, 6))
        rest = [p for p in passages if p.chunk_id != first.chunk_id]
        return [first, *rest][: max(len(passages), 1)]

    def _links(self, fresh: bool = False) -> tuple[list[Link], np.ndarray]:
        """The links and their questions' unit vectors, rebuilt when the version marker moved (looked at once a
        second; ``fresh``: now)."""
        index = self._index
        if index is not None and not fresh and not self._version.due():
            return index[1], index[2]
        version = self._version.read()
        if index is not None and index[0] == version:
            return index[1], index[2]
        with self._lock:
            links = self.links()
            vectors = np.zeros((0, self.kb.embeddings.dimension), dtype=np.float32)
            if links:
                vectors = np.asarray(self.kb.embeddings.encode([x.question for x in links]), dtype=np.float32)
                vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
            self._index = (version, links, vectors)
            return links, vectors


def bump(s: Any) -> None:
    """Call inside the transaction that adds a link: every process rebuilds its index of linked questions."""
    bump_version(s, VERSION_KEY)
