"""``GET /healthz`` (the process is alive) and ``GET /readyz`` (its parts answer; 503 saying which do not)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.deps import RuntimeDep
from api.schemas import CheckOut, Health, ReadyOut
from composition.health import readiness

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
def healthz(rt: RuntimeDep) -> Health:
    return Health(status="ok", embedding_model=rt.kb.embeddings.model_id, llm=rt.settings.llm_enabled)


@router.get("/readyz", response_model=ReadyOut, responses={503: {"model": ReadyOut, "description": "not ready"}})
def readyz(rt: RuntimeDep, request: Request) -> Any:
    bot: Any = getattr(request.app.state, "telegram", None)
    state = readiness(rt, (bool(bot.ready), bot.last_error) if bot is not None else None)
    body = ReadyOut(status="ready" if state.ready else "not_ready", not_ready=state.degraded,
                    checks={k: CheckOut(ok=c.ok, detail=c.detail) for k, c in state.checks.items()})
    return JSONResponse(body.model_dump(), status_code=200 if state.ready else 503)
