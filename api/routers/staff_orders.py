"""Orders for advisers: the list by status, one order with its history, status changes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import RuntimeDep
from api.schemas import OrderId, SafeText
from api.schemas_orders import OrderOut, OrderSummary, StatusChange
from api.security import Adviser
from orders import UnknownOrder, list_orders

router = APIRouter(prefix="/api/v1/staff/orders", tags=["staff"])


@router.get("", response_model=list[OrderSummary])
def orders(rt: RuntimeDep, staff: Adviser, status: SafeText | None = None) -> list[dict[str, Any]]:
    return list_orders(rt.orders, status or None)


@router.get("/{order_id}", response_model=OrderOut)
def order(order_id: OrderId, rt: RuntimeDep, staff: Adviser) -> dict[str, Any]:
    found = rt.orders.get(order_id)
    if found is None:
        raise UnknownOrder(order_id)
    return found.to_json()


@router.post("/{order_id}/status", response_model=OrderOut)
def change_status(order_id: OrderId, body: StatusChange, rt: RuntimeDep, staff: Adviser) -> dict[str, Any]:
    return rt.orders.change_status(order_id, body.status, staff.name, body.reason).to_json()
