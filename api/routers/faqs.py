"""Curated questions and answers (常见问题), hit testing and catalogue edits, for curators and administrators
(the review queue, its document links and the intent examples: ``api.routers.review``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from api.deps import RuntimeDep
from api.schemas import INT64_MAX, SafeText, TextPath, storable
from api.schemas_curation import (
    FaqIn,
    FaqOut,
    HitTestOut,
)
from api.security import Curator
from curation import hit_test

router = APIRouter(prefix="/api/v1", tags=["curation"])
FaqId = Annotated[int, Path(ge=1, le=INT64_MAX, description="the FAQ id")]


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


@router.patch("/services/{service_id}", response_model=dict[str, Any])
def edit_service(service_id: TextPath, body: dict[str, Any], rt: RuntimeDep, staff: Curator) -> dict[str, Any]:
    """Change any catalogue fields of a service (checked like the YAML); takes effect at once, re-indexed."""
    return rt.services.edit(service_id, storable(body), staff.name).to_public_dict()


@router.delete("/services/{service_id}/edits", response_model=dict[str, Any])
def reset_service(service_id: TextPath, rt: RuntimeDep, staff: Curator) -> dict[str, Any]:
    """Drop the edits: the service as shipped."""
    return rt.services.reset(service_id, staff.name).to_public_dict()
