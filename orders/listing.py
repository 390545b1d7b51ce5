"""Orders as advisers see them: every enterprise's orders by status (the order desk itself only lists one
session's). Reading one order and changing its status go through ``OrderDesk``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from db.base import iso_utc
from orders.desk import STATUSES, TRANSITIONS, InvalidStatus, OrderDesk

LIST_LIMIT = 500


def list_orders(desk: OrderDesk, status: str | None = None, limit: int = LIST_LIMIT) -> list[dict[str, Any]]:
    """Order summaries, oldest first, optionally of one status, with the statuses each may move to."""
    from db.models_orders import Order

    if status is not None and status not in STATUSES:
        raise InvalidStatus(f"未知状态：{status}", f"unknown status '{status}'; one of: {', '.join(STATUSES)}",
                            "status")
    query = select(Order.id, Order.number, Order.service_name, Order.status, Order.channel, Order.enterprise_name,
                   Order.contact_name, Order.phone, Order.created_at, Order.updated_at)
    if status is not None:
        query = query.where(Order.status == status)
    with desk.db.session() as s:
        rows = s.execute(query.order_by(Order.created_at, Order.id).limit(limit)).all()
    return [{"id": r.id, "number": r.number, "service_name": r.service_name, "status": r.status,
             "channel": r.channel, "enterprise_name": r.enterprise_name, "contact_name": r.contact_name,
             "phone": r.phone, "created_at": iso_utc(r.created_at), "updated_at": iso_utc(r.updated_at),
             "next": list(TRANSITIONS.get(r.status, ()))} for r in rows]
