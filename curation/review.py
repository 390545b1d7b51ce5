"""The review queue: questions the assistant did not serve well — it refused (fallback), handed off for low
confidence, or got a 👎 — grouped by similarity, each group with one action: add an FAQ, link to a document, or
dismiss; and the hand-offs an adviser marked "the assistant should have answered". A decided question leaves the
queue. The fourth action adds the group's wordings as example phrasings of an intent (``IntentExamples``: the
classifier is refitted at once); a "document" link makes similar questions find that document (``DocumentLinks``).

Groups: the same words after normalisation, then greedily by embedding similarity >= GROUP_SIMILARITY."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import numpy as np
from sqlalchemy import or_, select

from curation.audit import AuditLog
from curation.errors import CurationError, InvalidMetadata, UnknownDocument
from curation.faq import FaqBook, FaqEntry, normalise
from curation.intent_examples import IntentExamples
from curation.links import DocumentLinks, bump
from db import Database
from db.base import iso_utc
from db.models_chat import ChatMessage, Handoff
from db.models_curation import ReviewDecision, ReviewMark
from knowledge.base import KnowledgeBase

GROUP_SIMILARITY = 0.8
SCAN_LIMIT = 2000  # the newest bot replies looked at
Action = Literal["faq", "intent", "document", "dismiss"]


class UnknownReviewGroup(CurationError):
    code = "unknown_review_group"
    field = "key"

    def __init__(self, key: int) -> None:
        super().__init__(f"no open review group {key} (decided already?) / 复核队列中没有该组（可能已处理）")


@dataclass
class ReviewItem:
    message_id: int  # the user's question
    session_id: str
    text: str
    reason: str  # refused | low_confidence | disliked
    at: datetime

    def to_json(self) -> dict[str, Any]:
        return {"message_id": self.message_id, "session_id": self.session_id, "text": self.text,
                "reason": self.reason, "at": iso_utc(self.at)}


@dataclass
class ReviewGroup:
    key: int  # the smallest message id in the group: stable while the group is open
    question: str  # the most frequent wording
    items: list[ReviewItem] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "question": self.question, "count": len(self.items),
                "reasons": dict(Counter(i.reason for i in self.items)), "items": [i.to_json() for i in self.items]}


class ReviewQueue:
    def __init__(self, db: Database, kb: KnowledgeBase, faqs: FaqBook, audit: AuditLog,
                 intents: IntentExamples, links: DocumentLinks) -> None:
        self.db, self.kb, self.faqs, self.audit, self.intents, self.links = db, kb, faqs, audit, intents, links

    def items(self) -> list[ReviewItem]:
        with self.db.session() as s:
            bots = s.execute(select(ChatMessage.id, ChatMessage.session_id, ChatMessage.route, ChatMessage.feedback,
                                    ChatMessage.created_at)
                             .where(ChatMessage.role == "bot",
                                    or_(ChatMessage.route.in_(("fallback", "handoff")), ChatMessage.feedback == -1))
                             .where(ChatMessage.text != "")
                             .order_by(ChatMessage.id.desc()).limit(SCAN_LIMIT)).all()
            low = {h.session_id: h.created_at for h in s.execute(
                select(Handoff.session_id, Handoff.created_at).where(Handoff.reason == "low_confidence"))}
            marked = set(s.scalars(select(ReviewMark.session_id)))
            decided = set(s.scalars(select(ReviewDecision.message_id)))
            found: dict[int, ReviewItem] = {}
            for b in bots:
                if b.route == "handoff" and b.session_id in marked:
                    reason = "should_have_answered"
                elif b.feedback == -1:
                    reason = "disliked"
                elif b.route == "fallback":
                    reason = "refused"
                elif b.route == "handoff" and b.session_id in low:
                    reason = "low_confidence"
                else:
                    continue
                q = s.execute(select(ChatMessage.id, ChatMessage.text, ChatMessage.created_at)
                              .where(ChatMessage.session_id == b.session_id, ChatMessage.role == "user",
                                     ChatMessage.id < b.id).order_by(ChatMessage.id.desc()).limit(1)).first()
                if q is None or q.id in decided or q.id in found or q.text.startswith("/"):
                    continue
                found[q.id] = ReviewItem(q.id, b.session_id, q.text, reason, q.created_at)
        return sorted(found.values(), key=lambda i: i.message_id)

    def mark(self, case_id: int, session_id: str, actor: str) -> None:
        """An adviser says the assistant should have answered this hand-off: its question joins the queue."""
        with self.db.session() as s:
            if s.get(ReviewMark, case_id) is None:
                s.add(ReviewMark(case_id=case_id, session_id=session_id, marked_by=actor))
                self.audit.record(actor, "review.mark", f"case:{case_id}", None, {"session_id": session_id},
                                  session=s)

    def groups(self) -> list[ReviewGroup]:
        items = self.items()
        if not items:
            return []
        vectors = self.kb.embeddings.encode([i.text for i in items])
        vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
        groups: list[tuple[ReviewGroup, np.ndarray, set[str]]] = []
        for n, item in enumerate(items):
            key = normalise(item.text)
            for g, centre, words in groups:
                if key in words or float(centre @ vectors[n]) >= GROUP_SIMILARITY:
                    g.items.append(item)
                    words.add(key)
                    break
            else:
                groups.append((ReviewGroup(item.message_id, item.text, [item]), vectors[n], {key}))
        out = []
        for g, _, _ in groups:
            g.question = Counter(i.text for i in g.items).most_common(1)[0][0]
            out.append(g)
        return sorted(out, key=lambda g: (-len(g.items), g.key))

    def group(self, key: int) -> ReviewGroup:
        for g in self.groups():
            if g.key == key:
                return g
        raise UnknownReviewGroup(key)

    def decide(self, key: int, action: str, actor: str, answer: str = "", question: str = "",
               document_id: str = "", intent: str = "") -> dict[str, Any]:
        g = self.group(key)
        detail: str | None = None
        faq: FaqEntry | None = None
        examples: list[dict[str, Any]] = []
        wordings = list(dict.fromkeys(i.text for i in g.items))
        main = question.strip() or g.question
        if action == "faq":
            faq = self.faqs.add(main, [w for w in wordings if w != main][:20], answer, actor)
            detail = f"faq:{faq.id}"
        elif action == "intent":
            added = self.intents.add_many(intent, [main, *[w for w in wordings if w != main][:9]], actor,
                                          skip_known=True)
            examples = [e.to_json() for e in added]
            detail = f"intent:{added[0].intent}"
        elif action == "document":
            if self.kb.document(document_id) is None:
                raise UnknownDocument(document_id)
            detail = document_id
        elif action != "dismiss":
            raise InvalidMetadata("action", "action must be faq, intent, document or dismiss / 操作只能是 faq、"
                                            "intent、document 或 dismiss")
        with self.db.session() as s:
            for i in g.items:
                s.merge(ReviewDecision(message_id=i.message_id, action=action, detail=detail, actor=actor))
            self.audit.record(actor, f"review.{action}", f"review:{key}", g.to_json(),
                              {"detail": detail, "messages": [i.message_id for i in g.items]}, session=s)
            if action == "document":
                bump(s)
        if action == "document":
            self.links.forget()
        return {"key": key, "action": action, "detail": detail, "decided": len(g.items),
                "faq": faq.to_json() if faq else None, "examples": examples}
