"""``GET /healthz``."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import RuntimeDep
from api.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz(rt: RuntimeDep) -> Health:
    return Health(status="ok", embedding_model=rt.kb.embeddings.model_id, llm=rt.settings.llm_enabled)
