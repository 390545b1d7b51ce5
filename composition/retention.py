"""``qifa purge`` and the daily job of ``qifa serve``: conversations past ``QIFA_CONVERSATION_RETENTION_DAYS``
and the personal details of closed orders past their retention date are deleted."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from assistant.retention import purge_conversations
from config import Settings
from db import Database
from db.base import utcnow
from orders.retention import erase_expired

log = logging.getLogger("qifa.retention")
DAY_S = 24 * 3600


@dataclass
class PurgeReport:
    conversations: int
    orders: int

    def to_json(self) -> dict[str, int]:
        return {"conversations": self.conversations, "orders": self.orders}


def purge(db: Database, settings: Settings, now: datetime | None = None) -> PurgeReport:
    now = now or utcnow()
    conversations = purge_conversations(db, now - timedelta(days=settings.conversation_retention_days))
    orders = erase_expired(db, now)
    log.info("purged %d conversations and the personal details of %d orders", conversations, orders,
             extra={"conversations": conversations, "orders": orders})
    return PurgeReport(conversations, orders)


async def run_daily(db: Database, settings: Settings, interval_s: float = DAY_S, first_after_s: float = 60.0) -> None:
    """Purge ``first_after_s`` after start, then every ``interval_s``; a failed round is logged, not fatal."""
    await asyncio.sleep(first_after_s)
    while True:
        try:
            await asyncio.to_thread(purge, db, settings)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("the retention purge failed; trying again at the next round")
        await asyncio.sleep(interval_s)
