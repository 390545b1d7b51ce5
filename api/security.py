"""Staff authentication: the OAuth2 password flow, JWTs (HS256, ``settings.secret_key``) and role checks.

API clients send ``Authorization: Bearer <token>``; the adviser console keeps the same token in an
HttpOnly, SameSite=Strict cookie. Every request re-reads the account, so a disabled user is locked out
at once even with a token that has not expired.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import jwt
from fastapi import Depends, HTTPException, Request
from fastapi.security import OAuth2PasswordBearer

from api.deps import get_runtime
from config import Settings
from staff import Accounts, StaffInfo

ALGORITHM = "HS256"
COOKIE = "qifa_staff"
TOKEN_URL = "/api/v1/auth/token"
_bearer = OAuth2PasswordBearer(tokenUrl=TOKEN_URL, auto_error=False)
_UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}


def _key(settings: Settings) -> bytes:
    """A 32-byte key derived from ``secret_key`` (HS256 wants at least 32 bytes; the secret may be shorter)."""
    return hashlib.sha256(b"qifa-staff-jwt:" + settings.secret_key.get_secret_value().encode()).digest()


def encode_token(settings: Settings, staff: StaffInfo, now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    claims = {"sub": staff.name, "role": staff.role, "iat": now, "jti": secrets.token_hex(16),
              "exp": now + timedelta(minutes=settings.token_expire_minutes)}
    return jwt.encode(claims, _key(settings), algorithm=ALGORITHM)


def decode_token(settings: Settings, token: str) -> dict[str, Any] | None:
    """The token's claims, or None when it is malformed, forged or expired."""
    try:
        claims: dict[str, Any] = jwt.decode(token, _key(settings), algorithms=[ALGORITHM],
                                            options={"require": ["sub", "exp", "jti"]})
    except jwt.PyJWTError:
        return None
    return claims


def csrf_token(settings: Settings, claims: dict[str, Any]) -> str:
    """The CSRF token of one login session: an HMAC of the token's id, so nothing is stored server-side."""
    return hmac.new(_key(settings), f"csrf:{claims['jti']}".encode(), hashlib.sha256).hexdigest()


def accounts_of(request: Request) -> Accounts:
    return get_runtime(request).accounts


def staff_from_token(request: Request, token: str | None) -> tuple[StaffInfo, dict[str, Any]] | None:
    if not token:
        return None
    claims = decode_token(get_runtime(request).settings, token)
    if claims is None:
        return None
    staff = accounts_of(request).get(str(claims["sub"]))
    if staff is None or not staff.active:
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
