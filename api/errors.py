"""Every error is JSON: ``{"error": {"code", "message", "fields": [{"field", "message"}]}}``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.conversations import UnknownSession
from assistant.engine import InvalidMessage


def error(status: int, code: str, message: str, fields: list[dict[str, str]] | None = None,
          headers: dict[str, str] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"error": {"code": code, "message": message, "fields": fields or []}}
    return JSONResponse(body, status_code=status, headers=headers)


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or "body"


def install(app: FastAPI) -> None:
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

    @app.exception_handler(InvalidMessage)
    async def invalid_message(_: Request, exc: InvalidMessage) -> JSONResponse:
        return error(422, "invalid_message", str(exc), [{"field": "message", "message": str(exc)}])

    @app.exception_handler(UnknownSession)
    async def unknown_session(_: Request, exc: UnknownSession) -> JSONResponse:
        return error(404, "unknown_session", f"no session '{exc.args[0]}' / 会话不存在",
                     [{"field": "session_id", "message": "unknown session"}])

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error(exc.status_code, "http_error", str(exc.detail), headers=getattr(exc, "headers", None))
