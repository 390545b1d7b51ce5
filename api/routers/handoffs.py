"""Hand-off cases for advisers: the queue, one case with its transcript, claim, reply, close."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter

from api.deps import RuntimeDep
from api.schemas import CaseId, MessageOut
from api.schemas_staff import CaseDetailOut, CaseOut, CloseIn, ReplyIn
from api.security import Adviser

router = APIRouter(prefix="/api/v1/handoffs", tags=["handoffs"])


@router.get("", response_model=list[CaseOut])
def queue(rt: RuntimeDep, staff: Adviser,
          status: Literal["open", "assigned", "closed"] = "open") -> list[dict[str, Any]]:
    return [item.to_json() for item in rt.advisers.queue(status)]


@router.get("/{case_id}", response_model=CaseDetailOut)
def case(case_id: CaseId, rt: RuntimeDep, staff: Adviser) -> dict[str, Any]:
    return rt.advisers.case(case_id).to_json()


@router.post("/{case_id}/claim", response_model=CaseOut)
def claim(case_id: CaseId, rt: RuntimeDep, staff: Adviser) -> dict[str, Any]:
    rt.advisers.claim(case_id, staff.name)
    return rt.advisers.case(case_id).item.to_json()


@router.post("/{case_id}/reply", status_code=201, response_model=MessageOut)
def reply(case_id: CaseId, body: ReplyIn, rt: RuntimeDep, staff: Adviser) -> dict[str, Any]:
    return rt.advisers.reply(case_id, staff.name, body.text).to_json()


@router.post("/{case_id}/close", response_model=CaseOut)
def close(case_id: CaseId, rt: RuntimeDep, staff: Adviser, body: CloseIn | None = None) -> dict[str, Any]:
    """A danger case nobody has answered closes only with ``confirm_danger: true`` (422 without it)."""
    body = body or CloseIn()
    rt.advisers.close(case_id, staff.name, body.note, danger_confirmed=body.confirm_danger)
    return rt.advisers.case(case_id).item.to_json()


@router.post("/{case_id}/should-answer", response_model=CaseOut)
def should_answer(case_id: CaseId, rt: RuntimeDep, staff: Adviser) -> dict[str, Any]:
    """Mark the case: the assistant should have answered it; its question joins the curators' review queue."""
    item = rt.advisers.case(case_id).item
    rt.review.mark(case_id, item.case.session_id, staff.name)
    return item.to_json()
