"""Request and response models of the order routes (enterprises') and the staff's order routes."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, StrictStr

from api.schemas import Body

_TEXT: dict[str, Any] = {"type": "string"}
_BOOL: dict[str, Any] = {"type": "boolean"}


class OrderCreate(Body):
    """Fields are checked by the order desk so that every message names the field in Chinese and English."""

    service_id: StrictStr = Field(max_length=64, description="a service id from GET /api/v1/services")
    enterprise_name: Any = Field(default=None, json_schema_extra=_TEXT, description="1-100 characters")
    credit_code: Any = Field(default=None, json_schema_extra=_TEXT,
                             description="统一社会信用代码, 18 characters (when the service's form asks for it)")
    contact_name: Any = Field(default=None, json_schema_extra=_TEXT)
    phone: Any = Field(default=None, json_schema_extra=_TEXT, description="mobile 1[3-9]xxxxxxxxx or 0579-84123456")
    description: Any = Field(default=None, json_schema_extra=_TEXT, description="at most 1,000 characters")
    preferred_time: Any = Field(default=None, json_schema_extra=_TEXT, description="optional, at most 100 characters")
    consent: Any = Field(default=None, json_schema_extra=_BOOL,
                         description="must be true: consent to the use of these personal details for the service")
    session_id: StrictStr | None = Field(default=None, max_length=64,
                                         description="the chat session placing the order; a new one when omitted")
    lang: Literal["zh", "en"] | None = Field(default=None, description="zh or en (the order's messages)")


class OrderCancel(Body):
    session_id: StrictStr | None = Field(default=None, max_length=64)
    reason: StrictStr | None = Field(default=None, max_length=500)


class OrderRating(Body):
    session_id: StrictStr | None = Field(default=None, max_length=64)
    level: int | StrictStr = Field(description="5..1 or 非常满意/满意/基本满意/不满意/非常不满意 (or in English)")
    comment: StrictStr | None = Field(default=None, max_length=500)


class StatusChange(Body):
    status: StrictStr = Field(max_length=20, description="accepted, in_progress, completed, rejected or cancelled")
    reason: StrictStr | None = Field(default=None, max_length=500, description="required to reject or cancel")


class OrderEventOut(BaseModel):
    kind: str
    from_status: str | None
    to_status: str | None
    actor: str
    reason: str | None
    created_at: str


class OrderOut(BaseModel):
    id: int
    number: str = Field(description="QF-YYYYMMDD-NNNN")
    session_id: str | None
    service_id: str
    service_name: str
    status: str
    channel: str
    lang: str
    enterprise_name: str
    credit_code: str | None
    contact_name: str
    phone: str
    preferred_time: str | None
    description: str
    consent_at: str
    retain_until: str
    rating: int | None
    rating_comment: str | None
    rated_at: str | None
    created_at: str
    updated_at: str
    rating_label: str | None
    rating_label_en: str | None
    history: list[OrderEventOut]


class OrderSummary(BaseModel):
    id: int
    number: str
    service_name: str
    status: str
    channel: str
    enterprise_name: str
    contact_name: str
    phone: str
    created_at: str | None
    updated_at: str | None
    next: list[str] = Field(description="the statuses this order may move to")
