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


class DocumentPatch(Body):
    status: Literal["in_force", "amended", "repealed"] | None = None
    effective: StrictStr | None = Field(default=None, max_length=40, description="YYYY-MM-DD")
    title_en: StrictStr | None = Field(default=None, max_length=300)
    category: StrictStr | None = Field(default=None, max_length=20)
    issuer: StrictStr | None = Field(default=None, max_length=200)
    url: StrictStr | None = Field(default=None, max_length=1000)


class AuditOut(BaseModel):
    id: int
    at: str
    actor: str
    action: str
    target: str
    before: Any
    after: Any
