"""Hand-off cases for advisers: the queue, one case with its transcript, claim, reply, close."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from api.deps import RuntimeDep
from api.errors import error
from api.security import Adviser
from assistant.advisers import AdviserDesk, CaseError
from assistant.runtime import Runtime

router = APIRouter(prefix="/api/v1/handoffs", tags=["handoffs"])


class ReplyIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    text: StrictStr = Field(min_length=1, max_length=4000, description="the adviser's message (1-4,000 characters)")


class CloseIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    note: StrictStr | None = Field(default=None, max_length=2000, description="an internal note on the outcome")


def desk(rt: Runtime) -> AdviserDesk:
    if rt.advisers is None:
        raise RuntimeError("the advisers' desk is not enabled in this runtime")
    return rt.advisers


def case_error(exc: CaseError) -> JSONResponse:
    return error(exc.status, exc.code, str(exc), [{"field": "case", "message": str(exc)}])


@router.get("")
def queue(rt: RuntimeDep, staff: Adviser,
          status: Literal["open", "assigned", "closed"] = "open") -> list[dict[str, Any]]:
    return [item.to_json() for item in desk(rt).queue(status)]


@router.get("/{case_id}", response_model=None)
def case(case_id: int, rt: RuntimeDep, staff: Adviser) -> Any:
    try:
        return desk(rt).case(case_id).to_json()
    except CaseError as exc:
        return case_error(exc)


@router.post("/{case_id}/claim", response_model=None)
def claim(case_id: int, rt: RuntimeDep, staff: Adviser) -> Any:
    try:
        desk(rt).claim(case_id, staff.name)
        return desk(rt).case(case_id).item.to_json()
    except CaseError as exc:
        return case_error(exc)


@router.post("/{case_id}/reply", status_code=201, response_model=None)
def reply(case_id: int, body: ReplyIn, rt: RuntimeDep, staff: Adviser) -> Any:
    try:
        return desk(rt).reply(case_id, staff.name, body.text).to_json()
    except CaseError as exc:
        return case_error(exc)


@router.post("/{case_id}/close", response_model=None)
def close(case_id: int, rt: RuntimeDep, staff: Adviser, body: CloseIn | None = None) -> Any:
    try:
        desk(rt).close(case_id, staff.name, body.note if body else None)
        return desk(rt).case(case_id).item.to_json()
    except CaseError as exc:
        return case_error(exc)
