"""Which worker runs the jobs that must run once: Telegram long polling and the daily retention purge.

With ``qifa serve --workers N`` every worker serves requests, but Telegram accepts one ``getUpdates`` consumer
per bot and a purge run by N workers would be N purges. The worker holding a PostgreSQL session advisory lock
(on a connection of its own, for the worker's life) leads; the others try again every few seconds, so when the
leader stops (or its connection drops) another takes over. The leader looks at its connection every few seconds
too: when the server has ended it (a restart, an idle-session kill), the lock is gone and another worker may
already lead, so it stops its jobs (:meth:`Leadership.hold`) and asks again. SQLite serves one process: it
always leads.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import text

from db import Database

log = logging.getLogger("qifa.leader")
KEY = "qifa:leader"
RETRY_S = 5.0
CHECK_S = 5.0  # how often the leader makes sure it still holds the lock


class Leadership:
    def __init__(self, db: Database, key: str = KEY) -> None:
        self.db = db
        self.key = key
        self._conn: Any = None
        self.leading = db.engine.dialect.name != "postgresql"  # SQLite: one process, always the leader
        # several jobs (Telegram polling, the purge) hold the lead from their own threads: one at a time may
        # touch the lock's connection (a SQLAlchemy Connection is not thread-safe)
        self._guard = threading.Lock()

    def try_lead(self) -> bool:
        """Take the lead if no other worker holds it; True when this worker leads."""
        with self._guard:
            return self._try_lead()

    def _try_lead(self) -> bool:
        if self.leading:
            return True
        conn = self.db.engine.connect()
        try:
            got = bool(conn.execute(text("SELECT pg_try_advisory_lock(hashtextextended(:k, 0))"),
                                    {"k": self.key}).scalar())
            conn.commit()
        except Exception:
            conn.close()
            raise
        if not got:
            conn.close()
            return False
        self._conn, self.leading = conn, True
        log.info("this worker (pid %d) leads: it runs Telegram polling and the daily purge", os.getpid())
        return True

    async def wait(self, retry_s: float = RETRY_S) -> None:
        """Return once this worker leads (at once when it already does)."""
        while True:
            try:
                if await asyncio.to_thread(self.try_lead):
                    return
            except Exception:  # the database is unreachable for now: keep serving, try again
                log.warning("could not ask for the lead; trying again in %.0f s", retry_s, exc_info=True)
            await asyncio.sleep(retry_s)

    def still_leading(self) -> bool:
        """True while the lead holds: its connection (and so its lock) still answers. A dead connection is
        closed and the lead given up."""
        if self.db.engine.dialect.name != "postgresql":
            return self.leading
        with self._guard:
            conn = self._conn
            if conn is None:
                return False
            try:
                conn.execute(text("SELECT 1"))
                conn.commit()
                return True
            except Exception:
                log.warning("this worker (pid %d) lost the lead: its connection to the database ended", os.getpid())
                self._conn, self.leading = None, False
                try:
                    conn.close()
                except Exception:  # already broken: nothing more to free
                    log.debug("closing the lost connection failed", exc_info=True)
                return False

    async def hold(self, start: Callable[[], Awaitable[None]], stop: Callable[[], Awaitable[None]],
                   check_s: float = CHECK_S, retry_s: float = RETRY_S) -> None:
        """Run ``start`` whenever this worker gains the lead and ``stop`` when it loses it (or when this task is
        cancelled, at shut-down); runs until cancelled. A ``start`` that fails (Telegram unreachable) is logged
        and tried again after ``retry_s`` while the lead holds."""
        while True:
            await self.wait(retry_s)
            try:
                try:
                    await start()
                except Exception:
                    log.warning("a leader's job did not start; trying again in %.0f s", retry_s, exc_info=True)
                    await asyncio.sleep(retry_s)
                    continue
                while await asyncio.to_thread(self.still_leading):
                    await asyncio.sleep(check_s)
            finally:
                try:
                    await stop()
                except Exception:  # the job is gone either way; the loop must go on
                    log.warning("a leader's job did not stop cleanly", exc_info=True)

    def release(self) -> None:
        """Give the lead back (closing the connection ends the session, which frees the lock)."""
        with self._guard:
            conn, self._conn = self._conn, None
            if conn is not None:
                self.leading = False
                try:
                    conn.execute(text("SELECT pg_advisory_unlock(hashtextextended(:k, 0))"), {"k": self.key})
                    conn.commit()
                finally:
                    conn.close()
