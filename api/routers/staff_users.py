"""Staff accounts over HTTP, for administrators only: list, add, disable (the CLI does the same)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import RuntimeDep
from api.schemas import TextPath
from api.schemas_staff import StaffOut, UserIn
from api.security import Admin

router = APIRouter(prefix="/api/v1/staff/users", tags=["staff"])


@router.get("", response_model=list[StaffOut])
def users(rt: RuntimeDep, staff: Admin) -> list[dict[str, object]]:
    return [u.to_json() for u in rt.accounts.list()]


@router.post("", status_code=201, response_model=StaffOut)
def add_user(body: UserIn, rt: RuntimeDep, staff: Admin) -> dict[str, Any]:
    return rt.accounts.add(body.name, body.role, body.password).to_json()


@router.post("/{name}/disable", response_model=StaffOut)
def disable_user(name: TextPath, rt: RuntimeDep, staff: Admin) -> dict[str, Any]:
    return rt.accounts.disable(name).to_json()
