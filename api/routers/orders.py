"""Service orders over HTTP: place one, read it with its history, cancel it, rate it.

An order is seen only by the session that placed it: any other session, or none, gets 404 (as if it did
not exist), so order ids cannot be probed for other enterprises' details.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from api.deps import RuntimeDep
from api.schemas import OrderId, SafeText
from api.schemas_orders import OrderCancel, OrderCreate, OrderOut, OrderRating
from api.sites import record_site
from orders import UnknownOrder

router = APIRouter(prefix="/api/v1/orders", tags=["orders"])


@router.post("", status_code=201, response_model=OrderOut)
def create_order(body: OrderCreate, rt: RuntimeDep, request: Request) -> dict[str, Any]:
    data = body.model_dump(exclude={"service_id", "session_id", "lang"})
    data["consent"] = body.consent is True  # over HTTP only a JSON true is consent
    order = rt.orders.place(body.service_id, data, body.session_id, channel="web", lang=body.lang or "zh")
    if order.session_id is not None:
        record_site(request, order.session_id)
    return order.to_json()


@router.get("/{order_id}", response_model=OrderOut)
def get_order(order_id: OrderId, rt: RuntimeDep, session_id: SafeText | None = None) -> dict[str, Any]:
    order = rt.orders.get(order_id, session_id) if session_id else None
    if order is None:
        raise UnknownOrder(order_id)
    return order.to_json()


@router.post("/{order_id}/cancel", response_model=OrderOut)
def cancel_order(order_id: OrderId, body: OrderCancel, rt: RuntimeDep) -> dict[str, Any]:
    if not body.session_id:
        raise UnknownOrder(order_id)
    return rt.orders.cancel(order_id, body.session_id, body.reason).to_json()


@router.post("/{order_id}/rating", response_model=OrderOut)
def rate_order(order_id: OrderId, body: OrderRating, rt: RuntimeDep) -> dict[str, Any]:
    if not body.session_id:
        raise UnknownOrder(order_id)
    return rt.orders.rate(order_id, body.session_id, body.level, body.comment).to_json()
