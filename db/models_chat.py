"""Conversation tables: sessions, messages and hand-off cases, shared by every channel."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utcnow


class ChatSession(Base):
    __tablename__ = "chat_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), default="web")  # web | telegram | cli
    external_id: Mapped[str | None] = mapped_column(String(100), nullable=True)  # e.g. Telegram chat id
    # the web site (sites.id) whose widget started the conversation; NULL for other channels
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), nullable=True, index=True)
    lang: Mapped[str] = mapped_column(String(5), default="zh")
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (Index("ix_chat_sessions_channel_external", "channel", "external_id"),)


class ChatMessage(Base):
    __tablename__ = "chat_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("chat_sessions.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(10))  # user | bot | adviser | system
    text: Mapped[str] = mapped_column(Text)
    route: Mapped[str | None] = mapped_column(String(20), nullable=True)
    citations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    author: Mapped[str | None] = mapped_column(String(100), nullable=True)  # adviser name
    feedback: Mapped[int | None] = mapped_column(Integer, nullable=True)  # +1 / -1
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # when a channel that pushes (Telegram) delivered an adviser message; NULL = not yet
    delivered_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # a bot reply's rich parts, for showing the history again: {"suggestions": [...], "data": {...}, "lang": "zh"}
    # (what the reply gave besides its text and citations); NULL when it had none
    parts: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)


class Handoff(Base):
    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("chat_sessions.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)  # open | assigned | closed
    reason: Mapped[str] = mapped_column(String(30))
    channel: Mapped[str] = mapped_column(String(20))
    lang: Mapped[str] = mapped_column(String(5), default="zh")
    passages: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    assigned_to: Mapped[str | None] = mapped_column(String(100), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_ack_at: Mapped[datetime | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    # when a worker claimed the case's post to the advisers' Telegram group (NULL = not posted): one post per
    # case whichever worker, and however many, run the bot
    posted_at: Mapped[datetime | None] = mapped_column(nullable=True)
