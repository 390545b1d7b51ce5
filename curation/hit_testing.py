"""Hit testing: a question in, the ranked passages with their keyword, dense and fused scores, the FAQ that
would answer it, and the route the engine would take — the tool staff use to find why an answer was wrong.

The route is worked out from the router's classification and the engine's published confidence thresholds
(``assistant.answerability``) in the engine's decision order (issue 11); the conversation's state (a form in
progress, an open case, a follow-up) is not taken into account, since a hit test has no conversation."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from assistant.answerability import LEGAL_BM25, LEGAL_DENSE, MIN_BM25, MIN_DENSE, answerable
from assistant.router import Router
from assistant.services import match_services
from curation.faq import FaqBook
from curation.links import DocumentLinks
from knowledge.base import KnowledgeBase
from knowledge.catalogue import Catalogue
from knowledge.termweights import query_terms
from knowledge.tokens import is_english


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


def hit_test(kb: KnowledgeBase, faqs: FaqBook, catalogue: Catalogue, router: Router, query: str,
             k: int = 10, links: DocumentLinks | None = None) -> HitTest:
    passages = kb.search(query, k=k)
    if links is not None:
        passages = links.boost(query, passages)
    scale = kb.keyword_scale()
    rows = [{"rank": n, "document_id": p.document_id, "title": p.title, "locator": p.locator, "status": p.status,
             "kind": p.kind, "fused": p.score, "keyword": p.bm25, "keyword_scaled": round(p.bm25 / scale, 4),
             "dense": p.dense, "linked": p.linked, "text": p.text[:400]} for n, p in enumerate(passages, start=1)]
    thresholds = {"min_keyword": MIN_BM25, "min_dense": MIN_DENSE, "legal_keyword": LEGAL_BM25,
                  "legal_dense": LEGAL_DENSE, "keyword_scale": round(scale, 4)}
    intent = router.classify(query)
    hit = faqs.match(query)
    faq = {"id": hit.id, "question": hit.question, "score": hit.score} if hit else None
    route, reason = _route(kb, catalogue, query, passages, scale, intent.route, intent.reason, intent.sure,
                           hit is not None)
    probability = intent.probability if intent.intent is not None else None
    return HitTest(query, route, reason, intent.intent, probability, faq, rows, thresholds)


def _route(kb: KnowledgeBase, catalogue: Catalogue, query: str, passages: list[Any], scale: float, route: str,
           reason: str | None, sure: bool, faq: bool) -> tuple[str, str]:
    """The engine's order (``Assistant._route`` then ``_answer``) without a conversation."""
    if sure and route not in ("answer", "fallback"):
        return route, reason or route  # menu, order, handoff (user_request / high_risk), unhappy, leave
    strict = not sure or route == "fallback"
    if faq:
        return "answer", "faq"
    if passages and passages[0].linked:
        return "answer", "linked_document"
    verdict = answerable(passages, scale, kb.term_weights(query_terms(query)), strict=strict,
                         english=is_english(query))
    if verdict == "yes":
        return "answer", "retrieval"
    if match_services(catalogue, query, limit=1) and not strict:
        return "answer", "service_card"
    if not sure:
        return "fallback", "clarify"
    if strict or verdict == "off_topic":
        return "fallback", "out_of_scope"
    if verdict == "unaddressed":
        return "fallback", "not_covered"
    return "handoff", "low_confidence"
