"""Web sites that embed the widget: a public site key and the origins (scheme://host[:port]) allowed to use it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, utcnow


class Site(Base):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)  # public identifier, not a secret
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # a removed site keeps its row so that its conversations still name it; its key stops working
    removed_at: Mapped[datetime | None] = mapped_column(nullable=True)


class SiteOrigin(Base):
    __tablename__ = "site_origins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    origin: Mapped[str] = mapped_column(String(255), index=True)

    __table_args__ = (UniqueConstraint("site_id", "origin", name="uq_site_origins_site_origin"),)
