"""Rate-limit counters and event-stream leases kept in the SQL store, so that every worker (every process using
the same SQLite file or PostgreSQL database) counts together.

A counter is a fixed window: one atomic ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` per hit (SQLite 3.35+
and PostgreSQL) starts a new window or adds one to the current one. A lease is taken by one conditional
``INSERT … SELECT … WHERE (count) < cap`` inside a transaction that holds SQLite's write lock (its first
statement writes) or, on PostgreSQL, a transaction-scoped advisory lock; a lease left by a killed worker stops
counting when it expires. Keys and addresses are stored as SHA-256 digests.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable

from sqlalchemy import bindparam, text

from db.engine import Database

_HIT = text("""
INSERT INTO rate_counters (key, hits, expires_at) VALUES (:key, 1, :end)
ON CONFLICT (key) DO UPDATE SET
  hits = CASE WHEN rate_counters.expires_at <= :now THEN 1 ELSE rate_counters.hits + 1 END,
  expires_at = CASE WHEN rate_counters.expires_at <= :now THEN :end ELSE rate_counters.expires_at END
RETURNING hits, expires_at
""")
_TAKE = text("""
INSERT INTO stream_leases (id, address, expires_at)
SELECT CAST(:id AS VARCHAR(32)), CAST(:address AS VARCHAR(64)), CAST(:end AS FLOAT)
WHERE (SELECT count(*) FROM stream_leases WHERE expires_at > :now) < :total
  AND (SELECT count(*) FROM stream_leases
       WHERE address = CAST(:address AS VARCHAR(64)) AND expires_at > :now) < :per_address
""")  # the casts: PostgreSQL deduces one type per parameter, and :address appears twice
_FAILED = text("""
INSERT INTO login_failures (key, failures, window_end, locked_until) VALUES (:key, 1, :end, 0)
ON CONFLICT (key) DO UPDATE SET
  failures = CASE WHEN login_failures.window_end <= :now THEN 1 ELSE login_failures.failures + 1 END,
  window_end = :end
RETURNING failures
""")
_RENEW = text("UPDATE stream_leases SET expires_at = :end WHERE id IN :ids").bindparams(
    bindparam("ids", expanding=True))


def digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


class SharedCounters:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._postgres = db.engine.dialect.name == "postgresql"

    def hit(self, key: str, limit: int, window_s: float, now: float | None = None) -> float:
        """Count one hit of ``key``: 0 when it is within ``limit`` hits per window, else the seconds until the
        window ends."""
        now = time.time() if now is None else now
        with self.db.engine.begin() as conn:
            hits, end = conn.execute(_HIT, {"key": digest(key), "now": now, "end": now + window_s}).one()
        return 0.0 if hits <= limit else max(0.0, float(end) - now)

    def forget_expired(self, now: float | None = None) -> int:
        """Delete ended windows and expired leases; the number of rows deleted."""
        now = time.time() if now is None else now
        with self.db.engine.begin() as conn:
            a = conn.execute(text("DELETE FROM rate_counters WHERE expires_at <= :now"), {"now": now}).rowcount
            b = conn.execute(text("DELETE FROM stream_leases WHERE expires_at <= :now"), {"now": now}).rowcount
        return int(a or 0) + int(b or 0)

    def take_stream(self, address: str, per_address: int, total: int, ttl_s: float,
                    now: float | None = None) -> str | None:
        """A lease on one more open stream from ``address`` (its id), or None when a cap is reached."""
        now = time.time() if now is None else now
        lease = uuid.uuid4().hex
        with self.db.engine.begin() as conn:
            if self._postgres:
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtextextended('qifa:stream_leases', 0))"))
            # the first statement writes: on SQLite the transaction holds the write lock from here on
            conn.execute(text("DELETE FROM stream_leases WHERE expires_at <= :now"), {"now": now})
            taken = conn.execute(_TAKE, {"id": lease, "address": digest(address), "end": now + ttl_s, "now": now,
                                         "total": total, "per_address": per_address}).rowcount
        return lease if taken == 1 else None

    def renew_streams(self, leases: list[str], ttl_s: float, now: float | None = None) -> int:
        """Extend the leases of streams still open; the number still held (an expired one may be gone)."""
        if not leases:
            return 0
        now = time.time() if now is None else now
        with self.db.engine.begin() as conn:
            return int(conn.execute(_RENEW, {"end": now + ttl_s, "ids": leases}).rowcount or 0)

    def release_stream(self, lease: str) -> None:
        with self.db.engine.begin() as conn:
            conn.execute(text("DELETE FROM stream_leases WHERE id = :id"), {"id": lease})

    def open_streams(self, now: float | None = None) -> int:
        now = time.time() if now is None else now
        with self.db.engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM stream_leases WHERE expires_at > :now"),
                                    {"now": now}).scalar_one())

    # ---- failed logins (staff.throttle.SharedLoginThrottle) ----------------------------------------------------
    def login_wait(self, key: str, now: float | None = None) -> float:
        now = time.time() if now is None else now
        with self.db.engine.connect() as conn:
            until = conn.execute(text("SELECT locked_until FROM login_failures WHERE key = :key"),
                                 {"key": digest(key)}).scalar()
        return max(0.0, float(until) - now) if until is not None else 0.0

    def login_failed(self, key: str, window_s: float, lock_s: Callable[[int], float],
                     now: float | None = None) -> float:
        """Count a failure (the count restarts after ``window_s`` without one); ``lock_s(failures)`` is the
        lock-out it causes (0: none). Returns that lock-out."""
        now = time.time() if now is None else now
        with self.db.engine.begin() as conn:
            conn.execute(text("DELETE FROM login_failures WHERE window_end <= :now AND locked_until <= :now"),
                         {"now": now})
            failures = conn.execute(_FAILED, {"key": digest(key), "now": now, "end": now + window_s}).scalar_one()
            lock = lock_s(int(failures))
            if lock > 0:
                conn.execute(text("UPDATE login_failures SET locked_until = :until WHERE key = :key"),
                             {"key": digest(key), "until": now + lock})
        return lock

    def login_succeeded(self, key: str) -> None:
        with self.db.engine.begin() as conn:
            conn.execute(text("DELETE FROM login_failures WHERE key = :key"), {"key": digest(key)})
