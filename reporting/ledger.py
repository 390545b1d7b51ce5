"""The service ledger (服务台账) the bureau reports from: one CSV row per order placed in the period.

UTF-8 with a byte-order mark so that Excel opens it as UTF-8; cells that a spreadsheet would read as a
formula (starting with = + - @) are prefixed with an apostrophe."""

from __future__ import annotations

import csv
import io
from collections import defaultdict

from sqlalchemy import select

from db import Database
from db.models_orders import Order, OrderEvent
from knowledge.catalogue import Catalogue
from reporting.period import Period

STATUS_COLUMNS = (("submitted", "提交时间 Submitted"), ("accepted", "受理时间 Accepted"),
                  ("in_progress", "办理时间 In progress"), ("completed", "完成时间 Completed"),
                  ("cancelled", "取消时间 Cancelled"), ("rejected", "不予受理时间 Rejected"))
HEADER = ["编号 Number", "企业 Enterprise", "统一社会信用代码 Credit code", "服务 Service", "类别 Category",
          "渠道 Channel", "状态 Status", *[label for _, label in STATUS_COLUMNS], "顾问 Adviser", "评价 Rating"]
NOT_ADVISERS = {"enterprise", "system"}


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def ledger_csv(db: Database, catalogue: Catalogue, period: Period) -> str:
    lo, hi = period.bounds()
    with db.session() as s:
        orders = list(s.scalars(select(Order).where(Order.created_at >= lo, Order.created_at < hi)
                                .order_by(Order.created_at, Order.id)))
        ids = [o.id for o in orders]
        events: dict[int, list[OrderEvent]] = defaultdict(list)
        if ids:
            for e in s.scalars(select(OrderEvent).where(OrderEvent.order_id.in_(ids)).order_by(OrderEvent.id)):
                events[e.order_id].append(e)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    fmt = "%Y-%m-%d %H:%M"
    for o in orders:
        reached = {"submitted": period.local(o.created_at).strftime(fmt)}
        adviser = ""
        for e in events[o.id]:
            if e.kind == "status" and e.to_status and e.to_status not in reached:
                reached[e.to_status] = period.local(e.created_at).strftime(fmt)
            if e.kind == "status" and e.actor not in NOT_ADVISERS:
                adviser = e.actor
        service = catalogue.get(o.service_id)
        writer.writerow([_cell(v) for v in (
            o.number, o.enterprise_name, o.credit_code, o.service_name, service.category if service else "",
            o.channel, o.status, *[reached.get(key, "") for key, _ in STATUS_COLUMNS], adviser,
            o.rating if o.rating is not None else "")])
    return out.getvalue()
