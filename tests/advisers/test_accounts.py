"""Staff accounts: argon2 hashes, add/list/disable/passwd, clear errors, the login throttle."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from composition import Runtime
from db.models_staff import StaffUser
from staff.accounts import AccountError, LoginThrottle, UnknownUser

PW = "correct horse 1"


def test_hash_is_argon2_and_add_list_disable_passwd(runtime: Runtime) -> None:
    acc = runtime.accounts
    assert acc is not None
    u = acc.add("wang", "adviser", PW)
    assert (u.name, u.role, u.active) == ("wang", "adviser", True)
    with runtime.db.session() as s:
        digest = s.scalars(select(StaffUser.password_hash).where(StaffUser.name == "wang")).one()
    assert digest.startswith("$argon2id$") and PW not in digest
    assert acc.authenticate("wang", PW) is not None
    assert acc.authenticate("wang", "wrong password") is None
    assert acc.authenticate("nobody", PW) is None
    acc.add("li", "admin", PW)
    assert [x.name for x in acc.list()] == ["li", "wang"]
    acc.set_password("wang", "new password 2")
    assert acc.authenticate("wang", PW) is None
    assert acc.authenticate("wang", "new password 2") is not None
    acc.disable("wang")
    assert acc.authenticate("wang", "new password 2") is None
    assert not acc.get("wang").active  # type: ignore[union-attr]


@pytest.mark.parametrize(("name", "role", "password", "words"), [
    ("wang", "adviser", "", "empty"),
    ("wang", "adviser", "short", "at least 8"),
    ("wang", "boss", PW, "unknown role"),
    ("has space", "adviser", PW, "user name"),
])
def test_add_errors(runtime: Runtime, name: str, role: str, password: str, words: str) -> None:
    with pytest.raises(AccountError, match=words):
        runtime.accounts.add(name, role, password)
    assert runtime.accounts.list() == []


def test_duplicate_and_unknown_user(runtime: Runtime) -> None:
    acc = runtime.accounts
    assert acc is not None
    acc.add("wang", "adviser", PW)
    with pytest.raises(AccountError, match="already exists"):
        acc.add("wang", "curator", PW)
    with pytest.raises(UnknownUser, match="no staff user named 'zhao'"):
        acc.disable("zhao")
    with pytest.raises(UnknownUser):
        acc.set_password("zhao", PW)
    with pytest.raises(AccountError, match="too short"):
        acc.set_password("wang", "1234")
    assert acc.authenticate("wang", PW) is not None


def test_throttle_locks_after_failures_and_doubles() -> None:
    now = [1000.0]
    t = LoginThrottle(max_failures=3, window_s=60, base_lock_s=10, clock=lambda: now[0])
    assert [t.failed("Wang", "1.2.3.4") for _ in range(2)] == [0.0, 0.0]
    assert t.retry_after("wang", "1.2.3.4") == 0
    assert t.failed("wang", "1.2.3.4") == 10
    assert t.retry_after("wang", "1.2.3.4") == 10
    assert t.retry_after("wang", "5.6.7.8") == 0  # another address is not locked
    now[0] += 11
    assert t.failed("wang", "1.2.3.4") == 20  # the fourth failure in the window doubles the lock
    t.succeeded("wang", "1.2.3.4")
    assert t.retry_after("wang", "1.2.3.4") == 0


def test_an_unknown_name_is_checked_against_a_hash_like_a_known_one(runtime: Runtime,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A wrong name costs one Argon2 verification, as a wrong password does (no timing tells which names exist)."""
    from staff import accounts

    runtime.accounts.add("wang", "adviser", PW)
    calls: list[str] = []

    class Counting(type(accounts._hasher)):  # type: ignore[misc]
        def verify(self, digest: str | bytes, password: str | bytes) -> bool:
            calls.append(str(digest))
            return bool(super().verify(digest, password))

    monkeypatch.setattr(accounts, "_hasher", Counting())
    assert runtime.accounts.authenticate("nobody", PW) is None
    assert runtime.accounts.authenticate("wang", "wrong password") is None
    assert len(calls) == 2 and all(d.startswith("$argon2") for d in calls)
    assert calls[0] == accounts._dummy_hash()
