"""Rate-limit counters, event-stream leases and failed-login counts shared by every worker using this store
(``QIFA_RATE_LIMIT_STORAGE=database``; the leases and the failed logins also with ``redis://``). Keys are SHA-256
digests: no client address, session id or user name is stored. Times are seconds since the epoch."""

from __future__ import annotations

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base


class RateCounter(Base):
    """One fixed window of one limit and key: its hits and when it ends."""

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Float, index=True)


class StreamLease(Base):
    """An open event stream; its worker renews it while the stream is open and deletes it when it closes, so a
    killed worker's streams free their slots once their leases expire."""

    __tablename__ = "stream_leases"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    address: Mapped[str] = mapped_column(String(64), index=True)  # digest of the client address
    expires_at: Mapped[float] = mapped_column(Float, index=True)


class LoginFailures(Base):
    """Failed logins of one (user name, address): the count since the last quiet spell, and the lock-out."""

    __tablename__ = "login_failures"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_end: Mapped[float] = mapped_column(Float, index=True)  # the count restarts after this
    locked_until: Mapped[float] = mapped_column(Float)
