"""No usable default secret, capped token lifetimes and revocable tokens (logout, password change, disable)."""

from __future__ import annotations

import hashlib
import re
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.app import create_app
from cli.main import main
from composition import Runtime
from config import Settings
from config.settings import PUBLISHED_SECRETS
from staff import SecretKeyError, signing_secret

REPO = Path(__file__).resolve().parents[2]
PW = "root-pass-123"


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    runtime.accounts.add("root", "admin", PW)
    runtime.accounts.add("wang", "adviser", PW)
    with TestClient(create_app(runtime=runtime)) as c:
        yield c


def login(client: TestClient, name: str = "root", password: str = PW) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", data={"username": name, "password": password})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def forge(secret: str, minutes: float, *, name: str = "root", ver: int = 0, iat: datetime | None = None) -> str:
    now = iat or datetime.now(UTC)
    key = hashlib.sha256(b"qifa-staff-jwt:" + secret.encode()).digest()
    return jwt.encode({"sub": name, "role": "admin", "ver": ver, "iat": now, "jti": "x" * 32,
                       "exp": now + timedelta(minutes=minutes)}, key, algorithm="HS256")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# ---- the secret ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["change-me-in-production", "short", "x" * 31])
def test_a_published_or_short_secret_is_refused_by_settings(value: str, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="secret"):
        Settings(data_dir=tmp_path, secret_key=value)


def test_every_secret_printed_in_the_docs_is_refused(tmp_path: Path) -> None:
    printed = []
    for doc in (REPO / "README.md", REPO / ".env.example"):
        printed += re.findall(r"QIFA_SECRET_KEY=([^\s`'\"]*)", doc.read_text(encoding="utf-8"))
    assert printed, "the docs name QIFA_SECRET_KEY"
    for value in printed:
        if value:  # an empty value means "unset": a random key is made
            with pytest.raises(ValidationError):
                Settings(data_dir=tmp_path, secret_key=value)
    assert "change-me-in-production" in PUBLISHED_SECRETS


def test_serve_refuses_to_start_with_the_old_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("QIFA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("QIFA_SECRET_KEY", "change-me-in-production")
    assert main(["serve", "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert "QIFA_SECRET_KEY" in err and "change-me-in-production" not in err


def test_an_unset_secret_is_generated_once_private_and_reused(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var")
    first = signing_secret(settings)
    path = tmp_path / "var" / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 32 and signing_secret(settings) == first
    other = signing_secret(Settings(data_dir=tmp_path / "other"))
    assert other != first


def test_a_weak_stored_secret_stops_start_up(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "secret_key").write_text("change-me-in-production")
    with pytest.raises(SecretKeyError, match="documentation"):
        signing_secret(Settings(data_dir=tmp_path))
    (tmp_path / "secret_key").write_text("too-short")
    with pytest.raises(SecretKeyError, match="32 bytes"):
        signing_secret(Settings(data_dir=tmp_path))
    monkeypatch.setenv("QIFA_DATA_DIR", str(tmp_path))
    assert main(["serve", "--port", "1"]) == 2
    assert "32" in capsys.readouterr().err


def test_a_loose_stored_secret_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"
    path.write_text("k" * 40)
    path.chmod(0o644)
    assert signing_secret(Settings(data_dir=tmp_path)) == b"k" * 40
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# ---- forged and long-lived tokens ----------------------------------------------------------------------------
def test_a_token_forged_with_the_old_default_key_is_refused(client: TestClient) -> None:
    token = forge("change-me-in-production", 30)
    assert client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 401
    r = client.post("/api/v1/staff/users", headers=bearer(token),
                    json={"name": "mallory", "role": "admin", "password": "mallory-pass-1"})
    assert r.status_code == 401
    assert [u.name for u in client.app.state.runtime.accounts.list()] == ["root", "wang"]  # type: ignore[attr-defined]
    assert client.get("/console/", cookies={"qifa_staff": token}, follow_redirects=False).status_code == 303


def test_a_ten_year_token_with_the_right_key_is_refused(client: TestClient, runtime: Runtime) -> None:
    secret = signing_secret(runtime.settings).decode()
    assert client.get("/api/v1/auth/me", headers=bearer(forge(secret, 60))).status_code == 200  # the forge is right
    assert client.get("/api/v1/auth/me", headers=bearer(forge(secret, 10 * 365 * 24 * 60))).status_code == 401
    assert client.get("/api/v1/auth/me", headers=bearer(forge(secret, 481))).status_code == 401
    future = datetime.now(UTC) + timedelta(hours=2)
    assert client.get("/api/v1/auth/me", headers=bearer(forge(secret, 60, iat=future))).status_code == 401
    r = client.get("/api/v1/auth/me", headers=bearer(forge(secret, -5)))
    assert r.status_code == 401 and r.json()["error"]["message"]


def test_a_token_without_a_version_is_refused(client: TestClient, runtime: Runtime) -> None:
    key = hashlib.sha256(b"qifa-staff-jwt:" + signing_secret(runtime.settings)).digest()
    now = datetime.now(UTC)
    token = jwt.encode({"sub": "root", "iat": now, "jti": "y" * 32, "exp": now + timedelta(minutes=5)}, key,
                       algorithm="HS256")
    assert client.get("/api/v1/auth/me", headers=bearer(token)).status_code == 401


def test_token_lifetime_setting_is_capped(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        Settings(data_dir=tmp_path, token_expire_minutes=10 * 365 * 24 * 60)


# ---- revocation ----------------------------------------------------------------------------------------------
def test_logout_revokes_every_token_of_the_user(client: TestClient) -> None:
    first, second, other = login(client), login(client), login(client, "wang")
    assert client.get("/api/v1/auth/me", headers=first).status_code == 200
    assert client.post("/api/v1/auth/logout", headers=first).json() == {"ok": True}
    for headers in (first, second):
        r = client.get("/api/v1/auth/me", headers=headers)
        assert r.status_code == 401 and "登录" in r.json()["error"]["message"]
    assert client.get("/api/v1/auth/me", headers=other).status_code == 200  # another user is untouched
    assert client.get("/api/v1/auth/me", headers=login(client)).status_code == 200  # a new login works
    assert client.post("/api/v1/auth/logout").status_code == 401


def test_password_change_and_disable_revoke_tokens(client: TestClient, runtime: Runtime) -> None:
    root, wang = login(client), login(client, "wang")
    runtime.accounts.set_password("root", "another-pass-1")
    assert client.get("/api/v1/auth/me", headers=root).status_code == 401
    assert client.get("/api/v1/auth/me", headers=login(client, "root", "another-pass-1")).status_code == 200
    runtime.accounts.disable("wang")
    assert client.get("/api/v1/auth/me", headers=wang).status_code == 401


def test_cli_logout_revokes(client: TestClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:
    root = login(client)
    monkeypatch.setenv("QIFA_DATA_DIR", str(runtime.settings.data_dir))
    assert main(["users", "logout", "root"]) == 0
    assert "root" in capsys.readouterr().out
    assert client.get("/api/v1/auth/me", headers=root).status_code == 401
    assert main(["users", "logout", "nobody"]) == 2


def test_console_logout_revokes_a_copied_cookie(client: TestClient) -> None:
    page = client.get("/console/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf is not None
    r = client.post("/console/login", data={"username": "wang", "password": PW, "csrf": csrf.group(1)},
                    follow_redirects=False)
    assert r.status_code == 303
    cookie = client.cookies.get("qifa_staff")
    assert cookie
    queue = client.get("/console/")
    form_csrf = re.search(r'name="csrf" value="([^"]+)"', queue.text)
    assert queue.status_code == 200 and form_csrf is not None
    assert client.post("/console/logout", data={"csrf": form_csrf.group(1)}, follow_redirects=False).status_code == 303
    client.cookies.clear()
    copied = client.get("/console/", cookies={"qifa_staff": cookie}, follow_redirects=False)
    assert copied.status_code == 303 and copied.headers["location"].startswith("/console/login")
