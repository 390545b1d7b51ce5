"""The order desk: create orders with their QF-YYYYMMDD-NNNN numbers, follow their status, keep their history.

Numbers come from a per-day counter row bumped by the first statement of the transaction that creates the
order (one ``INSERT … ON CONFLICT DO UPDATE … RETURNING``, which takes the write lock at once); the number
also has a unique constraint.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from assistant.conversations import Conversations
from db import Database
from db.base import iso_utc, utcnow
from db.models_orders import Order, OrderCounter, OrderEvent
from knowledge.catalogue import Catalogue, Service
from orders.validation import Bilingual, validate_form

# How long an order's personal details are kept (PIPL) unless Settings.order_retention_days says otherwise.
RETENTION_DAYS = 365
STATUSES = ("submitted", "accepted", "in_progress", "completed", "cancelled", "rejected")
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "submitted": ("accepted", "rejected", "cancelled"),
    "accepted": ("in_progress", "rejected", "cancelled"),
    "in_progress": ("completed", "cancelled"),
    "completed": (),
    "cancelled": (),
    "rejected": (),
}
NEEDS_REASON = ("cancelled", "rejected")
ENTERPRISE_CANCELLABLE = ("submitted", "accepted")
# level -> (Chinese, English); 5 is best
RATING_LEVELS: dict[int, tuple[str, str]] = {
    5: ("非常满意", "very satisfied"),
    4: ("满意", "satisfied"),
    3: ("基本满意", "fairly satisfied"),
    2: ("不满意", "dissatisfied"),
    1: ("非常不满意", "very dissatisfied"),
}
RATING_COMMENT_MAX = 500
NUMBER_RE = re.compile(r"QF-\d{8}-\d{4,}", re.I)


class OrderError(Bilingual, Exception):
    """A refused order operation (a conflict with the order's state), with a message in both languages."""

    code = "order_error"

    def __init__(self, zh: str, en: str, field: str | None = None) -> None:
        self.zh, self.en, self.field = zh, en, field
        super().__init__(f"{zh} / {en}")


class UnknownOrder(OrderError):
    code = "unknown_order"

    def __init__(self, ref: object) -> None:
        super().__init__(f"没有找到订单 {ref}（只能查看本会话提交的订单）",
                         f"no order {ref} (only orders placed in this conversation can be seen)", "order")


class UnknownService(OrderError):
    code = "unknown_service"

    def __init__(self, service_id: str) -> None:
        super().__init__(f"没有这项服务：{service_id}", f"no service '{service_id}'", "service_id")


class InvalidTransition(OrderError):
    code = "invalid_transition"


class InvalidStatus(OrderError):
    """A status name that is not one of ``STATUSES``."""

    code = "invalid_status"


class RatingRefused(OrderError):
    code = "rating_refused"


class InvalidRating(OrderError):
    code = "invalid_rating"


@dataclass
class OrderEventInfo:
    kind: str
    from_status: str | None
    to_status: str | None
    actor: str
    reason: str | None
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["created_at"] = iso_utc(self.created_at)
        return d


@dataclass
class OrderInfo:
    id: int
    number: str
    session_id: str | None
    service_id: str
    service_name: str
    status: str
    channel: str
    lang: str
    enterprise_name: str
    credit_code: str | None
    contact_name: str
    phone: str
    preferred_time: str | None
    description: str
    consent_at: datetime
    retain_until: datetime
    rating: int | None
    rating_comment: str | None
    rated_at: datetime | None
    created_at: datetime
    updated_at: datetime
    history: list[OrderEventInfo] = field(default_factory=list)

    @property
    def rating_label(self) -> str | None:
        return RATING_LEVELS[self.rating][0] if self.rating else None

    def to_json(self) -> dict[str, Any]:
        d = {k: v for k, v in self.__dict__.items() if k != "history"}
        for key in ("consent_at", "retain_until", "rated_at", "created_at", "updated_at"):
            d[key] = iso_utc(d[key])
        d["rating_label"] = self.rating_label
        d["rating_label_en"] = RATING_LEVELS[self.rating][1] if self.rating else None
        d["history"] = [e.to_json() for e in self.history]
        return d

    @classmethod
    def from_row(cls, o: Order) -> OrderInfo:
        history = [OrderEventInfo(e.kind, e.from_status, e.to_status, e.actor, e.reason, e.created_at)
                   for e in o.events]
        return cls(o.id, o.number, o.session_id, o.service_id, o.service_name, o.status, o.channel, o.lang,
                   o.enterprise_name, o.credit_code, o.contact_name, o.phone, o.preferred_time, o.description,
                   o.consent_at, o.retain_until, o.rating, o.rating_comment, o.rated_at, o.created_at,
                   o.updated_at, history)


def parse_level(level: object) -> int:
    """5..1, or a level's Chinese or English name."""
    if isinstance(level, int) and not isinstance(level, bool) and level in RATING_LEVELS:
        return level
    if isinstance(level, str):
        text = level.strip().lower()
        if text.isascii() and text.isdigit() and int(text) in RATING_LEVELS:
            return int(text)
        for value, (zh, en) in RATING_LEVELS.items():
            if text in (zh, en, en.replace(" ", "_")):
                return value
    names = "、".join(zh for zh, _ in RATING_LEVELS.values())
    names_en = ", ".join(en for _, en in RATING_LEVELS.values())
    raise InvalidRating(f"评价等级无效，请选择：{names}", f"invalid rating level; choose one of: {names_en}", "level")


class OrderDesk:
    def __init__(self, db: Database, catalogue: Catalogue, conversations: Conversations,
                 timezone: str = "Asia/Shanghai", retention_days: int = RETENTION_DAYS) -> None:
        self.db = db
        self.catalogue = catalogue
        self.conversations = conversations
        self.tz = ZoneInfo(timezone)
        self.retention_days = retention_days

    # ---- creation ------------------------------------------------------------------------------------
    def place(self, service_id: str, data: Mapping[str, object], session_id: str | None, *, channel: str,
              lang: str = "zh") -> OrderInfo:
        """An order from outside a conversation (the HTTP API). The session (UnknownSession), the service and
        every field are checked first; a new session of ``channel`` is opened only then, when none is given."""
        if session_id is not None:
            channel = self.conversations.get(session_id).channel
        svc = self.catalogue.get(service_id)
        if svc is None:
            raise UnknownService(service_id)
        clean = validate_form(svc.form_fields, data)
        if session_id is None:
            session_id = self.conversations.open(None, channel).id
        return self._store(svc, clean, session_id, channel, lang)

    def create(self, service_id: str, data: Mapping[str, object], session_id: str | None = None, *,
               channel: str | None = None, lang: str = "zh") -> OrderInfo:
        """Validate every field (FormInvalid lists the bad ones) and store the order as ``submitted``."""
        svc = self.catalogue.get(service_id)
        if svc is None:
            raise UnknownService(service_id)
        clean = validate_form(svc.form_fields, data)
        if session_id is not None:
            channel = channel or self.conversations.get(session_id).channel  # unknown: UnknownSession
        return self._store(svc, clean, session_id, channel or "web", lang)

    def _store(self, svc: Service, clean: dict[str, Any], session_id: str | None, channel: str,
               lang: str) -> OrderInfo:
        with self.db.session() as s:
            number = self._next_number(s)
            now = utcnow()
            order = Order(
                number=number, session_id=session_id, service_id=svc.id, service_name=svc.name,
                status="submitted", channel=channel, lang=lang if lang in ("zh", "en") else "zh",
                enterprise_name=clean["enterprise_name"], credit_code=clean.get("credit_code"),
                contact_name=clean["contact_name"], phone=clean["phone"],
                preferred_time=clean.get("preferred_time"), description=clean["description"],
                consent_at=now, retain_until=now + timedelta(days=self.retention_days),
                created_at=now, updated_at=now,
            )
            order.events.append(OrderEvent(kind="status", from_status=None, to_status="submitted",
                                           actor="enterprise", created_at=now))
            order.events.append(OrderEvent(
                kind="adviser_notice", actor="system", created_at=now,
                reason=f"新订单 {number}：{svc.name}（{clean['enterprise_name']}）待受理 / "
                       f"new order {number}: {svc.name_en} ({clean['enterprise_name']}) awaits acceptance"))
            s.add(order)
            s.flush()
            return OrderInfo.from_row(order)

    def _next_number(self, s: Session) -> str:
        """Bump the day's counter in one statement (``INSERT … ON CONFLICT DO UPDATE … RETURNING``, SQLite
        and PostgreSQL alike): the first statement of the order's transaction, so it holds the row's lock
        until the order is stored and two orders never share a number."""
        day = datetime.now(self.tz).strftime("%Y%m%d")
        insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
        upsert = insert(OrderCounter).values(day=day, last=1).on_conflict_do_update(
            index_elements=[OrderCounter.day], set_={"last": OrderCounter.last + 1})
        last = int(s.execute(upsert.returning(OrderCounter.last)).scalar_one())
        return f"QF-{day}-{last:04d}"

    # ---- reading ---------------------------------------------------------------------------------------
    def get(self, order_id: int, session_id: str | None = None) -> OrderInfo | None:
        """The order with its history; with ``session_id``, only if that session placed it."""
        with self.db.session() as s:
            o = s.get(Order, order_id)
            if o is None or (session_id is not None and o.session_id != session_id):
                return None
            return OrderInfo.from_row(o)

    def by_number(self, number: str, session_id: str | None = None) -> OrderInfo | None:
        with self.db.session() as s:
            o = s.scalars(select(Order).where(Order.number == number.upper())).first()
            if o is None or (session_id is not None and o.session_id != session_id):
                return None
            return OrderInfo.from_row(o)

    def list_for_session(self, session_id: str) -> list[OrderInfo]:
        """Orders placed from that session, newest first."""
        with self.db.session() as s:
            rows = s.scalars(select(Order).where(Order.session_id == session_id).order_by(Order.id.desc()))
            return [OrderInfo.from_row(o) for o in rows]

    def awaiting_rating(self, session_id: str) -> list[OrderInfo]:
        """Completed, unrated orders of the session whose rating prompt has not been shown yet."""
        with self.db.session() as s:
            rows = s.scalars(select(Order).where(
                Order.session_id == session_id, Order.status == "completed", Order.rating.is_(None),
                Order.rating_prompted.is_(False)).order_by(Order.id))
            return [OrderInfo.from_row(o) for o in rows]

    def mark_prompted(self, order_ids: list[int]) -> None:
        with self.db.session() as s:
            for oid in order_ids:
                o = s.get(Order, oid)
                if o is not None:
                    o.rating_prompted = True

    # ---- changes ---------------------------------------------------------------------------------------
    def change_status(self, order_id: int, to: str, by: str, reason: str | None = None) -> OrderInfo:
        """Move an order along its lifecycle; refuses transitions the lifecycle does not allow."""
        with self.db.session() as s:
            o = s.get(Order, order_id)
            if o is None:
                raise UnknownOrder(order_id)
            self._transition(o, to, by, reason)
            s.flush()
            return OrderInfo.from_row(o)

    def cancel(self, order_id: int, session_id: str, reason: str | None = None) -> OrderInfo:
        """The enterprise cancels its own order, while it is not yet in progress."""
        with self.db.session() as s:
            o = s.get(Order, order_id)
            if o is None or o.session_id != session_id:
                raise UnknownOrder(order_id)
            if o.status not in ENTERPRISE_CANCELLABLE:
                raise InvalidTransition(
                    f"订单 {o.number} 当前状态为“{_zh(o.status)}”，已不能取消；如需帮助请回复“人工”",
                    f"order {o.number} is {o.status.replace('_', ' ')} and can no longer be cancelled; "
                    "reply \"human\" for help", "status")
            why = (reason or "").strip() or "企业取消 / cancelled by the enterprise"
            self._transition(o, "cancelled", "enterprise", why)
            s.flush()
            return OrderInfo.from_row(o)

    def rate(self, order_id: int, session_id: str, level: object, comment: str | None = None) -> OrderInfo:
        """Keep the enterprise's rating (好差评) of a completed order; once per order."""
        value = parse_level(level)
        text = (comment or "").strip() or None
        if text is not None and len(text) > RATING_COMMENT_MAX:
            raise InvalidRating(f"评价意见不能超过 {RATING_COMMENT_MAX} 字",
                                f"the comment must be at most {RATING_COMMENT_MAX} characters", "comment")
        with self.db.session() as s:
            o = s.get(Order, order_id)
            if o is None or o.session_id != session_id:
                raise UnknownOrder(order_id)
            if o.status != "completed":
                raise RatingRefused(f"订单 {o.number} 尚未办理完成，完成后才能评价",
                                    f"order {o.number} is not completed yet; it can be rated once completed", "status")
            if o.rating is not None:
                raise RatingRefused(f"订单 {o.number} 已经评价过了", f"order {o.number} has already been rated",
                                    "level")
            now = utcnow()
            o.rating, o.rating_comment, o.rated_at, o.rating_prompted = value, text, now, True
            label = RATING_LEVELS[value][0]
            o.events.append(OrderEvent(kind="rating", actor="enterprise", created_at=now,
                                       reason=f"{label}：{text}" if text else label))
            s.flush()
            return OrderInfo.from_row(o)

    @staticmethod
    def _transition(o: Order, to: str, by: str, reason: str | None) -> None:
        if to not in STATUSES:
            raise InvalidStatus(f"未知状态：{to}", f"unknown status '{to}'; one of: {', '.join(STATUSES)}", "status")
        if to not in TRANSITIONS[o.status]:
            allowed = ", ".join(TRANSITIONS[o.status]) or "none (final)"
            raise InvalidTransition(
                f"订单 {o.number} 当前为“{_zh(o.status)}”，不能变更为“{_zh(to)}”",
                f"order {o.number} is {o.status} and cannot become {to}; allowed: {allowed}", "status")
        reason = (reason or "").strip() or None
        if to in NEEDS_REASON and reason is None:
            raise InvalidTransition(f"变更为“{_zh(to)}”需要说明原因", f"a reason is required to make it {to}", "reason")
        if not by.strip():
            raise InvalidTransition("需要注明操作人", "who made the change is required", "by")
        now = utcnow()
        o.events.append(OrderEvent(kind="status", from_status=o.status, to_status=to, actor=by.strip()[:100],
                                   reason=reason, created_at=now))
        o.status, o.updated_at = to, now


_ZH_STATUS = {"submitted": "已提交", "accepted": "已受理", "in_progress": "办理中", "completed": "已完成",
              "cancelled": "已取消", "rejected": "未受理"}


def _zh(status: str) -> str:
    return _ZH_STATUS.get(status, status)
