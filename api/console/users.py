"""The administrators' users page of the console: the staff accounts, add one, disable one. The same
operations as ``/api/v1/staff/users`` and ``qifa users`` (``staff.Accounts``), which check every field."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from api.console.router import BANNERS, CsrfField, Forbidden, Login, check_csrf, curator_login, page, redirect
from api.console.wording import zh_first
from api.deps import RuntimeDep
from api.errors import status_of
from api.schemas import TextPath
from staff import ROLES, AccountError

router = APIRouter(prefix="/console", include_in_schema=False)
ROLE_NAMES = {"adviser": "法律顾问 Adviser", "curator": "知识库管理员 Curator", "admin": "系统管理员 Administrator"}
ShortField = Annotated[str, Form(max_length=2000)]


def admin_login(request: Request) -> Login:
    login_ = curator_login(request)
    if login_.staff.role != "admin":
        raise Forbidden("此页面仅限系统管理员使用 / this page is for administrators")
    return login_


AdminLoginDep = Annotated[Login, Depends(admin_login)]


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, rt: RuntimeDep, login_: AdminLoginDep, done: str = "") -> HTMLResponse:
    return _users(request, rt, login_, msg=BANNERS.get(done, ""))


def _users(request: Request, rt: Any, login_: Login, msg: str = "", err: str = "", code: int = 200,
           form: dict[str, str] | None = None) -> HTMLResponse:
    """A refused account comes back with its name and role as typed (never the password)."""
    return page(request, "users.html", {"staff": login_.staff, "csrf": login_.csrf, "users": rt.accounts.list(),
                                        "roles": ROLES, "role_names": ROLE_NAMES, "msg": msg, "err": err,
                                        "form": form or {"name": "", "role": "adviser"}}, status=code)


@router.post("/users", response_model=None)
def add_user(request: Request, rt: RuntimeDep, login_: AdminLoginDep, csrf: CsrfField = "", name: ShortField = "",
             role: ShortField = "", password: ShortField = "") -> Response:
    check_csrf(login_, csrf)
    try:
        rt.accounts.add(name, role, password)
    except AccountError as exc:
        return _users(request, rt, login_, err=zh_first(str(exc)), code=status_of(exc),
                      form={"name": name, "role": role})
    return redirect("/console/users", done="user_added")


@router.post("/users/{name}/disable", response_model=None)
def disable_user(name: TextPath, request: Request, rt: RuntimeDep, login_: AdminLoginDep,
                 csrf: CsrfField = "") -> Response:
    check_csrf(login_, csrf)
    if name == login_.staff.name:
        return _users(request, rt, login_, err="不能停用自己的账号 / you cannot disable your own account", code=409)
    try:
        rt.accounts.disable(name)
    except AccountError as exc:
        return _users(request, rt, login_, err=zh_first(str(exc)), code=status_of(exc))
    return redirect("/console/users", done="user_disabled")
