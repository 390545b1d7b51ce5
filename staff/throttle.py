"""The in-memory login throttle.

Failed logins are counted per (user name, client address) inside a sliding window; from
``LoginThrottle.max_failures`` failures on, every further attempt is refused (even with the right password)
until a lock-out ends that doubles with each further failure (30 s, 60 s, … at most 15 min). A success clears
the count. ``LoginThrottle`` keeps the counts in the process's memory: they reset on restart and each worker
throttles on its own. ``SharedLoginThrottle`` (used when ``QIFA_RATE_LIMIT_STORAGE`` is shared: ``database`` or
``redis://``) keeps them in the SQL store, so every worker sees every failure; there the count restarts after
``window_s`` without a failure.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from db import Database
from db.counters import SharedCounters


@dataclass
class _Failures:
    times: list[float] = field(default_factory=list)
    locked_until: float = 0.0


class LoginThrottle:
    """Counts failed logins per key in memory; see the module docstring for the rule."""

    def __init__(self, max_failures: int = 5, window_s: float = 900.0, base_lock_s: float = 30.0,
                 max_lock_s: float = 900.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures, self.window_s = max_failures, window_s
        self.base_lock_s, self.max_lock_s = base_lock_s, max_lock_s
        self.clock = clock
        self._lock = threading.Lock()
        self._failures: dict[tuple[str, str], _Failures] = {}

    def retry_after(self, name: str, address: str) -> float:
        """Seconds before this key may try again (0: now)."""
        with self._lock:
            f = self._failures.get((name.lower(), address))
            return max(0.0, f.locked_until - self.clock()) if f else 0.0

    def failed(self, name: str, address: str) -> float:
        """Record a failure; returns the lock-out it caused in seconds (0: none yet)."""
        now = self.clock()
        with self._lock:
            if len(self._failures) > 10_000:  # forget stale keys so memory stays bounded
                self._failures = {k: v for k, v in self._failures.items()
                                  if v.times and now - v.times[-1] < self.window_s}
            f = self._failures.setdefault((name.lower(), address), _Failures())
            f.times = [t for t in f.times if now - t < self.window_s] + [now]
            over = len(f.times) - self.max_failures
            if over < 0:
                return 0.0
            lock = min(self.base_lock_s * (2 ** over), self.max_lock_s)
            f.locked_until = now + lock
            return lock

    def succeeded(self, name: str, address: str) -> None:
        with self._lock:
            self._failures.pop((name.lower(), address), None)


class SharedLoginThrottle:
    """The same rule, the counts in the SQL store (keys stored as digests)."""

    def __init__(self, db: Database, max_failures: int = 5, window_s: float = 900.0, base_lock_s: float = 30.0,
                 max_lock_s: float = 900.0) -> None:
        self.counters = SharedCounters(db)
        self.max_failures, self.window_s = max_failures, window_s
        self.base_lock_s, self.max_lock_s = base_lock_s, max_lock_s

    @staticmethod
    def _key(name: str, address: str) -> str:
        return f"login\x1f{name.lower()}\x1f{address}"

    def _lock(self, failures: int) -> float:
        over = failures - self.max_failures
        return 0.0 if over < 0 else min(self.base_lock_s * (2 ** min(over, 30)), self.max_lock_s)

    def retry_after(self, name: str, address: str) -> float:
        return self.counters.login_wait(self._key(name, address))

    def failed(self, name: str, address: str) -> float:
        return self.counters.login_failed(self._key(name, address), self.window_s, self._lock)

    def succeeded(self, name: str, address: str) -> None:
        self.counters.login_succeeded(self._key(name, address))
