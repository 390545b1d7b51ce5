"""One session's messages one at a time: a lock per conversation key, held while the engine handles a message.

Within one process a ``threading.Lock`` per key (the entry is dropped when nobody holds or waits for it).
Across processes the store's own lock is taken too (``Database.exclusive``: a PostgreSQL advisory lock,
held on its own connection; SQLite has none, see the README's "Concurrency" paragraph).
"""

from __future__ import annotations

import threading
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
