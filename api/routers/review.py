"""What curators learn from: the review queue (questions refused, handed off or disliked, grouped), the documents
linked from it, and the intents' example phrasings, for curators and administrators."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from api.deps import RuntimeDep
from api.schemas import INT64_MAX, SafeText
from api.schemas_curation import (
    DocumentLinkOut,
    IntentExampleIn,
    IntentExampleOut,
    IntentSummaryOut,
    ReviewActionIn,
    ReviewActionOut,
    ReviewGroupOut,
)
from api.security import Curator

router = APIRouter(prefix="/api/v1", tags=["curation"])
GroupKey = Annotated[int, Path(ge=1, le=INT64_MAX, description="the review group's key")]
ExampleId = Annotated[int, Path(ge=1, le=INT64_MAX, description="the curated example's id")]
LinkId = Annotated[int, Path(ge=1, le=INT64_MAX, description="the linked question's message id")]


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
