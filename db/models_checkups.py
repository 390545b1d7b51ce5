"""Self-check (法治体检自测) reports, tied to the conversation that made them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utcnow


class CheckupReport(Base):
    __tablename__ = "checkup_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("chat_sessions.id", ondelete="CASCADE"), index=True)
    checkup_id: Mapped[str] = mapped_column(String(40), index=True)
    industry: Mapped[str] = mapped_column(String(20))
    lang: Mapped[str] = mapped_column(String(5), default="zh")
    level: Mapped[str] = mapped_column(String(10))  # 低风险 | 中风险 | 高风险
    score: Mapped[float] = mapped_column(Float)
    answers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the report as the API returns it
    case_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the hand-off case it was attached to
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class CheckupEdit(Base):
    """A questionnaire as a curator edited it (the whole YAML text); the shipped file stays the seed, this row wins
    over it (``checkups.desk.Checkups``)."""

    __tablename__ = "checkup_edits"

    checkup_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    edited_by: Mapped[str] = mapped_column(String(100))
    edited_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
