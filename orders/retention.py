"""Erasing the personal details of closed orders past their retention date (``retain_until``, from
``QIFA_ORDER_RETENTION_DAYS`` at consent). The order itself stays (number, service, status, dates, rating) for
statistics; its enterprise, contact, phone, credit code, preferred time, description and rating comment go.
Orders still being handled keep their details until they are closed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from db import Database
from db.models_orders import Order

CLOSED = ("completed", "cancelled", "rejected")
ERASED = "（已删除 / erased）"


def erase_expired(db: Database, now: datetime) -> int:
    """Erase the personal details of closed orders whose ``retain_until`` has passed; returns how many."""
    with db.session() as s:
        rows = s.scalars(select(Order).where(Order.status.in_(CLOSED), Order.retain_until < now,
                                             Order.phone != ""))
        n = 0
        for o in rows:
            o.enterprise_name, o.contact_name, o.phone = ERASED, ERASED, ""
            o.credit_code = o.preferred_time = o.rating_comment = None
            o.description = ERASED
            n += 1
        return n
