"""Erasing the personal details of closed orders past their retention date (``retain_until``, from
``QIFA_ORDER_RETENTION_DAYS`` at consent). The order itself stays (number, service, status, dates, rating) for
statistics; its enterprise, contact, phone, credit code, preferred time, description and rating comment go, and
so do the free-text reasons of its history (advisers' notes can quote a phone number or a name: the events
themselves, who changed what and when, stay). Orders still being handled keep their details until they are
closed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from db import Database
from db.models_orders import Order, OrderEvent

CLOSED = ("completed", "cancelled", "rejected")
ERASED = "（已删除 / erased）"


def erase_expired(db: Database, now: datetime) -> int:
    """Erase the personal details of closed orders whose ``retain_until`` has passed; returns how many."""
    with db.session() as s:
        rows = s.scalars(select(Order).where(Order.status.in_(CLOSED), Order.retain_until < now,
                                             Order.phone != ""))
        ids: list[int] = []
        for o in rows:
            o.enterprise_name, o.contact_name, o.phone = ERASED, ERASED, ""
            o.credit_code = o.preferred_time = o.rating_comment = None
            o.description = ERASED
            ids.append(o.id)
        if ids:
            s.execute(update(OrderEvent).where(OrderEvent.order_id.in_(ids), OrderEvent.reason.is_not(None),
                                               OrderEvent.reason != "").values(reason=ERASED))
        return len(ids)
