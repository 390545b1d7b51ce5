"""The documents desk: staff upload, list, edit, replace and remove knowledge-base documents.

An upload is read and chunked at once (a bad file is refused before anything is written), then embedded and
indexed in the background by one worker thread; ``kb_uploads`` holds the job's progress, so every process
sees it. Until its job ends the file waits in the data dir (``uploads/``), so a job a restart interrupted is
taken up again at start (``resume``), or marked failed with the reason when its file is gone. A changed
validity or a removal moves the knowledge base's version counter and search drops inactive documents at
fetch time, so a repealed document is never cited again, in any process.
"""

from __future__ import annotations

import builtins
import hashlib
import logging
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path, PurePath
from typing import Any, Protocol

from sqlalchemy import or_, select, update

from curation.audit import AuditLog
from curation.errors import DuplicateFile, FileRefused, FileTooLarge, InvalidMetadata, UnknownDocument
from curation.metadata import VALIDITY, clean, status_code
from db import Database
from db.base import utcnow
from db.models_curation import KbUpload
from knowledge.base import DocumentInfo, KnowledgeBase
from knowledge.chunking import ParsedDocument, parse_document
from knowledge.loaders import SUPPORTED, LoadError, load_file

log = logging.getLogger("qifa.curation")
UPLOAD_FIELDS = ("title", "effective", "status", "title_en", "category", "issuer", "url")
EDITABLE = ("title", "status", "effective", "title_en", "category", "issuer", "url")
PENDING = ("queued", "indexing")
RESUME_GRACE = timedelta(minutes=1)  # a job another worker took up this recently is left to it
LOST = ("the uploaded file was lost when the server restarted; upload it again / "
        "服务重启时上传的文件已丢失，请重新上传")
SHOWN = (*PENDING, "failed")  # uploads listed before (or instead of) their document


class TopicTags(Protocol):
    """Alert topics in a document's metadata, and the notice of a tagged document's change (``alerts.DocumentAlerts``);
    ``check`` raises a ``ValueError`` naming an unknown topic."""

    def check(self, names: list[str]) -> list[str]: ...
    def of(self, document_id: str) -> list[str]: ...
    def tag(self, document_id: str, names: list[str]) -> list[str]: ...
    def changed(self, document_id: str, title: str, change: str, actor: str, link: str | None = None) -> int | None: ...


def topic_names(raw: str | list[str] | None) -> list[str]:
    """Topics as a list, from a list or a comma-separated form field."""
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else raw.replace("，", ",").replace("、", ",").split(",")
    return [x.strip() for x in items if x.strip()]


@dataclass
class DocumentRow:
    """A document as the console lists it: the stored document and, if it was uploaded, its upload."""

    id: str
    title: str
    kind: str
    status: str  # in_force | amended | repealed
    validity: str  # 现行有效 | 已修订 | 已废止 (as stored)
    effective: str | None
    chunks: int
    state: str  # queued | indexing | done | failed
    progress: float
    ingested_at: str | None  # ISO 8601, UTC
    uploaded_by: str | None
    filename: str | None = None
    error: str | None = None
    source: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "kind": self.kind, "status": self.status,
                "validity": self.validity, "effective": self.effective, "chunks": self.chunks, "state": self.state,
                "progress": self.progress, "ingested_at": self.ingested_at, "uploaded_by": self.uploaded_by,
                "filename": self.filename, "error": self.error, "source": self.source, **self.meta}


def _row(info: DocumentInfo, up: KbUpload | None) -> DocumentRow:
    code = status_code(info.status, info.active)
    # stored, but its upload job still running (superseding the old version, the notice): not done yet
    busy = up is not None and up.state in PENDING
    return DocumentRow(
        id=info.id, title=info.title, kind=info.kind, status=code, validity=info.status or VALIDITY[code],
        effective=info.effective, chunks=info.chunks, state=up.state if busy and up else "done",
        progress=_progress(up) if busy and up else 1.0, ingested_at=info.ingested_at,
        uploaded_by=up.uploaded_by if up else None, filename=up.filename if up else None, source=info.source,
        meta={"title_en": info.title_en, "category": info.category, "issuer": info.issuer, "url": info.url,
              "pack": info.pack, "active": info.active},
    )


def _progress(up: KbUpload) -> float:
    return round(min(up.chunks_done / up.chunks_total, 1.0), 3) if up.chunks_total else 0.0


def _pending(up: KbUpload) -> DocumentRow:
    return DocumentRow(
        id=up.document_id, title=up.filename, kind="", status="in_force", validity="", effective=None,
        chunks=up.chunks_total, state=up.state, progress=_progress(up), ingested_at=None,
        uploaded_by=up.uploaded_by, filename=up.filename, error=up.error,
    )


def safe_name(filename: str) -> str:
    name = PurePath(filename.replace("\\", "/")).name.strip()
    name = "".join(ch for ch in name if ord(ch) >= 32)[-200:]
    if not name or name in {".", ".."}:
        raise FileRefused("the file has no name / 文件没有文件名")
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUPPORTED:
        raise FileRefused(f"unsupported file type '{suffix or '(none)'}' (supported: PDF, DOCX, HTML, Markdown, "
                          "TXT) / 不支持的文件类型（支持 PDF、DOCX、HTML、Markdown、TXT）")
    return name


class DocumentDesk:
    def __init__(self, db: Database, kb: KnowledgeBase, audit: AuditLog, max_bytes: int,
                 spool: Path | None = None, topics: TopicTags | None = None) -> None:
        """``spool``: where uploaded files wait for their job (None: not kept, so not resumable)."""
        self.db, self.kb, self.audit, self.max_bytes, self.spool = db, kb, audit, max_bytes, spool
        self.topics = topics  # alert topics of documents (None: documents carry no topics)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qifa-index")

    def _spooled(self, upload_id: int, filename: str) -> Path | None:
        return self.spool / f"{upload_id}{PurePath(filename).suffix.lower()}" if self.spool is not None else None

    def resume(self) -> tuple[int, int]:
        """At start: jobs a restart interrupted (``queued`` / ``indexing``) run again from their waiting file,
        or fail with the reason when it is gone. Returns (resumed, failed)."""
        with self.db.session() as s:
            ups = list(s.scalars(select(KbUpload).where(KbUpload.state.in_(PENDING)).order_by(KbUpload.id)))
        resumed = failed = 0
        for up in ups:
            now = utcnow()
            with self.db.session() as s:  # claimed by one worker, when several start together
                done = s.execute(update(KbUpload).where(
                    KbUpload.id == up.id, KbUpload.state.in_(PENDING),
                    or_(KbUpload.resumed_at.is_(None), KbUpload.resumed_at < now - RESUME_GRACE))
                    .values(resumed_at=now, state="queued", chunks_done=0))
            if getattr(done, "rowcount", 0) != 1:
                continue
            path = self._spooled(up.id, up.filename)
            try:
                if path is None or not path.is_file():
                    raise FileRefused(LOST)
                doc = self._parse(up.filename, path.read_bytes(), up.sha256, dict(up.meta or {}))
            except (FileRefused, OSError) as exc:
                self._finish(up.id, "failed", str(exc) if isinstance(exc, FileRefused) else LOST)
                self.audit.record("system", "document.resume_failed", up.document_id, None, {"error": str(exc)})
                failed += 1
                continue
            self.audit.record("system", "document.resume", up.document_id, None, {"filename": up.filename})
            self._worker.submit(self._index, up.id, doc, up.size_bytes, up.uploaded_by)
            resumed += 1
        if ups:
            log.info("interrupted uploads: %d resumed, %d failed", resumed, failed)
        return resumed, failed

    def close(self) -> None:
        self._worker.shutdown(wait=True, cancel_futures=False)

    # ---- reading ---------------------------------------------------------------------------------------
    def _uploads(self) -> dict[str, KbUpload]:
        with self.db.session() as s:
            return {u.document_id: u for u in s.scalars(select(KbUpload).order_by(KbUpload.id))}

    def list(self, kind: str = "", status: str = "", q: str = "") -> list[DocumentRow]:
        uploads = self._uploads()
        docs = self.kb.documents()
        stored = {d.id for d in docs}
        rows = [_row(d, uploads.get(d.id)) for d in docs]
        rows += [_pending(u) for u in uploads.values() if u.document_id not in stored and u.state in SHOWN]
        needle = q.strip().lower()
        return [r for r in rows
                if (not kind or r.kind == kind) and (not status or r.status == status or r.state == status)
                and (not needle or needle in r.title.lower() or needle in str(r.meta.get("title_en") or "").lower())]

    def get(self, doc_id: str) -> DocumentRow:
        up = self._uploads().get(doc_id)
        info = self.kb.document(doc_id)
        if info is not None:
            return self._tagged(_row(info, up))
        if up is not None and up.state in SHOWN:
            return self._tagged(_pending(up))
        raise UnknownDocument(doc_id)

    def _tagged(self, row: DocumentRow) -> DocumentRow:
        if self.topics is not None:
            row.meta["topics"] = self.topics.of(row.id)
        return row

    # ---- uploading -------------------------------------------------------------------------------------
    def upload(self, filename: str, data: bytes, actor: str, meta: dict[str, str] | None = None,
               replaces: str | None = None, topics: builtins.list[str] | None = None) -> DocumentRow:
        """``topics``: alert topics; when the indexed document has some, its subscribers get a notice."""
        name = safe_name(filename)
        tags = self.topics.check(topics) if self.topics is not None and topics else []
        if len(data) > self.max_bytes:
            raise FileTooLarge(self.max_bytes)
        given = {k: v for k, v in clean({k: v for k, v in (meta or {}).items() if v}, UPLOAD_FIELDS).items()
                 if v is not None}
        old: DocumentInfo | None = None
        if replaces:
            old = self.kb.document(replaces)
            if old is None:
                raise UnknownDocument(replaces)
            given.setdefault("title", old.title)  # a new version competes with the old one under the same title
        sha = hashlib.sha256(data).hexdigest()
        self._refuse_duplicate(sha)
        doc = self._parse(name, data, sha, given)
        with self.db.session() as s:
            up = KbUpload(document_id=doc.id, filename=name, sha256=sha, size_bytes=len(data), uploaded_by=actor,
                          state="queued", chunks_total=len(doc.chunks), chunks_done=0, replaces=replaces,
                          meta=given)
            s.add(up)
            s.flush()
            upload_id = up.id
            path = self._spooled(upload_id, name)
            if path is not None:  # written before the job is known to exist: a failed write undoes the row
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            self.audit.record(actor, "document.upload", doc.id, None,
                              {"filename": name, "title": doc.title, "sha256": sha, "replaces": replaces,
                               "chunks": len(doc.chunks), **given}, session=s)
        if tags and self.topics is not None:
            self.topics.tag(doc.id, tags)
        self._worker.submit(self._index, upload_id, doc, len(data), actor)
        return self.get(doc.id)

    def _refuse_duplicate(self, sha: str) -> None:
        with self.db.session() as s:
            ups = list(s.scalars(select(KbUpload).where(KbUpload.sha256 == sha)))
        for up in ups:
            if up.state in PENDING or (up.state == "done" and self.kb.document(up.document_id) is not None):
                raise DuplicateFile(up.document_id)

    def _parse(self, name: str, data: bytes, sha: str, meta: dict[str, str]) -> ParsedDocument:
        with tempfile.TemporaryDirectory(prefix="qifa-upload-") as tmp:
            path = Path(tmp) / ("upload" + PurePath(name).suffix.lower())
            path.write_bytes(data)
            try:
                loaded = load_file(path, self.max_bytes)
            except LoadError as exc:  # the API's order, English / Chinese (the console shows Chinese first)
                raise FileRefused(f"{str(exc).split(' / ')[0]} / {exc.zh}") from exc
        merged = {**loaded.meta, **meta}
        source = f"upload/{sha[:12]}/{name}"
        doc = parse_document(loaded.text, source, merged)
        if not doc.chunks:
            raise FileRefused("no text to index after cleaning / 清理后没有可索引的文字")
        if doc.title == "upload":
            doc.title = PurePath(name).stem
        return doc

    def _index(self, upload_id: int, doc: ParsedDocument, size: int, actor: str) -> None:
        def progress(n: int) -> None:
            with self.db.session() as s:
                s.execute(update(KbUpload).where(KbUpload.id == upload_id)
                          .values(chunks_done=KbUpload.chunks_done + n))

        with self.db.session() as s:
            up = s.get(KbUpload, upload_id)
            assert up is not None
            up.state = "indexing"
            replaces = up.replaces
        try:
            self.kb.upsert(doc, size, on_embedded=progress)
            if replaces and self.kb.document(replaces) is not None:
                before = self.kb.document(replaces)
                self.kb.update_metadata(replaces, {"status": VALIDITY["amended"]})
                self.audit.record(actor, "document.supersede", replaces,
                                  {"status": before.status if before else None}, {"status": VALIDITY["amended"],
                                                                                 "superseded_by": doc.id})
        except Exception as exc:  # a failed job is reported on the document, never half-indexed (see upsert)
            log.exception("indexing upload %s failed", upload_id)
            self._finish(upload_id, "failed", f"indexing failed: {exc} / 索引失败")
            return
        # announced before the job reads as done, so that whoever waits for "done" also sees the notice
        self._announce(doc.id, doc.title, "amended" if replaces else "added", actor, doc.url)
        self._finish(upload_id, "done", None)

    def _announce(self, doc_id: str, title: str, change: str, actor: str, link: str | None) -> None:
        """The notice to subscribers of the document's topics; a failure is logged, the change stands."""
        if self.topics is None:
            return
        try:
            self.topics.changed(doc_id, title, change, actor, link)
        except Exception:
            log.exception("the alert notice of document %s could not be published", doc_id)

    def _finish(self, upload_id: int, state: str, error: str | None) -> None:
        with self.db.session() as s:
            up = s.get(KbUpload, upload_id)
            assert up is not None
            up.state, up.error, up.finished_at = state, error, utcnow()
            if state == "done":
                up.chunks_done = up.chunks_total
            path = self._spooled(upload_id, up.filename)
        if path is not None:
            path.unlink(missing_ok=True)

    # ---- editing ---------------------------------------------------------------------------------------
    def update(self, doc_id: str, changes: dict[str, Any], actor: str) -> DocumentRow:
        changes = dict(changes)
        topics = changes.pop("topics", None)
        cleaned = clean(changes, EDITABLE)
        tags = self.topics.check(topic_names(topics)) if self.topics is not None and topics is not None else None
        before = self.get(doc_id)
        if before.state != "done":
            raise UnknownDocument(doc_id)
        if "title" in cleaned:
            title = cleaned.pop("title")
            if not title:
                raise InvalidMetadata("title", "title cannot be empty / 标题不能为空")
            if title != before.title:  # every chunk is embedded again under the new name
                self.kb.retitle(doc_id, title)
                self.audit.record(actor, "document.retitle", doc_id, {"title": before.title}, {"title": title})
        if tags is not None and self.topics is not None and tags != before.meta.get("topics"):
            tagged = self.topics.tag(doc_id, tags)
            self.audit.record(actor, "document.topics", doc_id, before.meta.get("topics"), tagged)
        if cleaned:
            self.kb.update_metadata(doc_id, cleaned)
            old = {k: (before.validity if k == "status" else getattr(before, k, None) or before.meta.get(k))
                   for k in cleaned}
            self.audit.record(actor, "document.update", doc_id, old, cleaned)
            if "status" in cleaned and cleaned["status"] != before.validity:
                after = self.get(doc_id)
                self._announce(doc_id, after.title, after.status, actor, after.meta.get("url"))
        return self.get(doc_id)

    def remove(self, doc_id: str, actor: str) -> DocumentRow:
        row = self.get(doc_id)
        if row.state in PENDING:
            raise FileRefused("the document is still being indexed; remove it when indexing is done / "
                              "文档正在索引，完成后再删除")
        self.kb.remove(doc_id)  # None for a failed upload: only its record goes
        with self.db.session() as s:
            s.execute(update(KbUpload).where(KbUpload.document_id == doc_id).values(state="removed"))
        self.audit.record(actor, "document.remove", doc_id, row.to_json(), None)
        return row
