"""Request and response models of the staff routes: login, accounts, hand-off cases."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, StrictBool, StrictStr

from api.schemas import Body, MessageOut


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


class StaffOut(BaseModel):
    id: int
    name: str
    role: str
    active: bool
    created_at: str


class UserIn(Body):
    name: StrictStr = Field(max_length=100)
    role: StrictStr = Field(description="adviser, curator or admin")
    password: StrictStr = Field(max_length=1024, description="at least 8 characters")


class ReplyIn(Body):
    text: StrictStr = Field(min_length=1, max_length=4000, description="the adviser's message (1-4,000 characters)")


class CloseIn(Body):
    note: StrictStr | None = Field(default=None, max_length=2000, description="an internal note on the outcome")
    confirm_danger: StrictBool = Field(
        default=False, description="required (true) to close an open danger case nobody has replied to, as the "
        "console's confirmation box is; ignored for other cases")


class CaseOut(BaseModel):
    """A case in the queue: waiting time in minutes and in office minutes, and whether it is overdue."""

    id: int
    session_id: str
    status: str
    reason: str
    channel: str
    lang: str
    assigned_to: str | None
    created_at: str
    updated_at: str
    closed_at: str | None
    note: str | None
    waiting_minutes: int
    office_minutes: int
    overdue: bool
    first_reply_at: str | None


class CaseDetailOut(CaseOut):
    passages: list[dict[str, Any]]
    transcript: list[MessageOut]
