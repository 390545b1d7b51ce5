"""The curators' pages of the console: the documents list with filters, upload (indexed in the background,
progress shown while the page stays usable), validity, a new version, removal. The domain work is done by
``curation.DocumentDesk``; these handlers only translate forms to its calls."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response

from alerts import AlertError
from api.console.router import BANNERS, CsrfField, CuratorLoginDep, check_csrf, page, redirect
from api.console.wording import zh_first
from api.deps import RuntimeDep
from api.errors import status_of
from api.routers.documents import read_limited
from curation import CurationError
from curation.documents import topic_names

router = APIRouter(prefix="/console", include_in_schema=False)
KIND_LABELS = {"statute": "法律法规 Statute", "guide": "指引 Guide", "text": "文本 Text"}
STATUS_LABELS = {"in_force": "现行有效 In force", "amended": "已修订 Amended", "repealed": "已废止 Repealed"}
STATE_LABELS = {"queued": "排队中 Queued", "indexing": "索引中 Indexing", "done": "已完成 Done",
                "failed": "失败 Failed"}
TextField = Annotated[str, Form(max_length=1000)]


@router.get("/documents", response_class=HTMLResponse)
def documents_page(request: Request, rt: RuntimeDep, login_: CuratorLoginDep, kind: str = "", status: str = "",
                   q: str = "", done: str = "") -> HTMLResponse:
    return _documents(request, rt, login_, kind, status, q, msg=BANNERS.get(done, ""))


def _documents(request: Request, rt: Any, login_: Any, kind: str = "", status: str = "", q: str = "",
               msg: str = "", err: str = "", code: int = 200) -> HTMLResponse:
    """The page; a success banner comes from the fixed table, a refusal is shown here directly (no redirect)."""
    kind = kind if kind in KIND_LABELS else ""
    status = status if status in STATUS_LABELS or status in STATE_LABELS else ""
    rows = rt.documents.list(kind, status, q[:200])
    return page(request, "documents.html", {
        "staff": login_.staff, "csrf": login_.csrf, "rows": rows, "kind": kind, "status": status, "q": q[:200],
        "msg": msg, "err": err, "kinds": KIND_LABELS, "statuses": STATUS_LABELS, "states": STATE_LABELS,
        "limit_mb": rt.settings.max_file_mb, "pending": any(r.state in ("queued", "indexing") for r in rows)},
        status=code)


@router.get("/documents/progress", response_model=None)
def progress(rt: RuntimeDep, login_: CuratorLoginDep) -> JSONResponse:
    """The uploads still being indexed (the page polls this while any is)."""
    rows = [r for r in rt.documents.list() if r.state in ("queued", "indexing", "failed")]
    return JSONResponse([{"id": r.id, "state": r.state, "progress": r.progress} for r in rows],
                        headers={"Cache-Control": "no-store"})


async def _upload(request: Request, rt: Any, login_: Any, file: UploadFile, meta: dict[str, str],
                  replaces: str | None, topics: str = "") -> Response:
    try:
        data = await read_limited(file, rt.documents.max_bytes)
        rt.documents.upload(file.filename or "", data, login_.staff.name, meta, replaces, topic_names(topics))
    except (CurationError, AlertError) as exc:
        return _documents(request, rt, login_, err=zh_first(str(exc)), code=status_of(exc))
    return redirect("/console/documents", done="uploaded")


@router.post("/documents", response_model=None)
async def upload(request: Request, rt: RuntimeDep, login_: CuratorLoginDep, file: Annotated[UploadFile, File()],
                 csrf: CsrfField = "", title: TextField = "", effective: TextField = "",
                 status: TextField = "", issuer: TextField = "", topics: TextField = "") -> Response:
    check_csrf(login_, csrf)
    return await _upload(request, rt, login_, file, {"title": title, "effective": effective, "status": status,
                                            "issuer": issuer}, None, topics)


@router.post("/documents/{doc_id}/version", response_model=None)
async def new_version(doc_id: str, request: Request, rt: RuntimeDep, login_: CuratorLoginDep,
                      file: Annotated[UploadFile, File()], csrf: CsrfField = "", effective: TextField = "") -> Response:
    check_csrf(login_, csrf)
    return await _upload(request, rt, login_, file, {"effective": effective}, doc_id[:64])


@router.post("/documents/{doc_id}/status", response_model=None)
def change_status(doc_id: str, request: Request, rt: RuntimeDep, login_: CuratorLoginDep, csrf: CsrfField = "",
                  status: TextField = "") -> Response:
    check_csrf(login_, csrf)
    try:
        rt.documents.update(doc_id[:64], {"status": status}, login_.staff.name)
    except CurationError as exc:
        return _documents(request, rt, login_, err=zh_first(str(exc)), code=status_of(exc))
    return redirect("/console/documents", done="validity")


@router.post("/documents/{doc_id}/remove", response_model=None)
def remove(doc_id: str, request: Request, rt: RuntimeDep, login_: CuratorLoginDep, csrf: CsrfField = "") -> Response:
    check_csrf(login_, csrf)
    try:
        rt.documents.remove(doc_id[:64], login_.staff.name)
    except CurationError as exc:
        return _documents(request, rt, login_, err=zh_first(str(exc)), code=status_of(exc))
    return redirect("/console/documents", done="removed")
