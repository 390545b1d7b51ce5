"""Request and response models of compliance alerts: topics, a session's subscriptions, notices."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from api.schemas import Body


class TopicOut(BaseModel):
    id: str
    kind: str = Field(description="industry or area")
    zh: str
    en: str
    description_zh: str
    description_en: str


class SubscriptionsIn(Body):
    # Any, checked by the domain: an unknown topic or a wrong type is answered 422 naming it
    topics: Any = Field(description="topic ids (or their Chinese or English names); [] unsubscribes from all",
                        json_schema_extra={"type": "array", "items": {"type": "string"}, "maxItems": 50})


class SubscriptionsOut(BaseModel):
    session_id: str
    topics: list[str] = Field(description="the subscribed topic ids")
    available: list[TopicOut]
    kept: dict[str, str] = Field(description="what is kept and for how long (zh, en)")


class NoticeIn(Body):
    title: Any = Field(description="1-200 characters", json_schema_extra={"type": "string"})
    body: Any = Field(description="1-4,000 characters, plain text", json_schema_extra={"type": "string"})
    topics: Any = Field(description="at least one topic id", json_schema_extra={"type": "array",
                                                                                 "items": {"type": "string"}})
    links: Any = Field(default_factory=list, description="up to 10 http(s) URLs",
                       json_schema_extra={"type": "array", "items": {"type": "string"}})


class NoticeOut(BaseModel):
    id: int
    title: str
    body: str
    topics: list[str]
    links: list[str]
    document_id: str | None
    change: str = Field(description="notice (published by a curator), added, amended, repealed (a document)")
    created_by: str
    created_at: str
    recipients: int = Field(description="subscribers it was queued for")
    delivered: int
    pending: int
    failed: int
    withdrawn_at: str | None = Field(None, description="when a curator withdrew it (null: in effect)")
    withdrawn_by: str | None = None
    recalled: int = Field(0, description="Telegram copies edited into the withdrawal line after it was withdrawn")
