"""Compliance alerts: a session's topics, the notices curators publish, and one delivery per notice and subscriber."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utcnow


class Subscription(Base):
    """One topic of one conversation (a Telegram chat or a widget session); goes with the conversation."""

    __tablename__ = "alert_subscriptions"

    session_id: Mapped[str] = mapped_column(ForeignKey("chat_sessions.id", ondelete="CASCADE"), primary_key=True)
    topic: Mapped[str] = mapped_column(String(30), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Notice(Base):
    __tablename__ = "alert_notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    links: Mapped[list[str]] = mapped_column(JSON, default=list)
    document_id: Mapped[str | None] = mapped_column(String(32), nullable=True)  # the document it cites
    change: Mapped[str] = mapped_column(String(20), default="notice")  # notice | added | amended
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    withdrawn_at: Mapped[datetime | None] = mapped_column(nullable=True)  # a curator withdrew it
    withdrawn_by: Mapped[str | None] = mapped_column(String(100), nullable=True)


class Delivery(Base):
    """A notice to one subscriber: ``pending`` -> ``sending`` (claimed) -> ``sent`` | ``failed``, or ``withdrawn``
    when the notice was withdrawn before it went out. A Telegram copy sent before the withdrawal is recalled:
    ``recall`` -> ``recalling`` (claimed) -> ``recalled`` | ``unrecalled`` (Telegram refused the edit). The unique
    constraint makes a second row for the same notice and subscriber impossible."""

    __tablename__ = "alert_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("alert_notices.id", ondelete="CASCADE"))
    session_id: Mapped[str] = mapped_column(ForeignKey("chat_sessions.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(nullable=True)
    error: Mapped[str | None] = mapped_column(String(300), nullable=True)
    # the Telegram message ids of a sent copy (comma-separated, one per part), to recall it when withdrawn
    message_ids: Mapped[str | None] = mapped_column(String(200), nullable=True)

    __table_args__ = (UniqueConstraint("notice_id", "session_id", name="uq_alert_delivery_once"),
                      Index("ix_alert_deliveries_due", "status", "next_attempt_at"))


class DocumentTopics(Base):
    """The topics a curator tagged a knowledge-base document with (part of its metadata in the console and API)."""

    __tablename__ = "alert_document_topics"

    document_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
