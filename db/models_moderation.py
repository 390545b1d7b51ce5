"""Sensitive-word filtering: the staff-edited word list and the review log of blocked messages and answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utcnow


class SensitiveWord(Base):
    """A word added by staff (``qifa words add``); the shipped list lives in assistant/sensitive_words.txt."""

    __tablename__ = "sensitive_words"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    word: Mapped[str] = mapped_column(String(100), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ModerationEvent(Base):
    """One blocked user message or answer, kept for review (the text is here, never in the general log)."""

    __tablename__ = "moderation_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # a user's "delete my conversation" deletes its review entries too
    session_id: Mapped[str | None] = mapped_column(ForeignKey("chat_sessions.id", ondelete="CASCADE"),
                                                   nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(10))  # input | answer
    word: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
