"""Telegram webhook updates already taken by a worker: Telegram delivers an update again when an answer was
slow, and behind a proxy the second delivery may reach another worker (or a restarted one)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utcnow


class TelegramUpdate(Base):
    __tablename__ = "telegram_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
