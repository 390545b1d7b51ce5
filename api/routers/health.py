"""``GET /healthz``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import RuntimeDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(rt: RuntimeDep) -> dict[str, Any]:
    return {"status": "ok", "embedding_model": rt.kb.embeddings.model_id, "llm": rt.settings.llm_enabled}
