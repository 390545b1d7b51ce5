"""The web channel's delivery: the notice becomes a message of the widget's session (role ``system``, route
``alert``), shown on the next visit and at once over the session's event stream when the widget is open. The
message and the delivery's ``sent`` are written in one transaction: a web notice is never stored twice."""

from __future__ import annotations

import asyncio

from sqlalchemy import update

from alerts.dispatch import Job
from alerts.render import WEB_ROUTE, notice_text, web_citation
from alerts.topics import Topics
from db import Database
from db.base import utcnow
from db.models_alerts import Delivery, Notice
from db.models_chat import ChatMessage

ROUTE = WEB_ROUTE


class WebSender:
    limited = False

    def __init__(self, db: Database, topics: Topics) -> None:
        self.db, self.topics = db, topics

    def _store(self, job: Job) -> None:
        with self.db.session() as s:
            done = s.execute(update(Delivery).where(Delivery.id == job.delivery_id, Delivery.claimed_by == job.token,
                                                    Delivery.status == "sending")
                             .values(status="sent", sent_at=utcnow(), claimed_by=None, error=None))
            if not getattr(done, "rowcount", 0):  # the claim was lost (lease expired and another process took it)
                return
            # read under a share lock: a withdrawal under way (it holds the row) is waited for and then seen
            notice = s.get(Notice, job.notice.notice_id, with_for_update={"read": True})
            if notice is None or notice.withdrawn_at is not None:  # withdrawn while this delivery was under way
                s.execute(update(Delivery).where(Delivery.id == job.delivery_id).values(status="withdrawn",
                                                                                        sent_at=None))
                return
            s.add(ChatMessage(session_id=job.session_id, role="system", route=ROUTE,
                              text=notice_text(job.notice, self.topics, job.lang),
                              citations=[web_citation(job.notice, job.lang)], delivered_at=utcnow()))

    async def send(self, job: Job) -> None:
        await asyncio.to_thread(self._store, job)
