"""The audit log: every change staff make to the knowledge base (who, when, what, the state before and after)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import Database
from db.base import iso_utc
from db.models_curation import AuditEntry


@dataclass
class AuditRecord:
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    before: Any
    after: Any

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "at": iso_utc(self.at), "actor": self.actor, "action": self.action,
                "target": self.target, "before": self.before, "after": self.after}


def _dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _load(text: str | None) -> Any:
    return None if text is None else json.loads(text)


class AuditLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    def record(self, actor: str, action: str, target: str, before: Any = None, after: Any = None,
               session: Session | None = None) -> None:
        """Write one entry; pass ``session`` to make it part of the change's own transaction."""
        entry = AuditEntry(actor=actor, action=action, target=target, before=_dump(before), after=_dump(after))
        if session is not None:
            session.add(entry)
            return
        with self.db.session() as s:
            s.add(entry)

    def entries(self, limit: int = 100, offset: int = 0, action: str | None = None,
                target: str | None = None) -> list[AuditRecord]:
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
        if action:
            query = query.where(AuditEntry.action == action)
        if target:
            query = query.where(AuditEntry.target == target)
        with self.db.session() as s:
            return [AuditRecord(e.id, e.at, e.actor, e.action, e.target, _load(e.before), _load(e.after))
                    for e in s.scalars(query)]
