"""Curation tables: uploaded files (with their background indexing job) and the audit log of staff changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utcnow


class KbUpload(Base):
    """One uploaded file: who sent it, its content hash (duplicates are recognised by it) and its indexing job.

    The document row appears in ``kb_documents`` only when indexing finished; until then this row is the
    document's state (``queued`` → ``indexing`` → ``done`` | ``failed``)."""

    __tablename__ = "kb_uploads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(String(32), index=True)
    filename: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    uploaded_by: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(20), default="queued")
    chunks_total: Mapped[int] = mapped_column(Integer, default=0)
    chunks_done: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    replaces: Mapped[str | None] = mapped_column(String(32), nullable=True)  # the document it supersedes
    meta: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)  # the metadata sent (to resume)
    resumed_at: Mapped[datetime | None] = mapped_column(nullable=True)  # taken up again after a restart
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)


class AuditEntry(Base):
    """Who changed what, when, with the state before and after (JSON text)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50))
    target: Mapped[str] = mapped_column(String(200))
    before: Mapped[str | None] = mapped_column(Text, nullable=True)
    after: Mapped[str | None] = mapped_column(Text, nullable=True)


class Faq(Base):
    """A curated question → answer pair with variant phrasings; answered before retrieval when a question is close.

    The answer is plain text (markup is kept as typed and shown as text, never rendered)."""

    __tablename__ = "faqs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    question: Mapped[str] = mapped_column(String(200))
    variants: Mapped[list[str]] = mapped_column(JSON, default=list)
    answer: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ReviewDecision(Base):
    """What staff did with one question of the review queue (a user message): faq | document | dismiss."""

    __tablename__ = "review_decisions"

    message_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # chat_messages.id of the question
    action: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str | None] = mapped_column(String(200), nullable=True)  # the FAQ id or document id
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class CatalogueEdit(Base):
    """A service as staff edited it (every field); the shipped YAML stays the seed, this row wins over it."""

    __tablename__ = "catalogue_edits"

    service_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    edited_by: Mapped[str] = mapped_column(String(100))
    edited_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ReviewMark(Base):
    """An adviser's mark on a hand-off case: the assistant should have answered it (it joins the review queue)."""

    __tablename__ = "review_marks"

    case_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # handoffs.id
    session_id: Mapped[str] = mapped_column(String(64), index=True)
    marked_by: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class IntentExample(Base):
    """A phrasing a curator added to an intent (from the review queue or the intents page); merged with the
    shipped examples in ``knowledge/content/intents/`` when the intent classifier is fitted."""

    __tablename__ = "intent_examples"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    intent: Mapped[str] = mapped_column(String(30), index=True)
    text: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
