"""The advisers' desk: the queue of hand-off cases, a case with its transcript, claim, reply and close.

A case waits from its creation until an adviser first replies in it. Its waiting time is counted in office
minutes (``OfficeHours.minutes_open_between``); past ``handoff_response_minutes`` with no reply yet it is
flagged ``overdue`` in the queue. An adviser's reply is stored as a message with role ``adviser``; the web
channel delivers it over Server-Sent Events, the Telegram bot by polling ``Conversations.undelivered``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import case, func, select, update

from assistant.conversations import Conversations, StoredMessage
from assistant.ports import DANGER_REASON
from db import Database
from db.base import iso_utc, utcnow
from db.models_chat import ChatMessage, Handoff
from handoffs.cases import CaseInfo
from handoffs.office_hours import OfficeHours

STATUSES = ("open", "assigned", "closed")
MAX_REPLY = 4000
MAX_NOTE = 2000


class CaseError(Exception):
    """A refused operation on a case (a conflict with its state); ``str(exc)`` names the case and the reason
    in both languages; ``field`` is what the API names as the cause."""

    code = "case_conflict"
    field = "case"


class UnknownCase(CaseError):
    code = "unknown_case"

    def __init__(self, case_id: int) -> None:
        super().__init__(f"no hand-off case #{case_id} / 没有编号为 {case_id} 的转人工案件")


class InvalidText(CaseError):
    """Text (or a status) the desk cannot take: empty, too long, unknown."""

    code = "invalid_text"


class DangerUnconfirmed(InvalidText):
    """A close of an open danger case nobody has answered, without the staff's explicit confirmation: the person
    may still be in danger and the enterprise would be told the service has ended, so a slip must not do it."""

    code = "danger_unconfirmed"
    field = "confirm_danger"

    def __init__(self, case_id: int, message: str | None = None) -> None:
        """``message``: a surface's own words for the same refusal (the console names its box, not a field)."""
        self.case_id = case_id
        super().__init__(message or f"案件 {case_id} 涉及人身安全且尚无顾问回复：结案前须确认（confirm_danger 设为 "
                         f"true） / case #{case_id} is about a person's safety and nobody has replied: closing it "
                         "needs the confirmation (confirm_danger: true)")


@dataclass
class QueueItem:
    case: CaseInfo
    waiting_minutes: int
    office_minutes: int
    overdue: bool
    first_reply_at: datetime | None

    @property
    def danger_unanswered(self) -> bool:
        """An open danger case nobody has answered: closing it needs an explicit confirmation (console and API)."""
        c = self.case
        return c.reason == DANGER_REASON and c.status != "closed" and self.first_reply_at is None

    def to_json(self) -> dict[str, Any]:
        c = self.case
        return {"id": c.id, "session_id": c.session_id, "status": c.status, "reason": c.reason,
                "channel": c.channel, "lang": c.lang, "assigned_to": c.assigned_to,
                "created_at": iso_utc(c.created_at), "updated_at": iso_utc(c.updated_at),
                "closed_at": iso_utc(c.closed_at),
                "note": c.note, "waiting_minutes": self.waiting_minutes, "office_minutes": self.office_minutes,
                "overdue": self.overdue, "first_reply_at": iso_utc(self.first_reply_at)}


@dataclass
class CaseDetail:
    item: QueueItem
    transcript: list[StoredMessage]

    def to_json(self) -> dict[str, Any]:
        out = self.item.to_json()
        out["passages"] = self.item.case.passages
        out["transcript"] = [m.to_json() for m in self.transcript]
        return out


def _utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt


class AdviserDesk:
    def __init__(self, db: Database, conversations: Conversations, hours: OfficeHours, response_minutes: int) -> None:
        self.db = db
        self.conversations = conversations
        self.hours = hours
        self.response_minutes = response_minutes

    # ---- reading -------------------------------------------------------------------------------------
    def queue(self, status: str = "open", now: datetime | None = None) -> list[QueueItem]:
        """Cases with that status: those where a life or a liberty is at stake first, then oldest first."""
        if status not in STATUSES:
            raise InvalidText(f"unknown status '{status}'; one of: {', '.join(STATUSES)} / 未知状态")
        urgent = case((Handoff.reason == DANGER_REASON, 0), else_=1)
        with self.db.session() as s:
            rows = list(s.scalars(select(Handoff).where(Handoff.status == status)
                                  .order_by(urgent, Handoff.created_at, Handoff.id)))
            cases = [CaseInfo.from_row(h) for h in rows]
            firsts = self._first_replies(s, cases)
        return [self._item(c, firsts.get(c.id), now) for c in cases]

    def case(self, case_id: int, now: datetime | None = None) -> CaseDetail:
        with self.db.session() as s:
            h = s.get(Handoff, case_id)
            if h is None:
                raise UnknownCase(case_id)
            info = CaseInfo.from_row(h)
            firsts = self._first_replies(s, [info])
        return CaseDetail(self._item(info, firsts.get(info.id), now), self.conversations.messages(info.session_id))

    def _first_replies(self, s: Any, cases: list[CaseInfo]) -> dict[int, datetime]:
        """The first adviser message in each case's session after the case was opened."""
        out: dict[int, datetime] = {}
        for c in cases:
            first = s.scalar(select(func.min(ChatMessage.created_at)).where(
                ChatMessage.session_id == c.session_id, ChatMessage.role == "adviser",
                ChatMessage.created_at >= c.created_at))
            if first is not None:
                out[c.id] = first
        return out

    def _item(self, c: CaseInfo, first_reply: datetime | None, now: datetime | None) -> QueueItem:
        end = first_reply or c.closed_at or (now or datetime.now(UTC))
        start, end = _utc(c.created_at), _utc(end)
        waiting = max(0, int((end - start).total_seconds() // 60))
        office = int(self.hours.minutes_open_between(start, end)) if end > start else 0
        overdue = c.status != "closed" and first_reply is None and office > self.response_minutes
        return QueueItem(c, waiting, office, overdue, first_reply)

    # ---- changes ---------------------------------------------------------------------------------------
    def claim(self, case_id: int, adviser: str, _action: str = "claim") -> CaseInfo:
        """Take an open case (idempotent for its own adviser); refused when closed or someone else's."""
        adviser = _adviser(adviser)
        with self.db.session() as s:
            now = utcnow()
            done = s.execute(update(Handoff).where(Handoff.id == case_id, Handoff.status == "open")
                             .values(status="assigned", assigned_to=adviser, updated_at=now))
            h = s.get(Handoff, case_id)
            if h is None:
                raise UnknownCase(case_id)
            if getattr(done, "rowcount", 0) != 1:
                s.refresh(h)
                self._check_mine(h, adviser, _action)
            return CaseInfo.from_row(h)

    def reply(self, case_id: int, adviser: str, text: str) -> StoredMessage:
        """Store the adviser's message in the case's conversation (claiming an open case first)."""
        adviser = _adviser(adviser)
        body = (text or "").replace("\x00", "").strip() if isinstance(text, str) else ""
        if not body:
            raise InvalidText("the reply is empty / 回复内容不能为空")
        if len(body) > MAX_REPLY:
            raise InvalidText(f"the reply is {len(body)} characters, over the limit of {MAX_REPLY} "
                              f"/ 回复过长（{len(body)} 字），上限 {MAX_REPLY} 字")
        case = self.claim(case_id, adviser, "reply")
        message = self.conversations.add(case.session_id, "adviser", body, author=adviser)
        with self.db.session() as s:
            h = s.get(Handoff, case_id)
            if h is not None:
                h.updated_at = utcnow()
        return message

    def close(self, case_id: int, adviser: str, note: str | None = None, *, danger_confirmed: bool = True) -> CaseInfo:
        """Close the case; the engine answers the conversation again from the next message on.

        ``danger_confirmed``: what the staff member confirmed. The console and the API pass it, and an open danger
        case nobody has answered is then refused without it (``DangerUnconfirmed``); code closing a case on its
        own behalf passes nothing."""
        adviser = _adviser(adviser)
        note = (note or "").strip() or None
        if note is not None and len(note) > MAX_NOTE:
            raise InvalidText(f"the note is over {MAX_NOTE} characters / 备注不能超过 {MAX_NOTE} 字")
        with self.db.session() as s:
            h = s.get(Handoff, case_id)
            if h is None:
                raise UnknownCase(case_id)
            self._check_mine(h, adviser, "close")
            if not danger_confirmed and h.reason == DANGER_REASON \
                    and not self._first_replies(s, [CaseInfo.from_row(h)]):  # open (checked above), unanswered
                raise DangerUnconfirmed(case_id)
            now = utcnow()
            h.status, h.closed_at, h.updated_at, h.note = "closed", now, now, note
            h.assigned_to = h.assigned_to or adviser
            notice = CLOSED_NOTICE.get(h.lang, CLOSED_NOTICE["zh"])
            s.add(ChatMessage(session_id=h.session_id, role="system", text=notice, route="handoff", citations=[],
                              author=adviser))
            return CaseInfo.from_row(h)

    @staticmethod
    def _check_mine(h: Handoff, adviser: str, action: str) -> None:
        if h.status == "closed":
            raise CaseError(f"case #{h.id} is closed; it cannot be {_EN[action]} "
                            f"/ 案件 {h.id} 已结案，不能再{_ZH[action]}")
        if h.status == "assigned" and h.assigned_to != adviser:
            raise CaseError(f"case #{h.id} is already claimed by {h.assigned_to} "
                            f"/ 案件 {h.id} 已由 {h.assigned_to} 认领")


# Told to the enterprise, in its channel, when the adviser closes the case.
CLOSED_NOTICE = {
    "zh": "法律顾问已结束本次人工服务。之后的消息将由企法通智能助手回复；如需再次联系顾问，请回复“人工”。",
    "en": "The legal adviser has closed this conversation. qifa will answer your next messages; "
    "reply \"human\" to reach an adviser again.",
}
_ZH = {"claim": "认领", "reply": "回复", "close": "结案"}
_EN = {"claim": "claimed", "reply": "replied to", "close": "closed again"}


def _adviser(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidText("who acts on the case is required / 需要注明操作人")
    return name[:100]
