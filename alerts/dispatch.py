"""The dispatcher: claims due deliveries, sends each through its channel, records the outcome.

- Claiming is one ``UPDATE … SET status='sending', claimed_by=<token> WHERE id IN (due ids) AND
  status='pending'``: a row is claimed by one process only, however many dispatchers run (``qifa serve``
  workers, ``qifa alerts dispatch``); the unique (notice, subscriber) constraint means no second row exists.
- A failure the channel may get over (network, flood control) is retried after ``backoff_s`` × 2^(attempt-1)
  (or Telegram's retry_after), up to ``max_attempts``; a permanent one (the user blocked the bot) fails at once.
- A claim older than ``lease_s`` (its process died while sending) goes back to pending. The one window where a
  message could go twice is a process dying between the channel's send and the update that records it.
- Recalls: a notice withdrawn after a Telegram copy went out leaves that delivery in ``recall``; it is claimed the
  same way (``recalling``) and the channel edits the copy into the withdrawal line (``recalled``), retried like a
  send; one Telegram refuses for good ends ``unrecalled``. A copy whose send finishes after the withdrawal is
  put in ``recall`` by the update that records it.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import case, select, update

from alerts.limits import SendLimits
from alerts.render import NoticeMessage
from db import Database
from db.base import utcnow
from db.models_alerts import Delivery, Notice
from db.models_chat import ChatSession

log = logging.getLogger("qifa.alerts")


class DeliveryFailed(Exception):
    """A send that did not happen; ``permanent`` ones are not retried, ``retry_after`` overrides the backoff."""

    def __init__(self, reason: str, permanent: bool = False, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.permanent, self.retry_after = permanent, retry_after
        self.sent: list[int] = []  # the messages of a several-part send that went out before it failed


@dataclass
class Job:
    delivery_id: int
    token: str
    session_id: str
    channel: str
    external_id: str | None
    lang: str
    attempt: int
    notice: NoticeMessage
    recall: bool = False  # take back the copy sent before the notice was withdrawn (``message_ids``)
    message_ids: list[int] = field(default_factory=list)


class Sender(Protocol):
    """A channel's way to deliver one notice (web: bot message in the session; Telegram: a chat message)."""

    limited: bool  # paced by the send limits (Telegram) or not (the web store)

    async def send(self, job: Job) -> list[int] | None:
        """Deliver it; the ids of the messages sent when the channel can take them back later (Telegram)."""


@runtime_checkable
class Recaller(Sender, Protocol):
    """A channel whose sent copies can be taken back when their notice is withdrawn (the web store replaces its
    copies in the withdrawal's own transaction, so only Telegram recalls)."""

    async def recall(self, job: Job) -> None: ...


SENDING, RECALLING = ("pending", "sending"), ("recall", "recalling")  # (due, claimed) of the two kinds of job


def to_recall(*where: Any) -> Any:
    """The one statement that queues recalls: the deliveries matching ``where`` that reached a Telegram chat, whole
    or in part (their message ids were kept; still ``sent``, or ``pending``/``failed`` after a part-way send)."""
    return (update(Delivery).where(Delivery.status.in_(("sent", "pending", "failed")),
                                   Delivery.message_ids.is_not(None), *where)
            .values(status=RECALLING[0], attempts=0, next_attempt_at=utcnow(), claimed_by=None, error=None)
            .execution_options(synchronize_session=False))


@dataclass
class DispatchReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    recalled: int = 0  # copies of withdrawn notices taken back
    errors: list[str] = field(default_factory=list)

    def add(self, other: DispatchReport) -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        self.recalled += other.recalled
        self.errors += other.errors[:20]

    def to_json(self) -> dict[str, int]:
        return {"sent": self.sent, "retried": self.retried, "failed": self.failed, "recalled": self.recalled}


class Dispatcher:
    def __init__(self, db: Database, senders: dict[str, Sender], limits: SendLimits | None = None, *,
                 max_attempts: int = 5, backoff_s: float = 30.0, lease_s: float = 300.0, batch: int = 200,
                 concurrency: int = 25) -> None:
        self.db, self.senders = db, senders
        self.limits = limits or SendLimits()
        self.max_attempts, self.backoff_s, self.lease_s = max_attempts, backoff_s, lease_s
        self.batch, self.concurrency = batch, concurrency

    # ---- the store ---------------------------------------------------------------------------------------
    def claim(self, limit: int | None = None, due_by: datetime | None = None) -> list[Job]:
        """Claim up to ``limit`` deliveries of the channels this dispatcher can send to, due by ``due_by``
        (default now)."""
        token = uuid.uuid4().hex
        now = utcnow()
        due_by = due_by or now
        channels = list(self.senders)
        with self.db.session() as s:
            for due_status, claimed in (SENDING, RECALLING):
                s.execute(update(Delivery).where(Delivery.status == claimed,
                                                 Delivery.claimed_at < now - timedelta(seconds=self.lease_s))
                          .values(status=due_status, claimed_by=None))
            # a notice withdrawn while one of its deliveries was under way: that one is not tried again
            withdrawn = select(Notice.id).where(Notice.withdrawn_at.is_not(None)).scalar_subquery()
            # went out in part: take that part back
            s.execute(to_recall(Delivery.status.in_(("pending", "failed")), Delivery.notice_id.in_(withdrawn)))
            s.execute(update(Delivery).where(Delivery.status.in_(("pending", "failed")),
                                             Delivery.notice_id.in_(withdrawn))
                      .values(status="withdrawn", claimed_by=None).execution_options(synchronize_session=False))
            due = (select(Delivery.id).where(Delivery.status.in_((SENDING[0], RECALLING[0])),
                                             Delivery.next_attempt_at <= due_by, Delivery.channel.in_(channels))
                   .order_by(Delivery.id).limit(limit or self.batch))
            if self.db.engine.dialect.name == "postgresql":
                due = due.with_for_update(skip_locked=True)
            s.execute(update(Delivery).where(Delivery.id.in_(due.scalar_subquery()),
                                             Delivery.status.in_((SENDING[0], RECALLING[0])))
                      .values(status=case((Delivery.status == RECALLING[0], RECALLING[1]), else_=SENDING[1]),
                              claimed_by=token, claimed_at=now, attempts=Delivery.attempts + 1)
                      .execution_options(synchronize_session=False))
        with self.db.session() as s:
            rows = s.execute(select(Delivery, Notice, ChatSession)
                             .join(Notice, Notice.id == Delivery.notice_id)
                             .join(ChatSession, ChatSession.id == Delivery.session_id)
                             .where(Delivery.claimed_by == token,
                                    Delivery.status.in_((SENDING[1], RECALLING[1])))
                             .order_by(Delivery.id)).all()
            return [Job(d.id, token, d.session_id, d.channel, sess.external_id, sess.lang or "zh", d.attempts,
                        NoticeMessage(n.id, n.title, n.body, list(n.topics), list(n.links), n.document_id, n.change),
                        recall=d.status == RECALLING[1], message_ids=_ids(d.message_ids))
                    for d, n, sess in rows]

    def _finish(self, job: Job, status: str, error: str | None = None, delay: float | None = None,
                message_ids: list[int] | None = None) -> None:
        values: dict[str, object] = {"status": status, "error": (error or "")[:300] or None, "claimed_by": None}
        if status == "sent":
            values["sent_at"] = utcnow()
        if not job.recall and message_ids is not None:  # what went out, also of a send that failed part-way
            values["message_ids"] = _kept_ids(message_ids)
        if status in (SENDING[0], RECALLING[0]):
            values["next_attempt_at"] = utcnow() + timedelta(seconds=delay or 0)
        claimed = RECALLING[1] if job.recall else SENDING[1]
        with self.db.session() as s:
            s.execute(update(Delivery).where(Delivery.id == job.delivery_id, Delivery.claimed_by == job.token,
                                             Delivery.status == claimed).values(**values))
            if message_ids and not job.recall:
                # withdrawn while this copy was on its way: take it back too. Read under a share lock: a withdrawal
                # under way holds the notice's row (its own sent -> recall update saw this row still sending), so
                # this waits for it and then sees it (as alerts.web does)
                notice = s.get(Notice, job.notice.notice_id, with_for_update={"read": True})
                if notice is None or notice.withdrawn_at is not None:
                    s.execute(to_recall(Delivery.id == job.delivery_id))

    # ---- sending -----------------------------------------------------------------------------------------
    async def _one(self, job: Job, report: DispatchReport) -> None:
        sender = self.senders[job.channel]
        again, failed = (RECALLING[0], "unrecalled") if job.recall else (SENDING[0], "failed")
        message_ids: list[int] | None = None
        try:
            if sender.limited:
                await self.limits.wait(job.external_id or job.session_id)
            if not job.recall:
                message_ids = await sender.send(job)
            elif isinstance(sender, Recaller) and job.message_ids:
                await sender.recall(job)
            else:
                raise DeliveryFailed(f"the {job.channel} channel cannot take back a sent copy", permanent=True)
        except DeliveryFailed as exc:
            if exc.permanent or job.attempt >= self.max_attempts:
                report.failed += 1
                report.errors.append(f"delivery {job.delivery_id}: {exc}")
                await asyncio.to_thread(self._finish, job, failed, str(exc), None, exc.sent)
            else:
                delay = exc.retry_after if exc.retry_after is not None else self.backoff_s * 2 ** (job.attempt - 1)
                report.retried += 1
                await asyncio.to_thread(self._finish, job, again, str(exc), delay, exc.sent)
            log.warning("alert delivery %s (attempt %d) failed: %s", job.delivery_id, job.attempt, exc)
            return
        except Exception as exc:  # a bug or an unexpected error of one send: retried like a network failure
            log.exception("alert delivery %s failed unexpectedly", job.delivery_id)
            report.retried += 1
            await asyncio.to_thread(self._finish, job, again, type(exc).__name__,
                                    self.backoff_s * 2 ** (job.attempt - 1))
            return
        if job.recall:
            report.recalled += 1
            await asyncio.to_thread(self._finish, job, "recalled")
        else:
            report.sent += 1
            await asyncio.to_thread(self._finish, job, "sent", message_ids=message_ids)

    async def run_once(self) -> DispatchReport:
        """Send everything due now (batch after batch); what fails waits for its retry time, a later round."""
        report = DispatchReport()
        started = utcnow()
        gate = asyncio.Semaphore(self.concurrency)

        async def guarded(job: Job) -> None:
            async with gate:
                await self._one(job, report)

        while True:
            jobs = await asyncio.to_thread(self.claim, None, started)
            if not jobs:
                return report
            await asyncio.gather(*(guarded(j) for j in jobs))

    async def run(self, interval_s: float = 2.0) -> None:
        """Forever, every ``interval_s`` (``qifa serve``'s background task); a failed round is logged."""
        while True:
            try:
                report = await self.run_once()
                if report.sent or report.failed or report.retried or report.recalled:
                    log.info("alerts: %d sent, %d to retry, %d failed, %d recalled", report.sent, report.retried,
                             report.failed, report.recalled)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("the alert dispatcher's round failed; trying again")
            await asyncio.sleep(interval_s)

    def pending(self) -> int:
        with self.db.session() as s:
            return len(list(s.scalars(select(Delivery.id).where(Delivery.status.in_(SENDING + RECALLING)))))


def _kept_ids(ids: list[int] | None) -> str | None:
    """The ids as stored: whole ids only, as many as fit the column (a notice is a few messages at most)."""
    kept = ""
    for i in ids or []:
        more = f"{kept},{i}" if kept else str(i)
        if len(more) > 200:
            break
        kept = more
    return kept or None


def _ids(stored: str | None) -> list[int]:
    return [int(p) for p in (stored or "").split(",") if p.strip().lstrip("-").isdigit()]
