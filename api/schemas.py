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
    title: str = Field(description="the document's title as cited, e.g. 中华人民共和国民法典")
    source: str = Field(description="the document's stable id (see `qifa documents list`), never a file path")
    locator: str = Field(description="the article (第五百七十七条) or section")
    snippet: str
    score: float
    effective: str | None = Field(default=None, description="the date the text took effect (YYYY-MM-DD)")
    status: str | None = Field(default=None, description="现行有效 / 已修订 / 已废止")
    title_en: str | None = Field(default=None, description="English title, when known")
    kind: str | None = Field(default=None, description="法律 / 行政法规 / 司法解释 / 地方性法规 / 指引")
    issuer: str | None = Field(default=None, description="the issuing body")
    url: str | None = Field(default=None, description="a public URL of the document, when known")


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
