"""The service catalogue: ``GET /api/v1/services`` (filter by category or scenario) and one service by id."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import RuntimeDep
from api.errors import error

router = APIRouter(prefix="/api/v1/services", tags=["services"])


@router.get("", response_model=None)
def list_services(rt: RuntimeDep, category: str | None = None, scenario: str | None = None) -> Any:
    """Every service, or those of a category / scenario named in Chinese (法律咨询) or English (Legal consultation)."""
    services = list(rt.catalogue.services)
    try:
        if category:
            services = [s for s in rt.catalogue.by_category(category) if s in services]
        if scenario:
            services = [s for s in rt.catalogue.by_scenario(scenario) if s in services]
    except ValueError as exc:
        field = "category" if category and "category" in str(exc) else "scenario"
        message = f"{exc} / 未知的{'服务类别' if field == 'category' else '服务场景'}"
        return error(422, "invalid_request", message, [{"field": field, "message": message}])
    return [s.to_public_dict() for s in services]


@router.get("/{service_id}", response_model=None)
def get_service(service_id: str, rt: RuntimeDep) -> Any:
    svc = rt.catalogue.get(service_id)
    if svc is None:
        message = f"没有这项服务：{service_id} / no service '{service_id}'"
        return error(404, "unknown_service", message, [{"field": "service_id", "message": message}])
    return svc.to_public_dict()
