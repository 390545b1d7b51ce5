"""Knowledge-base tables: documents, their chunks, and index metadata."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, utcnow


class KbDocument(Base):
    __tablename__ = "kb_documents"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(String(1000), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # statute | guide | text
    effective: Mapped[str | None] = mapped_column(String(20), nullable=True)
    status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    chunk_count: Mapped[int] = mapped_column(Integer, default=0)
    title_en: Mapped[str | None] = mapped_column(String(500), nullable=True)
    category: Mapped[str | None] = mapped_column(String(20), nullable=True)  # 法律 | 行政法规 | 司法解释 | …
    issuer: Mapped[str | None] = mapped_column(String(200), nullable=True)
    url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    pack: Mapped[str | None] = mapped_column(String(50), nullable=True)  # the shipped pack it came with
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    chunks: Mapped[list[KbChunk]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="KbChunk.ordinal"
    )


class KbChunk(Base):
    __tablename__ = "kb_chunks"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("kb_documents.id", ondelete="CASCADE"), index=True
    )
    ordinal: Mapped[int] = mapped_column(Integer)
    locator: Mapped[str] = mapped_column(String(200), default="")
    heading_path: Mapped[str] = mapped_column(String(500), default="")
    text: Mapped[str] = mapped_column(Text)
    tokens: Mapped[str] = mapped_column(Text)  # space-joined search tokens of the indexed text

    document: Mapped[KbDocument] = relationship(back_populates="chunks")


class KbMeta(Base):
    __tablename__ = "kb_meta"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class KbChange(Base):
    """The vector writes of one move of the version counter (``knowledge.journal``), written in the same
    transaction: a worker holding a copy of the vectors reads only these ids again instead of every vector."""

    __tablename__ = "kb_changes"

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    added: Mapped[str] = mapped_column(Text, default="")  # chunk ids whose vectors were written, one a line
    removed: Mapped[str] = mapped_column(Text, default="")  # chunk ids whose vectors were deleted, one a line
    everything: Mapped[bool] = mapped_column(Boolean, default=False)  # every vector written again (a rebuild)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
