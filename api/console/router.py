"""The adviser console at ``/console/``: log in, the live queue of hand-off cases, a case with its transcript
and retrieved passages, reply, close; the orders with their status changes.

Server-rendered Jinja2 pages with a little inline JavaScript (no build step, nothing from the network).
The login keeps the staff JWT in an HttpOnly, SameSite=Strict cookie; every form carries a CSRF token (an
HMAC of the login's token id, see ``staff.Tokens.csrf``) checked on each POST, and the login form a
double-submit token of its own. Nobody who is not logged in is served a page: they are sent to the login.
"""

from __future__ import annotations

import hmac
import inspect
import math
import secrets
from collections.abc import Awaitable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.console.wording import button_label, zh_first
from api.deps import RuntimeDep, get_runtime
from api.errors import status_of
from api.schemas import AfterQuery, CaseId, OrderId
from api.security import COOKIE, login, staff_from_token
from handoffs import STATUSES, CaseError, DangerUnconfirmed, InvalidText
from handoffs.cases import WITHDRAWN_NOTE
from orders import STATUSES as ORDER_STATUSES
from orders import OrderError, list_orders
from staff import StaffInfo

router = APIRouter(prefix="/console", include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


@pass_context
def _local(ctx: Any, value: datetime | str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC time shown in the bureau's time zone (``Settings.timezone``)."""
    if value is None:
        return ""
    dt = value if isinstance(value, datetime) else datetime.fromisoformat(value.rstrip("Z"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    tz = ZoneInfo(ctx["request"].app.state.runtime.settings.timezone)
    return dt.astimezone(tz).strftime(fmt)


templates.env.filters["local"] = _local
templates.env.globals["button_label"] = button_label
LOGIN_CSRF = "qifa_login_csrf"

CASE_LABELS = {"open": "待处理 Open", "assigned": "处理中 Assigned", "closed": "已结案 Closed"}
ORDER_LABELS = {"submitted": "已提交 Submitted", "accepted": "已受理 Accepted", "in_progress": "办理中 In progress",
                "completed": "已完成 Completed", "cancelled": "已取消 Cancelled", "rejected": "未受理 Rejected"}
REASON_LABELS = {"user_request": "用户要求 Asked for a person", "danger": "人身安全 Life or liberty at stake",
                 "high_risk": "高风险 High risk",
                 "low_confidence": "把握不足 Low confidence", "dissatisfied": "不满意 Dissatisfied",
                 "checkup": "自测报告 Self-check report"}
ROLE_LABELS = {"user": "企业 Enterprise", "bot": "机器人 Bot", "adviser": "顾问 Adviser", "system": "系统 System"}
CHANNEL_LABELS = {"web": "网页 Web", "telegram": "Telegram", "cli": "命令行 CLI"}


class LoginRequired(Exception):
    """Raised by the page dependency; answered with a redirect to the login form."""


class Forbidden(Exception):
    """A POST without the right CSRF token, or a role that may not use the console."""


class Login:
    def __init__(self, staff: StaffInfo, csrf: str) -> None:
        self.staff, self.csrf = staff, csrf


def _login(request: Request) -> Login:
    found = staff_from_token(request, request.cookies.get(COOKIE))
    if found is None:
        raise LoginRequired()
    staff, claims = found
    if not staff.can("adviser", "curator"):
        raise Forbidden("this console is for staff / 仅限工作人员使用")
    return Login(staff, get_runtime(request).tokens.csrf(claims))


def _adviser(request: Request) -> Login:
    login_ = _login(request)
    if not login_.staff.can("adviser"):
        raise Forbidden("this page is for advisers / 此页面仅限顾问使用")
    return login_


def curator_login(request: Request) -> Login:
    login_ = _login(request)
    if not login_.staff.can("curator"):
        raise Forbidden("this page is for curators and administrators / 此页面仅限知识库管理员和系统管理员使用")
    return login_


LoginDep = Annotated[Login, Depends(_adviser)]
AnyLoginDep = Annotated[Login, Depends(_login)]
CuratorLoginDep = Annotated[Login, Depends(curator_login)]
CsrfField = Annotated[str, Form()]


def check_csrf(login_: Login, sent: str) -> None:
    if not sent or not hmac.compare_digest(sent, login_.csrf):
        raise Forbidden("the form has expired or did not come from this console (CSRF) / 表单已失效，请刷新页面重试")


def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    nonce = secrets.token_urlsafe(16)
    base = {"nonce": nonce, "case_labels": CASE_LABELS, "order_labels": ORDER_LABELS, "reason_labels": REASON_LABELS,
            "role_labels": ROLE_LABELS, "channel_labels": CHANNEL_LABELS}
    response = templates.TemplateResponse(request, name, {**base, **context}, status_code=status)
    _secure(response, nonce)
    return response


def _secure(response: Response, nonce: str = "") -> None:
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; style-src 'self' 'unsafe-inline'; script-src 'nonce-{nonce}'; "
        "connect-src 'self'; "
        "img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"


# the banners a redirect may ask for, by code: a link can pick one of these, never supply its own text (phishing)
BANNERS = {"claimed": "已认领 Claimed", "sent": "已发送 Sent", "closed": "已结案 Closed",
           "status": "订单状态已更新 / Order status updated", "marked": "已标记，将进入复核队列 Marked for review",
           # the curators' pages (documents, review, FAQ, catalogue)
           "uploaded": "已上传，正在索引 Uploaded, indexing", "validity": "效力状态已更新 Validity updated",
           "removed": "已删除 Removed", "faq": "已加为常见问题 Added as an FAQ", "linked": "已关联文档 Linked",
           "unlinked": "已撤销关联，问题回到复核队列 Unlinked; the question is back in the queue",
           "dismissed": "已忽略 Dismissed", "faq_added": "常见问题已添加 FAQ added",
           "faq_removed": "常见问题已删除 FAQ removed", "saved": "已保存，立即生效 Saved; in effect now",
           "saved_untranslated": "已保存，立即生效；已改中文的英文译文已清空，英文用户暂见中文，请补译 / "
                                 "Saved; in effect now. The English of the changed Chinese fields was cleared: "
                                 "English readers see the Chinese, marked, until it is translated",
           "reset": "已恢复为初始内容 Back to the shipped text",
           "user_added": "账号已添加 Account added", "user_disabled": "账号已停用 Account disabled",
           "intent": "已加为意图示例，分类器已更新 Added as intent examples; the classifier is updated",
           "example_added": "意图示例已添加，分类器已更新 Example added; the classifier is updated",
           "example_removed": "意图示例已删除 Example removed",
           "notice": "已发布，正在发送给订阅者 Published; being sent to the subscribers",
           "withdrawn": "已撤回：未发出的不再发送，网页对话中的副本已标明撤回，Telegram 中的副本将被收回 "
                        "Withdrawn: unsent copies dropped, web copies marked, Telegram copies being recalled"}


def redirect(url: str, **params: str) -> RedirectResponse:
    query = urlencode({k: v for k, v in params.items() if v})
    return RedirectResponse(f"{url}?{query}" if query else url, status_code=303)


def install(app: FastAPI) -> None:
    """Include the console and answer its two exceptions with a redirect and a 403 page."""
    app.include_router(router)

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, exc: LoginRequired) -> Response:
        response = RedirectResponse("/console/login", status_code=303)
        _secure(response)
        return response

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        return page(request, "error.html", {"message": str(exc), "staff": None}, status=403)

    # a mistyped console address gets a console page; the API's JSON errors stay for everything else
    api_http = app.exception_handlers[StarletteHTTPException]
    api_invalid = app.exception_handlers[RequestValidationError]

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        mistyped = exc.status_code == 404 or (exc.status_code == 405 and request.method in ("GET", "HEAD"))
        if _console_path(request) and mistyped:  # a GET of a form's address is a page that does not exist
            return _error_page(request, NOT_FOUND, 404)
        return await _answer(api_http(request, exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if not _console_path(request):
            return await _answer(api_invalid(request, exc))
        path_error = any(e.get("loc", ("",))[0] == "path" for e in exc.errors())
        if path_error and request.method in ("GET", "HEAD"):  # /console/cases/abc: no such page
            return _error_page(request, NOT_FOUND, 404)
        return _error_page(request, "表单内容无法读取，请返回修改后重试 / The form could not be read; go back and try "
                                    "again", 422)


NOT_FOUND = "页面不存在：请检查网址，或从菜单进入 / No such page: check the address or use the menu"


async def _answer(out: Response | Awaitable[Response]) -> Response:
    """What the API's own handler answers (the handlers may be plain or async functions)."""
    return await out if inspect.isawaitable(out) else out


def _console_path(request: Request) -> bool:
    return request.url.path == "/console" or request.url.path.startswith("/console/")


def _error_page(request: Request, message: str, status: int) -> HTMLResponse:
    """An error page of the console, with its menu when a member of staff is logged in."""
    found = staff_from_token(request, request.cookies.get(COOKIE))
    staff = found[0] if found is not None and found[0].can("adviser", "curator") else None
    csrf = get_runtime(request).tokens.csrf(found[1]) if found is not None and staff is not None else ""
    return page(request, "error.html", {"message": message, "staff": staff, "csrf": csrf}, status=status)


# ---- login ----------------------------------------------------------------------------------------------
@router.get("")
def console_root() -> RedirectResponse:
    return RedirectResponse("/console/", status_code=307)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    token = request.cookies.get(LOGIN_CSRF) or secrets.token_urlsafe(24)
    response = page(request, "login.html", {"csrf": token, "error": "", "staff": None})
    response.set_cookie(LOGIN_CSRF, token, httponly=True, samesite="strict", path="/console",
                        secure=request.url.scheme == "https")
    return response


@router.post("/login", response_model=None)
def login_submit(request: Request, rt: RuntimeDep, username: Annotated[str, Form()] = "",
                 password: Annotated[str, Form()] = "", csrf: CsrfField = "") -> Response:
    expected = request.cookies.get(LOGIN_CSRF) or ""
    if not expected or not hmac.compare_digest(csrf, expected):
        raise Forbidden("the login form has expired; reload the page / 登录表单已失效，请刷新页面")
    staff, wait = login(request, username.strip(), password)
    if wait > 0:
        msg = f"登录失败次数过多，请 {math.ceil(wait)} 秒后再试 / Too many failed logins; wait {math.ceil(wait)} s"
        return page(request, "login.html", {"csrf": expected, "error": msg, "staff": None}, status=429)
    if staff is None:
        msg = "用户名或密码错误 / Wrong user name or password"
        return page(request, "login.html", {"csrf": expected, "error": msg, "staff": None}, status=401)
    response = RedirectResponse("/console/" if staff.can("adviser") else "/console/documents", status_code=303)
    response.set_cookie(COOKIE, rt.tokens.issue(staff), max_age=rt.settings.token_expire_minutes * 60,
                        httponly=True, samesite="strict", path="/", secure=request.url.scheme == "https")
    response.delete_cookie(LOGIN_CSRF, path="/console")
    return response


@router.post("/logout", response_model=None)
def logout(login_: AnyLoginDep, rt: RuntimeDep, csrf: CsrfField = "") -> Response:
    """Logs out everywhere: the token version is bumped, so a copy of the cookie stops working too."""
    check_csrf(login_, csrf)
    rt.accounts.revoke_tokens(login_.staff.name)
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


# ---- hand-off cases ------------------------------------------------------------------------------------
def _status(status: str) -> str:
    return status if status in STATUSES else "open"


@router.get("/", response_class=HTMLResponse)
def queue_page(request: Request, rt: RuntimeDep, login_: AnyLoginDep, status: str = "open") -> Response:
    if not login_.staff.can("adviser"):
        return RedirectResponse("/console/documents", status_code=303)
    status = _status(status)
    items = rt.advisers.queue(status)
    return page(request, "queue.html", {"staff": login_.staff, "csrf": login_.csrf, "status": status,
                                         "items": items, "statuses": STATUSES})


@router.get("/queue", response_class=HTMLResponse)
def queue_fragment(request: Request, rt: RuntimeDep, login_: LoginDep, status: str = "open") -> HTMLResponse:
    status = _status(status)
    return page(request, "_queue_rows.html", {"items": rt.advisers.queue(status), "status": status})


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(case_id: CaseId, request: Request, rt: RuntimeDep, login_: LoginDep, done: str = "") -> HTMLResponse:
    return _case(request, rt, login_, case_id, msg=BANNERS.get(done, ""))


def closed_message(case: Any) -> str:
    """Why a case the adviser is looking at is closed, Chinese first."""
    if case.note == WITHDRAWN_NOTE:
        return (f"企业已返回机器人，撤回了转人工请求，案件 {case.id} 已结案；未发送的回复仍保留在输入框中。 / "
                f"The enterprise went back to the assistant and withdrew the request; case #{case.id} is closed. "
                "An unsent reply is kept in its box.")
    return (f"案件 {case.id} 已结案；未发送的回复仍保留在输入框中。 / Case #{case.id} is closed. "
            "An unsent reply is kept in its box.")


def _case(request: Request, rt: Any, login_: Login, case_id: int, msg: str = "", err: str = "",
          status: int = 200, draft: str = "", note: str = "") -> HTMLResponse:
    """``draft`` and ``note``: what the adviser typed in a refused form, shown back in its box."""
    try:
        detail = rt.advisers.case(case_id)
    except CaseError as exc:
        return page(request, "error.html", {"message": zh_first(str(exc)), "staff": login_.staff,
                                            "csrf": login_.csrf}, status=status_of(exc))
    last = detail.transcript[-1].id if detail.transcript else 0
    return page(request, "case.html", {"staff": login_.staff, "csrf": login_.csrf, "d": detail,
                                        "c": detail.item.case, "msg": msg, "err": err, "draft": draft, "note": note,
                                        "last_id": last, "danger_unanswered": detail.item.danger_unanswered},
                status=status)


@router.get("/cases/{case_id}/messages", response_model=None)
def case_messages(case_id: CaseId, request: Request, rt: RuntimeDep, login_: LoginDep,
                  after: AfterQuery = 0) -> Response:
    """The case page's live transcript: the bubbles after message ``after`` and the case's status, looked at
    every few seconds by the page (a reply being typed stays in its box)."""
    try:
        detail = rt.advisers.case(case_id)
    except CaseError as exc:
        return JSONResponse({"error": zh_first(str(exc))}, status_code=status_of(exc))
    new = [m for m in detail.transcript if m.id > after]
    html = templates.env.get_template("_bubbles.html").render(
        messages=new, role_labels=ROLE_LABELS, request=request) if new else ""
    c = detail.item.case
    response = JSONResponse({"html": html, "last": new[-1].id if new else after, "status": c.status,
                             "status_label": CASE_LABELS.get(c.status, c.status),
                             "closed_message": closed_message(c) if c.status == "closed" else ""})
    _secure(response)
    return response


@router.post("/cases/{case_id}/{action}", response_model=None)
def case_action(case_id: CaseId, action: str, request: Request, rt: RuntimeDep, login_: LoginDep,
                csrf: CsrfField = "", text: Annotated[str, Form()] = "",
                note: Annotated[str, Form()] = "", confirm_danger: Annotated[str, Form()] = "") -> Response:
    """Success: a redirect naming a fixed banner; a refusal: the page itself, with the reason (no redirect) and
    what was typed still in its box."""
    check_csrf(login_, csrf)
    desk, name, url = rt.advisers, login_.staff.name, f"/console/cases/{case_id}"
    try:
        if action == "claim":
            desk.claim(case_id, name)
            return redirect(url, done="claimed")
        if action == "reply":
            desk.reply(case_id, name, text)
            return redirect(url, done="sent")
        if action == "close":
            try:
                desk.close(case_id, name, note, danger_confirmed=confirm_danger == "yes")
            except DangerUnconfirmed as exc:  # the desk's rule, in the console's words (its box, not a field)
                raise DangerUnconfirmed(case_id, "此案涉及人身安全且尚无顾问回复：请勾选确认后再结案 / This case is "
                                        "about a person's safety and nobody has replied: tick the confirmation "
                                        "to close it") from exc
            return redirect(url, done="closed")
        if action == "should-answer":
            rt.review.mark(case_id, desk.case(case_id).item.case.session_id, name)
            return redirect(url, done="marked")
    except CaseError as exc:
        err = zh_first(str(exc))
        if action == "reply" and not isinstance(exc, InvalidText):
            found = rt.handoffs.get(case_id)
            if found is not None and found.status == "closed":
                err = f"回复未发送。{closed_message(found)}"
        return _case(request, rt, login_, case_id, err=err, status=status_of(exc), draft=text, note=note)
    return _case(request, rt, login_, case_id, err="未知操作 / unknown action", status=404)


# ---- orders ----------------------------------------------------------------------------------------------
@router.get("/orders", response_class=HTMLResponse)
def orders_page(request: Request, rt: RuntimeDep, login_: LoginDep, status: str = "",
                done: str = "") -> HTMLResponse:
    return _orders(request, rt, login_, status, msg=BANNERS.get(done, ""))


def _orders(request: Request, rt: Any, login_: Login, status: str, msg: str = "", err: str = "",
            code: int = 200) -> HTMLResponse:
    status = status if status in ORDER_STATUSES else ""
    rows = list_orders(rt.orders, status or None)
    return page(request, "orders.html", {"staff": login_.staff, "csrf": login_.csrf, "orders": rows,
                                          "status": status, "statuses": ORDER_STATUSES, "msg": msg, "err": err},
                 status=code)


@router.post("/orders/{order_id}/status", response_model=None)
def order_status(order_id: OrderId, request: Request, rt: RuntimeDep, login_: LoginDep, csrf: CsrfField = "",
                 status: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = "",
                 back: Annotated[str, Form()] = "") -> Response:
    check_csrf(login_, csrf)
    back = back if back in ORDER_STATUSES else ""
    try:
        rt.orders.change_status(order_id, status, login_.staff.name, reason or None)
    except OrderError as exc:
        return _orders(request, rt, login_, back, err=exc.message(), code=status_of(exc))
    return redirect("/console/orders", status=back, done="status")
