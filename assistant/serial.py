"""One session's messages one at a time: a lock per conversation key, held while the engine handles a message.

Within one process a ``threading.Lock`` per key (the entry is dropped when nobody holds or waits for it).
Across processes the store's own lock is taken too (``Database.exclusive``: a PostgreSQL advisory lock,
held on its own connection; SQLite has none, see the README's "Concurrency" paragraph).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from db import Database


class SessionLocks:
    def __init__(self, db: Database | None = None) -> None:
        self._db = db
        self._guard = threading.Lock()
        self._locks: dict[str, tuple[threading.Lock, int]] = {}

    @contextmanager
    def hold(self, key: str) -> Iterator[None]:
        with self._guard:
            lock, users = self._locks.get(key, (threading.Lock(), 0))
            self._locks[key] = (lock, users + 1)
        try:
            with lock:
                if self._db is None:
                    yield
                else:
                    with self._db.exclusive(f"qifa-session:{key}"):
                        yield
        finally:
            with self._guard:
                lock, users = self._locks[key]
                if users <= 1:
                    del self._locks[key]
                else:
                    self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        with self._guard:
            return len(self._locks)


class FairSlots:
    """At most ``n`` holders at once; the others are served in the order they came. A freed place goes straight to
    the longest waiter, never to a thread that arrives meanwhile (``threading.Semaphore`` lets a newcomer take it,
    and the woken waiter queues again at the back: under many clients a message could wait several turns)."""

    def __init__(self, n: int) -> None:
        if n < 1:
            raise ValueError(f"at least one place, not {n}")
        self.n = n
        self._free = n
        self._guard = threading.Lock()
        self._waiting: deque[threading.Lock] = deque()

    def acquire(self) -> None:
        with self._guard:
            if self._free and not self._waiting:
                self._free -= 1
                return
            turn = threading.Lock()
            turn.acquire()
            self._waiting.append(turn)
        turn.acquire()  # released by the holder that hands its place over

    def release(self) -> None:
        with self._guard:
            if self._waiting:
                self._waiting.popleft().release()  # the place passes on: _free stays as it is
            elif self._free < self.n:
                self._free += 1
            else:
                raise ValueError("released more often than acquired")

    def __enter__(self) -> FairSlots:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def waiting(self) -> int:
        with self._guard:
            return len(self._waiting)
