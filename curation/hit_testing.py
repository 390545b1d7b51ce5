"""Hit testing: a question in, the ranked passages with their keyword, dense and fused scores, the FAQ that
would answer it, and the route the engine would take — the tool staff use to find why an answer was wrong.

The route is worked out from the router's classification and the engine's published confidence thresholds
(``assistant.engine.MIN_BM25`` …); the conversation's state (a form in progress, an open case, a follow-up) is
not taken into account, since a hit test has no conversation."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from assistant.engine import LEGAL_BM25, LEGAL_DENSE, MIN_BM25, MIN_DENSE
from assistant.router import classify
from assistant.services import match_services
from curation.faq import FaqBook
from knowledge.base import KnowledgeBase
from knowledge.catalogue import Catalogue


@dataclass
class HitTest:
    query: str
    route: str  # answer | menu | order | handoff | fallback
    reason: str  # why: faq, retrieval, service_card, low_confidence, user_request, high_risk, out_of_scope, …
    intent: str | None  # the classifier's intent, when the engine has one (its probability: intent_probability)
    intent_probability: float | None
    faq: dict[str, Any] | None
    passages: list[dict[str, Any]]
    thresholds: dict[str, float]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def hit_test(kb: KnowledgeBase, faqs: FaqBook, catalogue: Catalogue, query: str, k: int = 10) -> HitTest:
    passages = kb.search(query, k=k)
    scale = kb.keyword_scale()
    rows = [{"rank": n, "document_id": p.document_id, "title": p.title, "locator": p.locator, "status": p.status,
             "kind": p.kind, "fused": p.score, "keyword": p.bm25, "keyword_scaled": round(p.bm25 / scale, 4),
             "dense": p.dense, "text": p.text[:400]} for n, p in enumerate(passages, start=1)]
    thresholds = {"min_keyword": MIN_BM25, "min_dense": MIN_DENSE, "legal_keyword": LEGAL_BM25,
                  "legal_dense": LEGAL_DENSE, "keyword_scale": round(scale, 4)}
    intent = classify(query)
    hit = faqs.match(query)
    faq = {"id": hit.id, "question": hit.question, "score": hit.score} if hit else None
    route, reason = intent.route, intent.reason or ""
    if intent.route == "answer":
        best_kw = max((p.bm25 for p in passages), default=0.0)
        best_dense = max((p.dense for p in passages), default=0.0)
        if hit is not None:
            reason = "faq"
        elif passages and (best_kw >= MIN_BM25 * scale or best_dense >= MIN_DENSE):
            reason = "retrieval"
        elif match_services(catalogue, query, limit=1):
            reason = "service_card"
        elif passages and (best_kw >= LEGAL_BM25 * scale or best_dense >= LEGAL_DENSE):
            route, reason = "handoff", "low_confidence"
        else:
            route, reason = "fallback", "out_of_scope"
    intent_name = getattr(intent, "name", None)
    probability = getattr(intent, "probability", None)
    return HitTest(query, route, reason or route, intent_name, probability, faq, rows, thresholds)
