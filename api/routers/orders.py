"""Service orders over HTTP: place one, read it with its history, cancel it, rate it.

An order is seen only by the session that placed it: any other session, or none, gets 404 (as if it did
not exist), so order ids cannot be probed for other enterprises' details.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from api.deps import RuntimeDep
from api.errors import error
from api.sites import record_site
from assistant.orders import OrderDesk, OrderError, UnknownOrder, UnknownService
from assistant.runtime import Runtime
from assistant.validation import FormInvalid

router = APIRouter(prefix="/api/v1/orders", tags=["orders"])

_TEXT: dict[str, Any] = {"type": "string"}
_BOOL: dict[str, Any] = {"type": "boolean"}


class OrderCreate(BaseModel):
    """Fields are checked by the order desk so that every message names the field in Chinese and English."""

    model_config = ConfigDict(extra="ignore")

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
    lang: StrictStr | None = Field(default=None, description="zh or en")


class OrderCancel(BaseModel):
    model_config = ConfigDict(extra="ignore")

    session_id: StrictStr | None = Field(default=None, max_length=64)
    reason: StrictStr | None = Field(default=None, max_length=500)


class OrderRating(BaseModel):
    model_config = ConfigDict(extra="ignore")

    session_id: StrictStr | None = Field(default=None, max_length=64)
    level: int | StrictStr = Field(description="5..1 or 非常满意/满意/基本满意/不满意/非常不满意 (or in English)")
    comment: StrictStr | None = Field(default=None, max_length=500)


def _desk(rt: Runtime) -> OrderDesk:
    if rt.orders is None:
        raise RuntimeError("orders are not enabled in this runtime")
    return rt.orders


def _order_error(exc: OrderError) -> JSONResponse:
    return error(exc.status, exc.code, exc.message(), [{"field": exc.field or "order", "message": exc.message()}])


def _invalid(exc: FormInvalid) -> JSONResponse:
    names = ", ".join(e.field for e in exc.errors)
    fields = [{"field": e.field, "message": e.message()} for e in exc.errors]
    return error(422, "invalid_order", f"invalid fields: {names} / 以下字段无效：{names}", fields)


@router.post("", status_code=201, response_model=None)
def create_order(body: OrderCreate, rt: RuntimeDep, request: Request) -> Any:
    desk = _desk(rt)
    session_id = body.session_id
    if session_id is not None:
        rt.conversations.get(session_id)  # unknown -> 404 unknown_session
    data = body.model_dump(exclude={"service_id", "session_id", "lang"})
    data["consent"] = body.consent is True  # over HTTP only a JSON true is consent
    try:
        if desk.catalogue.get(body.service_id) is None:
            raise UnknownService(body.service_id)  # before a new session is opened for nothing
        if session_id is None:
            session_id = rt.conversations.open(None, "web").id
        order = desk.create(body.service_id, data, session_id, lang=body.lang or "zh")
    except FormInvalid as exc:
        return _invalid(exc)
    except OrderError as exc:
        return _order_error(exc)
    record_site(request, session_id)
    return order.to_json()


@router.get("/{order_id}", response_model=None)
def get_order(order_id: int, rt: RuntimeDep, session_id: str | None = None) -> Any:
    order = _desk(rt).get(order_id, session_id) if session_id else None
    if order is None:
        return _order_error(UnknownOrder(order_id))
    return order.to_json()


@router.post("/{order_id}/cancel", response_model=None)
def cancel_order(order_id: int, body: OrderCancel, rt: RuntimeDep) -> Any:
    if not body.session_id:
        return _order_error(UnknownOrder(order_id))
    try:
        return _desk(rt).cancel(order_id, body.session_id, body.reason).to_json()
    except OrderError as exc:
        return _order_error(exc)


@router.post("/{order_id}/rating", response_model=None)
def rate_order(order_id: int, body: OrderRating, rt: RuntimeDep) -> Any:
    if not body.session_id:
        return _order_error(UnknownOrder(order_id))
    try:
        return _desk(rt).rate(order_id, body.session_id, body.level, body.comment).to_json()
    except OrderError as exc:
        return _order_error(exc)
