"""Readiness and the figures behind ``/metrics``: what each part of a running runtime says about itself."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select, text

from composition.runtime import Runtime
from db.models_chat import ChatMessage, Handoff
from knowledge.retokenize import status


@dataclass
class Check:
    ok: bool
    detail: str


@dataclass
class Readiness:
    checks: dict[str, Check] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return all(c.ok for c in self.checks.values())

    @property
    def degraded(self) -> list[str]:
        return [name for name, c in self.checks.items() if not c.ok]


def readiness(rt: Runtime, telegram: tuple[bool, str | None] | None) -> Readiness:
    """``telegram``: (started, last error) when a bot is configured, else None (then it is not checked)."""
    out = Readiness()
    try:
        with rt.db.session() as s:
            s.execute(text("SELECT 1"))
        out.checks["database"] = Check(True, rt.db.engine.dialect.name)
    except Exception as exc:
        out.checks["database"] = Check(False, f"{type(exc).__name__}: {str(exc)[:200]}")
    vector_error = rt.kb.vector_status()
    if vector_error is None:
        out.checks["index"] = Check(True, "vector and keyword search")
    elif rt.kb.answers_dense():  # a worker's in-memory copy: questions are answered as before, writes fail
        out.checks["index"] = Check(False, f"vector store unavailable; answers use this process's in-memory copy of "
                                           f"the vectors, documents cannot be added or changed ({vector_error})")
    else:
        out.checks["index"] = Check(False, f"vector store unavailable, keyword search only ({vector_error})")
    note = _tokens_note(rt)
    if note:  # answers go on meanwhile (the old cut still finds most articles): said, not counted as unready
        out.checks["index"].detail += f"; {note}"
    if telegram is not None:
        started, error = telegram
        out.checks["telegram"] = Check(started, "running" if started else f"unreachable, retrying ({error})")
    return out


def _tokens_note(rt: Runtime) -> str | None:
    """Whether the stored keyword tokens are another tokenizer's (being rebuilt, or at the next start); None when
    they are current or the database does not answer (the database check says so)."""
    try:
        return status(rt.db)
    except Exception:
        return None


def handoffs_waiting(rt: Runtime) -> int:
    """Cases no adviser has taken yet."""
    with rt.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(Handoff).where(Handoff.status == "open")) or 0)


def replies_by_route(rt: Runtime) -> dict[str, int]:
    """Stored assistant replies per route (answer, menu, order, handoff, fallback), every channel."""
    with rt.db.session() as s:
        rows = s.execute(select(ChatMessage.route, func.count()).where(ChatMessage.role == "bot")
                         .group_by(ChatMessage.route)).all()
    return {str(route): int(n) for route, n in rows if route}
