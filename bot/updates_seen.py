"""Webhook updates taken once across workers and restarts: the first worker to insert an update id into
``telegram_updates`` handles the update; a second delivery of it (Telegram retries a slow answer, and behind a
proxy the retry may reach another worker) finds the id there and is dropped."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from db import Database
from db.base import utcnow
from db.models_telegram import TelegramUpdate

log = logging.getLogger(__name__)
KEEP = timedelta(days=2)  # Telegram gives up redelivering an update long before this
PRUNE_EVERY = 500  # takes between two deletions of ids older than KEEP


class SeenUpdates:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._taken = 0

    def take(self, update_id: int) -> bool:
        """True for the one caller (of any worker) that should handle this update."""
        try:
            with self.db.session() as s:
                s.add(TelegramUpdate(update_id=update_id, received_at=utcnow()))
        except IntegrityError:
            return False
        self._taken += 1
        if self._taken % PRUNE_EVERY == 1:
            try:
                self.prune()
            except Exception:  # the update is taken: it must be handled, whatever the clean-up did
                log.warning("old webhook update ids were not pruned this time", exc_info=True)
        return True

    def prune(self) -> int:
        with self.db.session() as s:
            done = s.execute(delete(TelegramUpdate).where(TelegramUpdate.received_at < utcnow() - KEEP))
            return int(getattr(done, "rowcount", 0) or 0)
