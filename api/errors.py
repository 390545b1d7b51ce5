"""Every error is JSON: ``{"error": {"code", "message", "fields": [{"field", "message"}]}}``.

Domain errors are plain exceptions; this module maps each type to its HTTP status once (:data:`STATUS`), so
routes raise and never catch. Anything unexpected is answered ``500 {"error": {"code": "internal", ...,
"request_id"}}`` and logged with its traceback under the same request id (sent back as ``X-Request-ID``).
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from alerts import AlertError, NoticeWithdrawn, UnknownNotice
from assistant.conversations import UnknownMessage, UnknownSession
from assistant.engine import InvalidMessage
from assistant.moderation import DuplicateWord, UnknownWord, WordError
from checkups import CheckupInvalid, InvalidAnswers, UnknownCheckup, UnknownCheckupSession, UnknownReport
from checkups.pdf_fonts import FontMissing
from curation import (
    CatalogueInvalid,
    CurationError,
    DuplicateFaq,
    DuplicateFile,
    FileRefused,
    FileTooLarge,
    InvalidMetadata,
    UnknownCatalogueService,
    UnknownDocument,
    UnknownFaq,
    UnknownIntentExample,
    UnknownLink,
    UnknownReviewGroup,
)
from handoffs import CaseError, InvalidText, UnknownCase
from knowledge.catalogue import UnknownGroup
from orders import (
    FormInvalid,
    InvalidRating,
    InvalidStatus,
    InvalidTransition,
    OrderError,
    RatingRefused,
    UnknownOrder,
    UnknownService,
)
from reporting import PeriodError
from sites import SiteRefused
from staff import AccountError, UnknownUser

log = logging.getLogger("qifa.api")
REQUEST_ID = "X-Request-ID"

# the one map of domain errors to HTTP statuses (the most specific class wins: see status_of)
STATUS: dict[type[Exception], int] = {
    UnknownSession: 404, UnknownMessage: 404, InvalidMessage: 422,
    OrderError: 409, UnknownOrder: 404, UnknownService: 404, InvalidRating: 422, InvalidStatus: 422,
    InvalidTransition: 409, RatingRefused: 409, FormInvalid: 422,
    CaseError: 409, UnknownCase: 404, InvalidText: 422,
    AccountError: 422, UnknownUser: 404,
    UnknownGroup: 422,
    SiteRefused: 403,
    CurationError: 409, FileRefused: 422, FileTooLarge: 413, DuplicateFile: 409, UnknownDocument: 404,
    InvalidMetadata: 422, PeriodError: 422, UnknownFaq: 404, DuplicateFaq: 409,
    UnknownReviewGroup: 404, UnknownLink: 404, UnknownCatalogueService: 404, CatalogueInvalid: 422,
    UnknownIntentExample: 404,
    WordError: 422, DuplicateWord: 409, UnknownWord: 404,
    UnknownCheckup: 404, UnknownReport: 404, UnknownCheckupSession: 404, InvalidAnswers: 422, FontMissing: 503,
    CheckupInvalid: 422,
    NoticeWithdrawn: 409, AlertError: 422, UnknownNotice: 404,
}


def error(status: int, code: str, message: str, fields: list[dict[str, str]] | None = None,
          headers: dict[str, str] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"error": {"code": code, "message": message, "fields": fields or []}}
    return JSONResponse(body, status_code=status, headers=headers)


def status_of(exc: Exception) -> int:
    """The HTTP status of a domain error (500 for anything unmapped)."""
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def render(exc: Exception) -> JSONResponse:
    """A domain error as JSON: its code, its message (both languages) and the field it names."""
    status = status_of(exc)
    if isinstance(exc, FormInvalid):
        names = ", ".join(e.field for e in exc.errors)
        fields = [{"field": e.field, "message": e.message()} for e in exc.errors]
        return error(status, "invalid_order", f"invalid fields: {names} / 以下字段无效：{names}", fields)
    if isinstance(exc, OrderError):
        return error(status, exc.code, exc.message(), [{"field": exc.field or "order", "message": exc.message()}])
    if isinstance(exc, UnknownSession):
        return error(status, "unknown_session", f"no session '{exc.args[0]}' / 会话不存在",
                     [{"field": "session_id", "message": "unknown session"}])
    if isinstance(exc, UnknownMessage):
        return error(status, "unknown_message", "no such bot message in this session / 该会话中没有这条回复",
                     [{"field": "message_id", "message": "unknown message"}])
    if isinstance(exc, InvalidMessage):
        return error(status, "invalid_message", str(exc), [{"field": "message", "message": str(exc)}])
    if isinstance(exc, CaseError):
        return error(status, exc.code, str(exc), [{"field": exc.field, "message": str(exc)}])
    if isinstance(exc, AccountError):
        return error(status, exc.code, str(exc), [{"field": "user", "message": str(exc)}])
    if isinstance(exc, SiteRefused):
        return error(status, exc.code, str(exc), [{"field": "site_key", "message": str(exc)}])
    if isinstance(exc, CatalogueInvalid):
        return error(status, exc.code, str(exc), [{"field": f, "message": m} for f, m in exc.errors])
    if isinstance(exc, DuplicateFile):
        return error(status, exc.code, str(exc), [{"field": exc.field, "message": str(exc),
                                                  "document_id": exc.document_id}])
    if isinstance(exc, CurationError):
        return error(status, exc.code, str(exc), [{"field": exc.field, "message": str(exc)}])
    if isinstance(exc, PeriodError):
        return error(status, exc.code, str(exc), [{"field": exc.field, "message": str(exc)}])
    if isinstance(exc, WordError):
        code = ("duplicate_word" if isinstance(exc, DuplicateWord) else
                "unknown_word" if isinstance(exc, UnknownWord) else "invalid_word")
        return error(status, code, str(exc), [{"field": "word", "message": str(exc)}])
    if isinstance(exc, AlertError):
        return error(status, exc.code, str(exc), [{"field": exc.field, "message": str(exc)}])
    if isinstance(exc, UnknownNotice):
        return error(status, "unknown_notice", f"no notice {exc.args[0]} / 通知不存在",
                     [{"field": "notice_id", "message": "unknown notice"}])
    if isinstance(exc, UnknownGroup):
        label = "服务类别" if exc.kind == "category" else "服务场景"
        message = f"{exc} / 未知的{label}"
        return error(status, "invalid_request", message, [{"field": exc.kind, "message": message}])
    if isinstance(exc, CheckupInvalid):
        return error(status, exc.code, str(exc), [{"field": f, "message": m} for f, m in exc.errors])
    if isinstance(exc, InvalidAnswers):
        return error(status, exc.code, str(exc), exc.fields())
    if isinstance(exc, UnknownCheckup):
        return error(status, exc.code, f"no questionnaire '{exc.args[0]}' / 没有这份自测问卷",
                     [{"field": "checkup_id", "message": "unknown questionnaire"}])
    if isinstance(exc, UnknownReport):
        return error(status, exc.code, f"no report {exc.args[0]} for this session / 该会话没有这份报告",
                     [{"field": "report_id", "message": "unknown report"}])
    if isinstance(exc, UnknownCheckupSession):
        return error(status, exc.code, f"no session '{exc.args[0]}' / 会话不存在",
                     [{"field": "session_id", "message": "unknown session"}])
    if isinstance(exc, FontMissing):
        return error(status, exc.code, str(exc), [{"field": "pdf", "message": str(exc)}])
    raise TypeError(f"no mapping for {type(exc).__name__}")  # pragma: no cover - STATUS lists every type


class RequestId:
    """ASGI middleware: every request gets an id (``request.state.request_id``), sent back as X-Request-ID."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if REQUEST_ID not in headers:
                    headers.append(REQUEST_ID, rid)
            await send(message)

        await self.app(scope, receive, send_with_id)


def install(app: FastAPI) -> None:
    app.add_middleware(RequestId)

    @app.exception_handler(RequestValidationError)
    async def validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        fields = []
        for e in exc.errors():
            if e.get("type") == "json_invalid":
                return error(400, "invalid_json", "request body is not valid JSON / 请求体不是合法的 JSON",
                             [{"field": "body", "message": str(e.get("msg"))}])
            fields.append({"field": _field(tuple(e.get("loc", ()))), "message": str(e.get("msg"))})
        names = ", ".join(f["field"] for f in fields)
        return error(422, "invalid_request", f"invalid fields: {names} / 以下字段无效：{names}", fields)

    async def domain(_: Request, exc: Exception) -> JSONResponse:
        return render(exc)

    for cls in STATUS:
        app.add_exception_handler(cls, domain)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error(exc.status_code, "http_error", str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        rid = getattr(request.state, "request_id", None) or uuid.uuid4().hex
        log.error("request %s %s %s failed", rid, request.method, request.url.path, exc_info=exc)
        body: dict[str, Any] = {"error": {"code": "internal", "request_id": rid, "fields": [],
                          "message": f"internal error; quote request id {rid} / 服务器内部错误，请提供请求编号 {rid}"}}
        return JSONResponse(body, status_code=500, headers={REQUEST_ID: rid})
