"""Declarative base and small column helpers."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def iso_utc(dt: datetime | None) -> str | None:
    """A stored (naive UTC) time as ISO 8601 with a ``Z``, the way every JSON answer writes times."""
    return dt.isoformat() + "Z" if dt is not None else None
