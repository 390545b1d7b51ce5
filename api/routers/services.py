"""The service catalogue: ``GET /api/v1/services`` (filter by category or scenario) and one service by id."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import RuntimeDep
from api.schemas import SafeText, ServiceOut, TextPath
from orders import UnknownService

router = APIRouter(prefix="/api/v1/services", tags=["services"])


@router.get("", response_model=list[ServiceOut])
def list_services(rt: RuntimeDep, category: SafeText | None = None,
                  scenario: SafeText | None = None) -> list[dict[str, Any]]:
    """Every service, or those of a category / scenario named in Chinese (法律咨询) or English (Legal consultation)."""
    services = list(rt.catalogue.services)
    if category:  # an unknown one: 422 naming the field (knowledge.catalogue.UnknownGroup)
        services = [s for s in rt.catalogue.by_category(category) if s in services]
    if scenario:
        services = [s for s in rt.catalogue.by_scenario(scenario) if s in services]
    return [s.to_public_dict() for s in services]


@router.get("/{service_id}", response_model=ServiceOut)
def get_service(service_id: TextPath, rt: RuntimeDep) -> dict[str, Any]:
    svc = rt.catalogue.get(service_id)
    if svc is None:
        raise UnknownService(service_id)
    return svc.to_public_dict()
