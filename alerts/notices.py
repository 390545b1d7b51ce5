"""Notices: what curators publish (or a tagged document's change publishes), fanned out at once to one
delivery row per subscriber of any of its topics (the dispatcher sends them; see ``alerts.dispatch``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import func, insert, literal, select, update
from sqlalchemy.orm import Session

from alerts.dispatch import to_recall
from alerts.errors import InvalidNotice, NoticeWithdrawn, UnknownNotice
from alerts.render import WEB_ROUTE, WITHDRAWN_TEXT
from alerts.topics import Topics, shipped_topics
from db import Database
from db.base import iso_utc, utcnow
from db.models_alerts import Delivery, DocumentTopics, Notice, Subscription
from db.models_chat import ChatMessage, ChatSession

TITLE_MAX, BODY_MAX, LINKS_MAX, LINK_MAX = 200, 4000, 10, 1000
URL = re.compile(r"^https?://[^\s<>\"']+$")
CHANGES = {"added": ("新增", "added"), "amended": ("修订", "amended"), "repealed": ("废止", "repealed"),
           "in_force": ("恢复现行有效", "back in force")}


class Auditor(Protocol):
    """The audit log (``curation.AuditLog``)."""

    def record(self, actor: str, action: str, target: str, before: Any = None, after: Any = None,
               session: Session | None = None) -> None: ...


@dataclass
class NoticeInfo:
    id: int
    title: str
    body: str
    topics: list[str]
    links: list[str]
    document_id: str | None
    change: str
    created_by: str
    created_at: str
    recipients: int
    delivered: int = 0
    pending: int = 0
    failed: int = 0
    withdrawn_at: str | None = None
    withdrawn_by: str | None = None
    recalled: int = 0  # Telegram copies edited into the withdrawal line (web copies are replaced at once)

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _text(field: str, value: object, limit: int) -> str:
    if not isinstance(value, str):
        raise InvalidNotice(field, f"{field} must be text / {field} 必须是文本")
    value = value.replace("\r\n", "\n").strip()
    if not value:
        raise InvalidNotice(field, f"{field} is empty / {field} 不能为空")
    if len(value) > limit:
        raise InvalidNotice(field, f"{field} is {len(value)} characters, over the limit of {limit} / "
                                   f"{field} 超过 {limit} 个字符")
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in value):
        raise InvalidNotice(field, f"{field} contains control characters / {field} 含有控制字符")
    return value


def check_links(links: object) -> list[str]:
    if not isinstance(links, list) or not all(isinstance(u, str) for u in links):
        raise InvalidNotice("links", "links must be a list of URLs / 链接应为网址列表")
    if len(links) > LINKS_MAX:
        raise InvalidNotice("links", f"at most {LINKS_MAX} links / 最多 {LINKS_MAX} 个链接")
    out = [u.strip() for u in links if u.strip()]
    for u in out:
        if len(u) > LINK_MAX or not URL.match(u):
            raise InvalidNotice("links", f"'{u[:60]}' is not an http(s) URL / 链接应以 http:// 或 https:// 开头")
    return out


class Notices:
    def __init__(self, db: Database, audit: Auditor, topics: Topics | None = None) -> None:
        self.db, self.audit = db, audit
        self.topics = topics or shipped_topics()

    def publish(self, title: object, body: object, topics: object, links: object, actor: str,
                document_id: str | None = None, change: str = "notice") -> NoticeInfo:
        """Check everything first (nothing is written for bad input), then store the notice, one pending delivery
        per subscriber of any of its topics, and the audit entry, in one transaction."""
        title_s, body_s = _text("title", title, TITLE_MAX), _text("body", body, BODY_MAX)
        if not isinstance(topics, list) or not all(isinstance(n, str) for n in topics) or not topics:
            raise InvalidNotice("topics", "name at least one topic / 至少选择一个主题")
        ids = self.topics.resolve(topics)
        urls = check_links(links)
        with self.db.session() as s:
            notice = Notice(title=title_s, body=body_s, topics=ids, links=urls, document_id=document_id,
                            change=change, created_by=actor)
            s.add(notice)
            s.flush()
            now = utcnow()
            subscribers = (select(Subscription.session_id, ChatSession.channel)
                           .join(ChatSession, ChatSession.id == Subscription.session_id)
                           .where(Subscription.topic.in_(ids)).distinct().subquery())
            rows = select(literal(notice.id), subscribers.c.session_id, subscribers.c.channel, literal("pending"),
                          literal(0), literal(now))
            result = s.execute(insert(Delivery).from_select(
                ["notice_id", "session_id", "channel", "status", "attempts", "next_attempt_at"], rows))
            notice.recipients = int(getattr(result, "rowcount", 0) or 0)
            self.audit.record(actor, "notice.publish", f"notice:{notice.id}", None,
                              {"title": title_s, "topics": ids, "links": urls, "document_id": document_id,
                               "change": change, "recipients": notice.recipients}, session=s)
            return self._info(notice, {})

    def withdraw(self, notice_id: int, actor: str) -> NoticeInfo:
        """Take a notice back (published by mistake, or wrong): deliveries not yet sent are dropped (one under
        way when it is withdrawn is not tried again), the copies already in web conversations are replaced by a
        line saying it was withdrawn, and ``/alert_ask`` on it says so; one transaction, audited. Telegram
        copies already sent are queued for recall: the dispatcher edits them into the same line."""
        with self.db.session() as s:
            # the conditional update is the one place two curators withdrawing at once are told apart; it also
            # holds the notice's row until the end, so a web delivery under way waits for it (alerts.web)
            taken = s.execute(update(Notice).where(Notice.id == notice_id, Notice.withdrawn_at.is_(None))
                              .values(withdrawn_at=utcnow(), withdrawn_by=actor)
                              .execution_options(synchronize_session=False))
            if not getattr(taken, "rowcount", 0):
                if s.get(Notice, notice_id) is None:
                    raise UnknownNotice(notice_id)
                raise NoticeWithdrawn(notice_id)
            # copies that reached a Telegram chat, whole or in part (a long notice that failed part-way)
            recalls = s.execute(to_recall(Delivery.notice_id == notice_id))
            dropped = s.execute(update(Delivery).where(Delivery.notice_id == notice_id,
                                                       Delivery.status.in_(("pending", "failed")))
                                .values(status="withdrawn", claimed_by=None))
            shown = (select(Delivery.session_id).where(Delivery.notice_id == notice_id, Delivery.channel == "web",
                                                       Delivery.status == "sent").scalar_subquery())
            replaced = 0
            for msg in s.scalars(select(ChatMessage).where(ChatMessage.session_id.in_(shown),
                                                           ChatMessage.route == WEB_ROUTE,
                                                           ChatMessage.role == "system")):
                if any(isinstance(c, dict) and c.get("notice_id") == notice_id for c in msg.citations or []):
                    msg.text, msg.citations = WITHDRAWN_TEXT, []
                    replaced += 1
            notice = s.get(Notice, notice_id)
            assert notice is not None
            s.refresh(notice)
            self.audit.record(actor, "notice.withdraw", f"notice:{notice_id}", {"title": notice.title},
                              {"dropped": int(getattr(dropped, "rowcount", 0) or 0), "web_replaced": replaced,
                               "to_recall": int(getattr(recalls, "rowcount", 0) or 0)},
                              session=s)
            s.flush()
            return self._info(notice, self._counts(s, [notice_id]).get(notice_id, {}))

    def get(self, notice_id: int) -> NoticeInfo | None:
        with self.db.session() as s:
            row = s.get(Notice, notice_id)
            return self._info(row, self._counts(s, [notice_id]).get(notice_id, {})) if row else None

    def recent(self, limit: int = 50) -> list[NoticeInfo]:
        with self.db.session() as s:
            rows = list(s.scalars(select(Notice).order_by(Notice.id.desc()).limit(limit)))
            counts = self._counts(s, [r.id for r in rows])
            return [self._info(r, counts.get(r.id, {})) for r in rows]

    @staticmethod
    def _counts(s: Session, ids: list[int]) -> dict[int, dict[str, int]]:
        out: dict[int, dict[str, int]] = {}
        for nid, status, n in s.execute(select(Delivery.notice_id, Delivery.status, func.count())
                                        .where(Delivery.notice_id.in_(ids))
                                        .group_by(Delivery.notice_id, Delivery.status)):
            out.setdefault(nid, {})[status] = int(n)
        return out

    @staticmethod
    def _info(n: Notice, counts: dict[str, int]) -> NoticeInfo:
        delivered = sum(counts.get(k, 0) for k in ("sent", "recall", "recalling", "recalled", "unrecalled"))
        return NoticeInfo(n.id, n.title, n.body, list(n.topics), list(n.links), n.document_id, n.change,
                          n.created_by, iso_utc(n.created_at) or "", n.recipients, delivered,
                          counts.get("pending", 0) + counts.get("sending", 0), counts.get("failed", 0),
                          iso_utc(n.withdrawn_at), n.withdrawn_by, counts.get("recalled", 0))


class DocumentAlerts:
    """Topics as part of a document's metadata, and the notice published when a tagged document is added or
    amended through curation (``curation.DocumentDesk`` calls it)."""

    def __init__(self, db: Database, notices: Notices) -> None:
        self.db, self.notices = db, notices

    def check(self, names: list[str]) -> list[str]:
        return self.notices.topics.resolve(names)

    def of(self, document_id: str) -> list[str]:
        with self.db.session() as s:
            row = s.get(DocumentTopics, document_id)
            return list(row.topics) if row else []

    def tag(self, document_id: str, names: list[str]) -> list[str]:
        ids = self.check(names)
        with self.db.session() as s:
            row = s.get(DocumentTopics, document_id) or DocumentTopics(document_id=document_id)
            row.topics = ids
            s.add(row)
        return ids

    def changed(self, document_id: str, title: str, change: str, actor: str, link: str | None = None) -> int | None:
        """Publish the notice of a tagged document's change (``added``, ``amended``, ``repealed``); the notice's
        id, or None when the document has no topics."""
        topics = self.of(document_id)
        if not topics:
            return None
        zh, en = CHANGES.get(change, (change, change))
        body = (f"知识库文件《{title[:150]}》已{zh}。请核对本企业的相关制度和做法；如需帮助，可直接提问或预约服务。\n"
                f"The document “{title[:150]}” was {en} in the knowledge base. Check your own rules and practice; "
                "ask about it or order a service if you need help.")
        info = self.notices.publish(f"《{title[:150]}》已{zh} / {en}", body, topics, [link] if link else [], actor,
                                    document_id=document_id, change=change)
        return info.id
