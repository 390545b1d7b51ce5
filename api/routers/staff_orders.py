"""Orders for advisers: the list by status, one order with its history, status changes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from api.deps import RuntimeDep
from api.errors import error
from api.security import Adviser
from assistant.orders import OrderDesk, OrderError, UnknownOrder
from assistant.runtime import Runtime
from assistant.staff_orders import list_orders

router = APIRouter(prefix="/api/v1/staff/orders", tags=["staff"])


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="ignore")

    status: StrictStr = Field(max_length=20, description="accepted, in_progress, completed, rejected or cancelled")
    reason: StrictStr | None = Field(default=None, max_length=500, description="required to reject or cancel")


def order_desk(rt: Runtime) -> OrderDesk:
    if rt.orders is None:
        raise RuntimeError("orders are not enabled in this runtime")
    return rt.orders


def order_error(exc: OrderError) -> Any:
    return error(exc.status, exc.code, exc.message(), [{"field": exc.field or "order", "message": exc.message()}])


@router.get("", response_model=None)
def orders(rt: RuntimeDep, staff: Adviser, status: str | None = None) -> Any:
    try:
        return list_orders(order_desk(rt), status or None)
    except OrderError as exc:
        return order_error(exc)


@router.get("/{order_id}", response_model=None)
def order(order_id: int, rt: RuntimeDep, staff: Adviser) -> Any:
    found = order_desk(rt).get(order_id)
    if found is None:
        return order_error(UnknownOrder(order_id))
    return found.to_json()


@router.post("/{order_id}/status", response_model=None)
def change_status(order_id: int, body: StatusChange, rt: RuntimeDep, staff: Adviser) -> Any:
    try:
        return order_desk(rt).change_status(order_id, body.status, staff.name, body.reason).to_json()
    except OrderError as exc:
        return order_error(exc)
