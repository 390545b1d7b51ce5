"""The audit log of curation changes, for administrators."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import RuntimeDep
from api.schemas import SafeText
from api.schemas_curation import AuditOut
from api.security import Admin

router = APIRouter(prefix="/api/v1/audit", tags=["curation"])


@router.get("", response_model=list[AuditOut])
def audit(rt: RuntimeDep, staff: Admin, limit: Annotated[int, Query(ge=1, le=1000)] = 100,
          offset: Annotated[int, Query(ge=0, le=10**9)] = 0, action: Annotated[SafeText, Query(max_length=50)] = "",
          target: Annotated[SafeText, Query(max_length=200)] = "") -> list[dict[str, Any]]:
    return [e.to_json() for e in rt.audit.entries(limit, offset, action or None, target or None)]
