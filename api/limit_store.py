"""Where the rate-limit counters and the open-stream slots are kept (``QIFA_RATE_LIMIT_STORAGE``).

- ``memory://``: counters (``limits``, moving windows) and slots in this worker's memory; each worker counts alone.
- ``redis://…``: counters in Redis (``limits`` through redis-py, moving windows), shared by every worker.
- ``database``: counters in the SQL store (``db.counters``, fixed windows of one minute, one atomic upsert per
  hit), shared by every worker using the same SQLite file or PostgreSQL database.

With either shared storage the open-stream slots are leases in the SQL store (``db.counters``): a worker renews
the leases of its open streams every third of ``QIFA_STREAM_LEASE_S`` and deletes them when the streams close, so
the cap per address and in total holds across workers, and a killed worker's slots come free when they expire.
Database calls run in worker threads, off the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import Counter
from typing import Protocol

import anyio
from limits import RateLimitItem
from limits.aio.strategies import MovingWindowRateLimiter

from config import Settings
from config.settings import DATABASE_STORAGE, limits_storage
from db import Database
from db.counters import SharedCounters

log = logging.getLogger(__name__)
CLEANUP_EVERY_S = 60.0


class Counters(Protocol):
    async def wait(self, item: RateLimitItem, *key: str) -> int:
        """Count a hit: 0 when it is within ``item``, else the whole seconds to wait."""


class Slots(Protocol):
    async def take(self, address: str) -> str | None:
        """A slot for one more open stream from ``address`` (its id), or None when a cap is reached."""

    async def give_back(self, slot: str) -> None: ...


class LimitsCounters:
    """memory:// or redis://: moving windows of the ``limits`` library."""

    def __init__(self, url: str) -> None:
        self.limiter = MovingWindowRateLimiter(limits_storage(url))

    async def wait(self, item: RateLimitItem, *key: str) -> int:
        if await self.limiter.hit(item, *key):
            return 0
        stats = await self.limiter.get_window_stats(item, *key)
        return max(1, math.ceil(stats.reset_time - time.time()))


class DatabaseCounters:
    """database: fixed windows in the SQL store."""

    def __init__(self, shared: SharedCounters) -> None:
        self.shared = shared
        self.cleaned = 0.0

    def _hit(self, key: str, limit: int, window: int) -> float:
        now = time.time()
        if now - self.cleaned > CLEANUP_EVERY_S:  # ended windows are deleted now and then, by any worker
            self.cleaned = now
            self.shared.forget_expired(now)
        return self.shared.hit(key, limit, window, now)

    async def wait(self, item: RateLimitItem, *key: str) -> int:
        seconds = await anyio.to_thread.run_sync(self._hit, "/".join((item.key_for(), *key)), item.amount,
                                                 item.get_expiry())
        return max(1, math.ceil(seconds)) if seconds > 0 else 0


class LocalSlots:
    """memory://: open streams counted in this worker."""

    def __init__(self, per_address: int, total: int) -> None:
        self.per_address, self.total = per_address, total
        self.open: Counter[str] = Counter()
        self.owner: dict[str, str] = {}

    async def take(self, address: str) -> str | None:
        if self.open[address] >= self.per_address or self.open.total() >= self.total:
            return None
        self.open[address] += 1
        slot = f"{address}#{len(self.owner)}#{time.monotonic_ns()}"
        self.owner[slot] = address
        return slot

    async def give_back(self, slot: str) -> None:
        address = self.owner.pop(slot)
        self.open[address] -= 1
        if self.open[address] <= 0:
            del self.open[address]


class LeasedSlots:
    """Shared storage: open streams are leases in the SQL store, renewed by one task per worker."""

    def __init__(self, shared: SharedCounters, per_address: int, total: int, ttl_s: float) -> None:
        self.shared, self.per_address, self.total, self.ttl = shared, per_address, total, ttl_s
        self.held: set[str] = set()
        self.renewer: asyncio.Task[None] | None = None

    async def take(self, address: str) -> str | None:
        lease = await anyio.to_thread.run_sync(self.shared.take_stream, address, self.per_address, self.total,
                                               self.ttl)
        if lease is not None:
            self.held.add(lease)
            self._keep_renewing()
        return lease

    async def give_back(self, slot: str) -> None:
        self.held.discard(slot)
        await anyio.to_thread.run_sync(self.shared.release_stream, slot)

    def _keep_renewing(self) -> None:
        loop = asyncio.get_running_loop()
        task = self.renewer
        if task is not None and not task.done() and task.get_loop() is loop:
            return
        self.renewer = loop.create_task(self._renew(), name="qifa-stream-leases")

    async def _renew(self) -> None:
        while self.held:
            await asyncio.sleep(self.ttl / 3)
            held = list(self.held)
            try:
                kept = await anyio.to_thread.run_sync(self.shared.renew_streams, held, self.ttl)
            except Exception:  # the store is down: the leases may lapse; the streams go on
                log.warning("could not renew %d event-stream leases", len(held), exc_info=True)
                continue
            if kept < len(held):
                log.warning("%d event-stream leases had expired before renewal", len(held) - kept)

    async def close(self) -> None:
        if self.renewer is not None:
            self.renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError, RuntimeError):
                await self.renewer


def open_store(settings: Settings, db: Database | None) -> tuple[Counters, Slots]:
    """The counters and stream slots of ``settings``; ``db`` (the runtime's store) when the storage is shared."""
    url = settings.rate_limit_storage
    if not settings.shared_limits:
        return LimitsCounters(url), LocalSlots(settings.max_streams_per_ip, settings.max_streams_total)
    if db is None:
        raise RuntimeError("a shared rate-limit storage needs the runtime's database")
    shared = SharedCounters(db)
    counters: Counters = DatabaseCounters(shared) if url == DATABASE_STORAGE else LimitsCounters(url)
    return counters, LeasedSlots(shared, settings.max_streams_per_ip, settings.max_streams_total,
                                 settings.stream_lease_s)
