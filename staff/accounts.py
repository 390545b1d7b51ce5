"""Staff accounts (advisers, curators, administrators): argon2 password hashes in the SQL store.

Logins go through the throttle of ``staff.throttle`` (``Accounts.throttle``: in memory, or in the SQL store when the
limits are shared between workers).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from db import Database
from db.base import iso_utc
from db.models_staff import StaffUser
from staff.throttle import LoginThrottle, SharedLoginThrottle

ROLES = ("adviser", "curator", "admin")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
NAME_RE = re.compile(r"^[\w.@-]{1,100}$")
_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the user does not exist, so that a wrong name costs as much time as a wrong
    password (made at the first login, not at import: an Argon2 hash costs ~0.1-0.5 s of start-up)."""
    return _hasher.hash("qifa-dummy-password")


class AccountError(Exception):
    """A refused account operation; ``str(exc)`` is a message fit for the person at the console."""

    code = "account_error"


class UnknownUser(AccountError):
    code = "unknown_user"

    def __init__(self, name: str) -> None:
        super().__init__(f"no staff user named '{name}' / 没有名为“{name}”的工作人员账号")


@dataclass
class StaffInfo:
    id: int
    name: str
    role: str
    active: bool
    created_at: datetime
    token_version: int = 0

    def can(self, *roles: str) -> bool:
        """Admins may do everything; others only what their role is listed for."""
        return self.active and (self.role == "admin" or self.role in roles)

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "role": self.role, "active": self.active,
                "created_at": iso_utc(self.created_at)}

    @classmethod
    def from_row(cls, u: StaffUser) -> StaffInfo:
        return cls(u.id, u.name, u.role, bool(u.active), u.created_at, int(u.token_version or 0))


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"unknown role '{role}'; choose one of: {', '.join(ROLES)} / 未知角色")
    return role


def check_password(password: object) -> str:
    if not isinstance(password, str) or not password:
        raise AccountError("the password is empty / 密码不能为空")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password is too short: at least {MIN_PASSWORD} characters "
                           f"/ 密码至少 {MIN_PASSWORD} 位")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"the password is too long: at most {MAX_PASSWORD} characters / 密码过长")
    return password


def check_name(name: object) -> str:
    if not isinstance(name, str) or not NAME_RE.match(name.strip()):
        raise AccountError("a user name is 1-100 letters, digits, Chinese characters or . _ @ - (no spaces) "
                           "/ 用户名为 1-100 个字母、数字、汉字或 . _ @ -，不含空格")
    return name.strip()


class Accounts:
    def __init__(self, db: Database, shared_throttle: bool = False) -> None:
        """``shared_throttle``: failed logins counted in the SQL store, for every worker (else in memory)."""
        self.db = db
        self.throttle: LoginThrottle | SharedLoginThrottle = SharedLoginThrottle(db) if shared_throttle \
            else LoginThrottle()

    def add(self, name: str, role: str, password: str) -> StaffInfo:
        name, role, password = check_name(name), check_role(role), check_password(password)
        digest = _hasher.hash(password)
        try:
            with self.db.session() as s:
                if s.scalars(select(StaffUser).where(StaffUser.name == name)).first() is not None:
                    raise AccountError(f"a staff user named '{name}' already exists / 用户名“{name}”已存在")
                u = StaffUser(name=name, role=role, password_hash=digest, active=True)
                s.add(u)
                s.flush()
                return StaffInfo.from_row(u)
        except IntegrityError as exc:  # added by another process between the check and the insert
            raise AccountError(f"a staff user named '{name}' already exists / 用户名“{name}”已存在") from exc

    def list(self) -> list[StaffInfo]:
        with self.db.session() as s:
            return [StaffInfo.from_row(u) for u in s.scalars(select(StaffUser).order_by(StaffUser.name))]

    def get(self, name: str) -> StaffInfo | None:
        with self.db.session() as s:
            u = s.scalars(select(StaffUser).where(StaffUser.name == name)).first()
            return StaffInfo.from_row(u) if u else None

    def disable(self, name: str) -> StaffInfo:
        with self.db.session() as s:
            u = s.scalars(select(StaffUser).where(StaffUser.name == name)).first()
            if u is None:
                raise UnknownUser(name)
            u.active = False
            u.token_version = (u.token_version or 0) + 1
            return StaffInfo.from_row(u)

    def set_password(self, name: str, password: str) -> StaffInfo:
        digest = _hasher.hash(check_password(password))
        with self.db.session() as s:
            u = s.scalars(select(StaffUser).where(StaffUser.name == name)).first()
            if u is None:
                raise UnknownUser(name)
            u.password_hash = digest
            u.token_version = (u.token_version or 0) + 1
            return StaffInfo.from_row(u)

    def revoke_tokens(self, name: str) -> StaffInfo:
        """Log the user out everywhere: every token issued so far stops working."""
        with self.db.session() as s:
            u = s.scalars(select(StaffUser).where(StaffUser.name == name)).first()
            if u is None:
                raise UnknownUser(name)
            u.token_version = (u.token_version or 0) + 1
            return StaffInfo.from_row(u)

    def authenticate(self, name: str, password: str) -> StaffInfo | None:
        """The active user with that name and password, or None (the same for every kind of failure)."""
        dummy = _dummy_hash()  # made before the look-up: a process's first login costs the same for any name
        with self.db.session() as s:
            u = s.scalars(select(StaffUser).where(StaffUser.name == name)).first()
            try:
                _hasher.verify(u.password_hash if u else dummy, password)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                return None
            if u is None or not u.active:
                return None
            if _hasher.check_needs_rehash(u.password_hash):
                u.password_hash = _hasher.hash(password)
            return StaffInfo.from_row(u)
