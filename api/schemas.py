"""Request and response models of the enterprise-facing HTTP API, and the edge checks every input passes.

Input the store cannot take is refused here with 422, before any code runs: text with lone surrogates
(``"\\ud800"`` is valid JSON but not storable UTF-8) and integers outside PostgreSQL's and SQLite's 64-bit range.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Path, Query
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictStr, field_validator

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def storable(value: Any) -> Any:
    """``value`` unchanged when the store can take it (recursively); ValueError naming the problem otherwise."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("text contains invalid Unicode (a lone surrogate) / 文本含有无效的 Unicode 字符") from None
    elif isinstance(value, int) and not isinstance(value, bool):
        if not INT64_MIN <= value <= INT64_MAX:
            raise ValueError("number out of range (64-bit) / 数值超出范围")
    elif isinstance(value, list | tuple):
        for item in value:
            storable(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            storable(key)
            storable(item)
    return value


# parameters: text without lone surrogates, ids and cursors within 64 bits
SafeText = Annotated[str, AfterValidator(storable)]
TextPath = Annotated[str, Path(), AfterValidator(storable)]
AfterQuery = Annotated[int, Query(ge=INT64_MIN, le=INT64_MAX, description="only messages with a larger id")]


def id_path(what: str) -> Any:
    return Path(ge=INT64_MIN, le=INT64_MAX, description=f"the {what} id")


OrderId = Annotated[int, id_path("order")]
CaseId = Annotated[int, id_path("hand-off case")]


class Body(BaseModel):
    """Base of every request body: unknown fields are ignored, every value must be storable."""

    model_config = ConfigDict(extra="ignore")

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        return storable(value)


class ChatRequest(Body):
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
    message: str = Field(description="what to send back as the next message when the user picks it")
    kind: str


class HandoffBrief(BaseModel):
    id: int
    status: str
    reason: str


class ChatResponse(BaseModel):
    session_id: str
    reply: str
    route: Literal["answer", "menu", "order", "handoff", "fallback"]
    lang: str
    citations: list[CitationOut]
    suggestions: list[SuggestionOut]
    handoff: HandoffBrief | None
    message_id: int | None = Field(description="the stored reply (name it in feedback); null when nothing was said")
    data: dict[str, Any]
    notice: str | None = Field(default=None, description="the personal-data notice, on a session's first reply")


class MessageOut(BaseModel):
    id: int
    session_id: str
    role: Literal["user", "bot", "adviser", "system"]
    text: str
    route: str | None
    citations: list[dict[str, Any]]
    author: str | None
    feedback: int | None
    created_at: str
    # a bot reply's rich parts, as the chat's reply gave them: a channel showing the history again draws them
    suggestions: list[SuggestionOut] = Field(default_factory=list,
                                             description="the reply's buttons (a bot message; empty otherwise)")
    data: dict[str, Any] = Field(default_factory=dict,
                                 description="the reply's structured extras (service cards, the booking's state)")
    lang: str | None = Field(default=None, description="the reply's language (a bot message with parts)")


class FeedbackRequest(Body):
    message_id: int
    vote: Literal[1, -1]


class Ok(BaseModel):
    ok: bool


class Health(BaseModel):
    status: Literal["ok"]
    embedding_model: str
    llm: bool


class CheckOut(BaseModel):
    ok: bool
    detail: str


class ReadyOut(BaseModel):
    status: Literal["ready", "not_ready"]
    not_ready: list[str] = Field(description="the checks that failed: database, index, telegram")
    checks: dict[str, CheckOut]


class ServiceOut(BaseModel):
    """One service of the catalogue (the fields of ``knowledge.catalogue.Service``, with English labels)."""

    model_config = ConfigDict(extra="allow")

    id: str
    name: str
    name_en: str
    category: str
    category_en: str
    scenarios: list[str]
    scenarios_en: list[str]
    tags: list[str]
    summary: str
    summary_en: str
    eligibility: str
    eligibility_en: str | None = Field(description="null: not translated yet (English readers get the Chinese)")
    materials: list[str]
    materials_en: list[str] | None = Field(description="one line per line of materials, or null")
    steps: list[str]
    steps_en: list[str] | None = Field(description="one line per line of steps, or null")
    time_limit: str
    time_limit_en: str | None
    fee: str
    fee_en: str | None
    department: str
    department_en: str | None
    contact: str
    contact_en: str | None
    requires_adviser: bool
    form_fields: list[str] = Field(description="the fields POST /api/v1/orders asks for")


class LabelPair(BaseModel):
    zh: str
    en: str


class WidgetConfig(BaseModel):
    """What the widget needs before the first message (GET /api/v1/widget/config)."""

    site: str | None = Field(description="the name of the site whose key came with the request, else null")
    retention_days: int = Field(description="days an order's personal details are kept (the consent text)")
    max_message_chars: int
    delete_conversation: bool = Field(description="whether the widget offers to delete a conversation")
    labels: list[LabelPair] = Field(default_factory=list, description="the engine's fixed button labels in both "
                                    "languages: the widget shows the buttons on screen in the language switched to")
