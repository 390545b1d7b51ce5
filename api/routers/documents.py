"""Knowledge-base documents for curators and administrators: upload (indexed in the background), list, read
(with indexing progress), edit metadata and validity, replace with a new version, remove."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile

from api.deps import RuntimeDep
from api.schemas import SafeText, TextPath
from api.schemas_curation import DocumentOut, DocumentPatch
from api.security import Curator
from curation import FileTooLarge
from curation.documents import topic_names

router = APIRouter(prefix="/api/v1/documents", tags=["curation"])
MetaField = Annotated[SafeText, Form(max_length=1000)]


async def read_limited(file: UploadFile, limit: int) -> bytes:
    """The upload's bytes, refused as soon as they pass ``limit`` (never read whole into memory first)."""
    parts: list[bytes] = []
    size = 0
    while chunk := await file.read(1 << 20):
        size += len(chunk)
        if size > limit:
            raise FileTooLarge(limit)
        parts.append(chunk)
    return b"".join(parts)


@router.post("", status_code=202, response_model=DocumentOut)
async def upload(rt: RuntimeDep, staff: Curator, file: Annotated[UploadFile, File()], title: MetaField = "",
                 effective: MetaField = "", status: MetaField = "", title_en: MetaField = "",
                 category: MetaField = "", issuer: MetaField = "", url: MetaField = "",
                 replaces: MetaField = "", topics: MetaField = "") -> dict[str, Any]:
    """Answers 202 with the document's ``id``; poll ``GET /api/v1/documents/{id}`` until ``state`` is ``done``.
    ``topics``: alert topic ids, comma-separated; subscribers to them are told when the document is indexed."""
    data = await read_limited(file, rt.documents.max_bytes)
    meta = {"title": title, "effective": effective, "status": status, "title_en": title_en,
            "category": category, "issuer": issuer, "url": url}
    return rt.documents.upload(file.filename or "", data, staff.name, meta, replaces or None,
                               topic_names(topics)).to_json()


@router.get("", response_model=list[DocumentOut])
def documents(rt: RuntimeDep, staff: Curator, kind: Annotated[SafeText, Query(max_length=20)] = "",
              status: Annotated[SafeText, Query(max_length=20)] = "",
              q: Annotated[SafeText, Query(max_length=200)] = "") -> list[dict[str, Any]]:
    """Filter by ``kind`` (statute, guide, text) and ``status`` (in_force, amended, repealed, or a job state);
    ``q`` searches the titles."""
    return [r.to_json() for r in rt.documents.list(kind, status, q)]


@router.get("/{doc_id}", response_model=DocumentOut)
def document(doc_id: TextPath, rt: RuntimeDep, staff: Curator) -> dict[str, Any]:
    return rt.documents.get(doc_id).to_json()


@router.patch("/{doc_id}", response_model=DocumentOut)
def edit(doc_id: TextPath, body: DocumentPatch, rt: RuntimeDep, staff: Curator) -> dict[str, Any]:
    return rt.documents.update(doc_id, body.model_dump(exclude_unset=True), staff.name).to_json()


@router.delete("/{doc_id}", response_model=DocumentOut)
def remove(doc_id: TextPath, rt: RuntimeDep, staff: Curator) -> dict[str, Any]:
    return rt.documents.remove(doc_id, staff.name).to_json()
