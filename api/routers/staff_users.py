"""Staff accounts over HTTP, for administrators only: list, add, disable (the CLI does the same)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from api.errors import error
from api.security import Admin, accounts_of
from assistant.accounts import AccountError

router = APIRouter(prefix="/api/v1/staff/users", tags=["staff"])


class UserIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: StrictStr = Field(max_length=100)
    role: StrictStr = Field(description="adviser, curator or admin")
    password: StrictStr = Field(max_length=1024, description="at least 8 characters")


def account_error(exc: AccountError) -> Any:
    return error(exc.status, exc.code, str(exc), [{"field": "user", "message": str(exc)}])


@router.get("")
def users(request: Request, staff: Admin) -> list[dict[str, object]]:
    return [u.to_json() for u in accounts_of(request).list()]


@router.post("", status_code=201, response_model=None)
def add_user(body: UserIn, request: Request, staff: Admin) -> Any:
    try:
        return accounts_of(request).add(body.name, body.role, body.password).to_json()
    except AccountError as exc:
        return account_error(exc)


@router.post("/{name}/disable", response_model=None)
def disable_user(name: str, request: Request, staff: Admin) -> Any:
    try:
        return accounts_of(request).disable(name).to_json()
    except AccountError as exc:
        return account_error(exc)
