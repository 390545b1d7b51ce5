"""``POST /api/v1/auth/token``: the OAuth2 password flow for staff (form fields ``username``, ``password``).

Wrong credentials get 401. After five failures for one user name from one address within 15 minutes, every
attempt gets 429 with ``Retry-After`` for 30 s, doubling with each further failure up to 15 min (in memory;
see ``staff.LoginThrottle``). ``POST /api/v1/auth/logout`` logs the user out everywhere (the token version is
bumped, so every token issued before is refused).
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from api.deps import RuntimeDep
from api.errors import error
from api.schemas import Ok
from api.schemas_staff import StaffOut, Token
from api.security import CurrentStaff, login

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


@router.post("/token", response_model=Token, responses={
    401: {"description": "wrong user name or password"},
    429: {"description": "too many failed logins; see Retry-After"}})
def token(request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()], rt: RuntimeDep) -> Any:
    staff, wait = login(request, form.username, form.password)
    if wait > 0:
        seconds = math.ceil(wait)
        return error(429, "too_many_attempts",
                     f"too many failed logins; try again in {seconds} s / 登录失败次数过多，请 {seconds} 秒后再试",
                     headers={"Retry-After": str(seconds)})
    if staff is None:
        return error(401, "invalid_credentials", "wrong user name or password / 用户名或密码错误",
                     headers={"WWW-Authenticate": "Bearer"})
    return Token(access_token=rt.tokens.issue(staff))


@router.get("/me", response_model=StaffOut)
def me(staff: CurrentStaff) -> dict[str, object]:
    return staff.to_json()


@router.post("/logout", response_model=Ok)
def logout(staff: CurrentStaff, rt: RuntimeDep) -> dict[str, bool]:
    """Log out everywhere: this token and every other token of the user stop working."""
    rt.accounts.revoke_tokens(staff.name)
    return {"ok": True}
