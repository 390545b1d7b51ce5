"""The sensitive-word list and the review log of blocked messages, for curators and administrators.

The shipped list is always in force and cannot be changed here; staff add and remove their own words (servers
pick a change up within 30 s; every change goes to the audit log). Blocked user messages and withheld answers are
kept for review with their text, personal data masked (``privacy.mask``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import RuntimeDep
from api.schemas import Body, SafeText, TextPath
from api.security import Curator
from assistant.moderation import shipped_words
from db.base import iso_utc, utcnow
from privacy import mask

router = APIRouter(prefix="/api/v1/moderation", tags=["curation"])


class WordsOut(BaseModel):
    shipped: list[str] = Field(description="in force always, not editable")
    staff: list[str] = Field(description="added by staff")


class WordIn(Body):
    word: SafeText = Field(max_length=1000, description="a word or phrase, 1-100 characters")


class WordOut(BaseModel):
    word: str


class BlockedOut(BaseModel):
    id: int
    at: str
    session_id: str | None
    kind: Literal["input", "answer"] = Field(description="a user's message refused, or an answer withheld")
    word: str
    text: str = Field(description="the blocked text, phone numbers, ID-card numbers and credit codes masked")


@router.get("/words", response_model=WordsOut)
def words(rt: RuntimeDep, staff: Curator) -> dict[str, Any]:
    return {"shipped": sorted(shipped_words()), "staff": rt.words.staff_words()}


@router.post("/words", status_code=201, response_model=WordOut)
def add_word(body: WordIn, rt: RuntimeDep, staff: Curator) -> dict[str, Any]:
    word = rt.words.add(body.word)
    rt.audit.record(staff.name, "word.add", word)
    return {"word": word}


@router.delete("/words/{word}", response_model=WordOut)
def remove_word(word: TextPath, rt: RuntimeDep, staff: Curator) -> dict[str, Any]:
    rt.words.remove(word)
    rt.audit.record(staff.name, "word.remove", word.strip())
    return {"word": word.strip()}


@router.get("/blocked", response_model=list[BlockedOut])
def blocked(rt: RuntimeDep, staff: Curator,
            days: Annotated[int, Query(ge=1, le=3660, description="the last N days")] = 30) -> list[dict[str, Any]]:
    """Blocked messages and withheld answers, newest first."""
    rows = rt.words.review(since=utcnow() - timedelta(days=days))
    return [{"id": r.id, "at": iso_utc(r.created_at), "session_id": r.session_id, "kind": r.kind, "word": r.word,
             "text": mask(r.text)} for r in reversed(rows)]
