"""Request and response models of the curation routes: documents and the audit log."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, StrictStr

from api.schemas import Body


class DocumentOut(BaseModel):
    """A document: its validity (``status`` code and the stored label), its indexing ``state`` and progress."""

    id: str
    title: str
    kind: str
    status: Literal["in_force", "amended", "repealed"]
    validity: str = Field(description="现行有效 / 已修订 / 已废止 (as stored)")
    effective: str | None
    chunks: int
    state: str = Field(description="queued, indexing, done or failed")
    progress: float = Field(description="share of the chunks embedded, 0-1")
    ingested_at: str | None
    uploaded_by: str | None
    filename: str | None
    error: str | None
    source: str
    title_en: str | None = None
    category: str | None = None
    issuer: str | None = None
    url: str | None = None
    pack: str | None = None
    active: bool | None = None
    topics: list[str] | None = Field(default=None, description="alert topics (read one document to see them)")


class DocumentPatch(Body):
    title: StrictStr | None = Field(default=None, max_length=300,
                                    description="a new name: every chunk is indexed again (takes a few seconds)")
    status: Literal["in_force", "amended", "repealed"] | None = None
    effective: StrictStr | None = Field(default=None, max_length=40, description="YYYY-MM-DD")
    title_en: StrictStr | None = Field(default=None, max_length=300)
    category: StrictStr | None = Field(default=None, max_length=20)
    issuer: StrictStr | None = Field(default=None, max_length=200)
    url: StrictStr | None = Field(default=None, max_length=1000)
    topics: list[StrictStr] | None = Field(default=None, max_length=50, description="alert topic ids")


class AuditOut(BaseModel):
    id: int
    at: str
    actor: str
    action: str
    target: str
    before: Any
    after: Any


class FaqIn(Body):
    question: StrictStr = Field(max_length=1000, description="2-200 characters")
    variants: list[StrictStr] = Field(default_factory=list, max_length=100, description="other phrasings (up to 20)")
    answer: StrictStr = Field(max_length=20000, description="plain text, 1-4,000 characters; markup is kept as text")


class FaqOut(BaseModel):
    id: int
    question: str
    variants: list[str]
    answer: str
    created_by: str
    created_at: str
    updated_at: str


class HitTestOut(BaseModel):
    query: str
    route: str = Field(description="answer, menu, order, handoff or fallback")
    reason: str = Field(description="faq, linked_document, retrieval, service_card, low_confidence, user_request, "
                                    "high_risk, …")
    intent: str | None
    intent_probability: float | None
    faq: dict[str, Any] | None
    passages: list[dict[str, Any]] = Field(description="rank, document, locator, fused, keyword and dense scores")
    thresholds: dict[str, float]


class ReviewGroupOut(BaseModel):
    key: int
    question: str
    count: int
    reasons: dict[str, int]
    items: list[dict[str, Any]]


class ReviewActionIn(Body):
    action: Literal["faq", "intent", "document", "dismiss"]
    answer: StrictStr = Field(default="", max_length=20000, description="the FAQ's answer (action faq)")
    question: StrictStr = Field(default="", max_length=1000, description="the FAQ's question (default: the group's)")
    document_id: StrictStr = Field(default="", max_length=64, description="the document (action document)")
    intent: StrictStr = Field(default="", max_length=40,
                              description="the intent the group's wordings are examples of (action intent)")


class IntentExampleIn(Body):
    intent: StrictStr = Field(max_length=40, description="greeting, order, order_status, human, high_risk, "
                                                         "dissatisfied, leave_handoff, out_of_scope or legal")
    text: StrictStr = Field(max_length=1000, description="2-200 characters")


class IntentExampleOut(BaseModel):
    id: int
    intent: str
    text: str
    created_by: str
    created_at: str


class IntentSummaryOut(BaseModel):
    intent: str
    shipped: int = Field(description="examples shipped in knowledge/content/intents/")
    curated: int = Field(description="phrasings curators added")


class DocumentLinkOut(BaseModel):
    message_id: int = Field(description="the linked question's message id (the link's id)")
    question: str
    document_id: str
    title: str | None = Field(description="the document's title (null: the document was removed)")
    active: bool = Field(description="false: the document is repealed, superseded or removed, so the link does nothing")
    questions: list[str] = Field(description="the questions linked together (a review group), the first names the link")


class ReviewActionOut(BaseModel):
    key: int
    action: str
    detail: str | None
    decided: int
    faq: FaqOut | None
    examples: list[IntentExampleOut] = Field(default_factory=list, description="the phrasings added (action intent)")
