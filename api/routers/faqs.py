"""Curated questions and answers (常见问题), hit testing and the review queue, for curators and administrators."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from api.deps import RuntimeDep
from api.schemas import INT64_MAX, SafeText, TextPath, storable
from api.schemas_curation import (
    DocumentLinkOut,
    FaqIn,
    FaqOut,
    HitTestOut,
    IntentExampleIn,
    IntentExampleOut,
    IntentSummaryOut,
    ReviewActionIn,
    ReviewActionOut,
    ReviewGroupOut,
)
from api.security import Curator
from curation import hit_test

router = APIRouter(prefix="/api/v1", tags=["curation"])
FaqId = Annotated[int, Path(ge=1, le=INT64_MAX, description="the FAQ id")]
GroupKey = Annotated[int, Path(ge=1, le=INT64_MAX, description="the review group's key")]
ExampleId = Annotated[int, Path(ge=1, le=INT64_MAX, description="the curated example's id")]
LinkId = Annotated[int, Path(ge=1, le=INT64_MAX, description="the linked question's message id")]


@router.get("/faqs", response_model=list[FaqOut])
def faqs(rt: RuntimeDep, staff: Curator) -> list[dict[str, Any]]:
    return [e.to_json() for e in rt.faqs.entries()]


@router.post("/faqs", status_code=201, response_model=FaqOut)
def add_faq(body: FaqIn, rt: RuntimeDep, staff: Curator) -> dict[str, Any]:
    return rt.faqs.add(body.question, body.variants, body.answer, staff.name).to_json()


@router.get("/faqs/{faq_id}", response_model=FaqOut)
def faq(faq_id: FaqId, rt: RuntimeDep, staff: Curator) -> dict[str, Any]:
    return rt.faqs.get(faq_id).to_json()


@router.put("/faqs/{faq_id}", response_model=FaqOut)
def edit_faq(faq_id: FaqId, body: FaqIn, rt: RuntimeDep, staff: Curator) -> dict[str, Any]:
    return rt.faqs.update(faq_id, body.question, body.variants, body.answer, staff.name).to_json()


@router.delete("/faqs/{faq_id}", response_model=FaqOut)
def remove_faq(faq_id: FaqId, rt: RuntimeDep, staff: Curator) -> dict[str, Any]:
    return rt.faqs.remove(faq_id, staff.name).to_json()


@router.get("/search", response_model=HitTestOut)
def search(rt: RuntimeDep, staff: Curator, q: Annotated[SafeText, Query(min_length=1, max_length=2000)],
           k: Annotated[int, Query(ge=1, le=50)] = 10) -> dict[str, Any]:
    """Hit testing: the ranked passages with keyword, dense and fused scores, the FAQ that would answer, and the
    route the engine would take."""
    return hit_test(rt.kb, rt.faqs, rt.catalogue, rt.assistant.router, q, k, rt.links).to_json()


@router.get("/review", response_model=list[ReviewGroupOut])
def review(rt: RuntimeDep, staff: Curator) -> list[dict[str, Any]]:
    return [g.to_json() for g in rt.review.groups()]


@router.post("/review/{key}", response_model=ReviewActionOut)
def decide(key: GroupKey, body: ReviewActionIn, rt: RuntimeDep, staff: Curator) -> dict[str, Any]:
    return rt.review.decide(key, body.action, staff.name, body.answer, body.question, body.document_id, body.intent)


@router.get("/review/links", response_model=list[DocumentLinkOut])
def document_links(rt: RuntimeDep, staff: Curator) -> list[dict[str, Any]]:
    """Questions linked to a document from the review queue (action "document"): similar questions find it first."""
    return rt.links.listing()


@router.delete("/review/links/{message_id}", response_model=DocumentLinkOut)
def remove_document_link(message_id: LinkId, rt: RuntimeDep, staff: Curator) -> dict[str, Any]:
    """Undo a link (every process within a second); the question goes back to the review queue."""
    return rt.links.remove(message_id, staff.name)


@router.get("/intents", response_model=list[IntentSummaryOut])
def intents(rt: RuntimeDep, staff: Curator) -> list[dict[str, Any]]:
    """Each intent with its shipped and curated example counts."""
    return rt.intents.summary()


@router.get("/intents/examples", response_model=list[IntentExampleOut])
def intent_examples(rt: RuntimeDep, staff: Curator,
                    intent: Annotated[SafeText, Query(max_length=40)] = "") -> list[dict[str, Any]]:
    """The phrasings curators added (the shipped examples are in knowledge/content/intents/)."""
    return [e.to_json() for e in rt.intents.entries(intent)]


@router.post("/intents/examples", status_code=201, response_model=IntentExampleOut)
def add_intent_example(body: IntentExampleIn, rt: RuntimeDep, staff: Curator) -> dict[str, Any]:
    """Add a phrasing to an intent; the classifier is refitted at once (other processes within a second)."""
    return rt.intents.add(body.intent, body.text, staff.name).to_json()


@router.delete("/intents/examples/{example_id}", response_model=IntentExampleOut)
def remove_intent_example(example_id: ExampleId, rt: RuntimeDep, staff: Curator) -> dict[str, Any]:
    return rt.intents.remove(example_id, staff.name).to_json()


@router.patch("/services/{service_id}", response_model=dict[str, Any])
def edit_service(service_id: TextPath, body: dict[str, Any], rt: RuntimeDep, staff: Curator) -> dict[str, Any]:
    """Change any catalogue fields of a service (checked like the YAML); takes effect at once, re-indexed."""
    return rt.services.edit(service_id, storable(body), staff.name).to_public_dict()


@router.delete("/services/{service_id}/edits", response_model=dict[str, Any])
def reset_service(service_id: TextPath, rt: RuntimeDep, staff: Curator) -> dict[str, Any]:
    """Drop the edits: the service as shipped."""
    return rt.services.reset(service_id, staff.name).to_public_dict()
