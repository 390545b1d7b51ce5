"""Request and response models of the HTTP API."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    message: StrictStr = Field(description="the enterprise's message (1-2,000 characters)")
    session_id: StrictStr | None = Field(default=None, max_length=64, description="omit to start a new session")
    lang: Literal["zh", "en"] | None = Field(default=None, description="reply language; detected when omitted")


class CitationOut(BaseModel):
    title: str
    source: str
    locator: str
    snippet: str
    score: float
    effective: str | None = None
    status: str | None = None


class SuggestionOut(BaseModel):
    label: str
    message: str
    kind: str


class ChatResponse(BaseModel):
    id: str | None
    session_id: str
    reply: str
    route: str
    lang: str
    citations: list[CitationOut]
    suggestions: list[SuggestionOut]
    handoff: dict[str, Any] | None
    message_id: int | None
    data: dict[str, Any]


class MessageOut(BaseModel):
    id: int
    session_id: str
    role: str
    text: str
    route: str | None
    citations: list[dict[str, Any]]
    author: str | None
    feedback: int | None
    created_at: str


class FeedbackRequest(BaseModel):
    message_id: int
    vote: Literal[1, -1]
