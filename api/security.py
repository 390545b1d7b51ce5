"""Staff authentication: the OAuth2 password flow, login tokens (``staff.Tokens``) and role checks.

API clients send ``Authorization: Bearer <token>``; the adviser console keeps the same token in an
HttpOnly, SameSite=Strict cookie. Every request re-reads the account, so a disabled user, or one who logged
out everywhere or changed the password, is locked out at once even with a token that has not expired.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import OAuth2PasswordBearer

from api.deps import get_runtime
from staff import Accounts, StaffInfo

COOKIE = "qifa_staff"
TOKEN_URL = "/api/v1/auth/token"
_bearer = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False)
_UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}


def accounts_of(request: Request) -> Accounts:
    return get_runtime(request).accounts


def staff_from_token(request: Request, token: str | None) -> tuple[StaffInfo, dict[str, Any]] | None:
    if not token:
        return None
    tokens = get_runtime(request).tokens
    claims = tokens.read(token)
    if claims is None:
        return None
    staff = accounts_of(request).get(str(claims["sub"]))
    if staff is None or not tokens.current(claims, staff):
        return None
    return staff, claims


def current_staff(request: Request, token: Annotated[str | None, Depends(_bearer)]) -> StaffInfo:
    """The logged-in staff user (bearer token), or 401."""
    found = staff_from_token(request, token)
    if found is None:
        raise HTTPException(401, "not logged in or the login has expired / 未登录或登录已过期", headers=_UNAUTHORIZED)
    return found[0]


def require_role(*roles: str) -> Callable[..., StaffInfo]:
    """A dependency: the logged-in user when their role is one of ``roles`` (admins always), else 403."""

    def dependency(staff: Annotated[StaffInfo, Depends(current_staff)]) -> StaffInfo:
        if not staff.can(*roles):
            raise HTTPException(403, f"the role '{staff.role}' may not do this / 当前角色无此权限")
        return staff

    return dependency


CurrentStaff = Annotated[StaffInfo, Depends(current_staff)]
Adviser = Annotated[StaffInfo, Depends(require_role("adviser"))]
Admin = Annotated[StaffInfo, Depends(require_role("admin"))]


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def login(request: Request, name: str, password: str) -> tuple[StaffInfo | None, float]:
    """Check a login through the throttle: (user, 0) on success, (None, 0) on a wrong name or password,
    (None, seconds) when this name and address must wait before trying again."""
    accounts = accounts_of(request)
    address = client_address(request)
    wait = accounts.throttle.retry_after(name, address)
    if wait > 0:
        return None, wait
    staff = accounts.authenticate(name, password)
    if staff is None:
        accounts.throttle.failed(name, address)
        return None, 0.0
    accounts.throttle.succeeded(name, address)
    return staff, 0.0
