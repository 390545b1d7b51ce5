"""X-Forwarded-For is believed only from QIFA_TRUSTED_PROXIES (so the login throttle holds), and the access log
is JSON with the request id and the route template: no session id, query string, token or message text."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from live_server import live_server
from pydantic import ValidationError

from api.app import create_app
from api.logs import JsonFormatter
from api.server import uvicorn_options
from composition import Runtime, build_runtime
from config import Settings
from knowledge.embeddings import QifaEmbeddings

PW = "root-pass-123"


@pytest.fixture
def make(tmp_path: Path, embeddings: QifaEmbeddings) -> Iterator[Any]:
    built: list[Runtime] = []

    def build(**values: Any) -> Runtime:
        rt = build_runtime(Settings(data_dir=tmp_path / f"var{len(built)}", rate_limit_login=0, **values),
                           shipped=False, embeddings=embeddings)
        rt.accounts.add("root", "admin", PW)
        built.append(rt)
        return rt

    yield build
    for rt in built:
        rt.close()


def served(rt: Runtime) -> Any:
    options = uvicorn_options(rt.settings)
    options.pop("log_config")  # the test process keeps its logging (pytest captures it)
    return live_server(create_app(runtime=rt), **options)


def guess(http: httpx.Client, n: int) -> list[int]:
    return [http.post("/api/v1/auth/token", data={"username": "root", "password": "wrong-guess"},
                      headers={"X-Forwarded-For": f"198.51.100.{i}"}).status_code for i in range(n)]


def test_forwarded_for_from_loopback_does_not_bypass_the_login_throttle(make: Any) -> None:
    rt = make()
    options = uvicorn_options(rt.settings)
    assert options["proxy_headers"] is False and options["access_log"] is False
    with served(rt) as base, httpx.Client(base_url=base) as http:
        codes = guess(http, 7)
        assert codes[:5] == [401] * 5 and codes[5:] == [429, 429]
        r = http.post("/api/v1/auth/token", data={"username": "root", "password": PW},
                      headers={"X-Forwarded-For": "203.0.113.77"})
        assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0  # even the right password waits


def test_a_trusted_proxy_is_believed(make: Any) -> None:
    rt = make(trusted_proxies="127.0.0.1, ::1")
    with served(rt) as base, httpx.Client(base_url=base) as http:
        assert guess(http, 7) == [401] * 7  # each guess came, by the proxy's word, from another address
        r = http.post("/api/v1/auth/token", data={"username": "root", "password": PW},
                      headers={"X-Forwarded-For": "198.51.100.1"})
        assert r.status_code == 200


@pytest.mark.parametrize("value", ["example.com", "10.0.0.0/33", "127.0.0.1; rm"])
def test_trusted_proxies_must_be_addresses(value: str, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="IP address"):
        Settings(data_dir=tmp_path, trusted_proxies=value)


@pytest.fixture
def access_log() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    loggers = [logging.getLogger("qifa"), logging.getLogger("uvicorn.access")]  # uvicorn's own must stay silent
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield stream
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_access_log_is_json_without_ids_queries_or_text(make: Any, access_log: io.StringIO) -> None:
    rt = make()
    key = rt.sites.add("县司法局", ["https://sfj.example.gov.cn"]).key
    secret_text = "我公司电话13812345678想咨询劳动合同"
    with served(rt) as base, httpx.Client(base_url=base, timeout=10) as http:
        r = http.post("/api/v1/chat", json={"message": secret_text})
        sid, rid = r.json()["session_id"], r.headers["X-Request-ID"]
        http.get(f"/api/v1/sessions/{sid}/messages", params={"session_id": sid, "site_key": key})
        with http.stream("GET", f"/api/v1/sessions/{sid}/events", params={"after": 0, "site_key": key}) as s:
            assert s.status_code == 200
        token = http.post("/api/v1/auth/token", data={"username": "root", "password": PW}).json()["access_token"]
        http.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
        http.get(f"/no/such/{sid}")
    lines = [json.loads(line) for line in access_log.getvalue().splitlines()]
    assert not [x for x in lines if x["logger"] == "uvicorn.access"]
    access = [x for x in lines if x["logger"] == "qifa.access"]
    routes = [(x["method"], x["route"], x["status"]) for x in access]
    assert ("POST", "/api/v1/chat", 200) in routes
    assert ("GET", "/api/v1/sessions/{session_id}/messages", 200) in routes
    assert ("GET", "/api/v1/sessions/{session_id}/events", 200) in routes
    assert ("GET", "<unmatched>", 404) in routes
    chat = next(x for x in access if x["route"] == "/api/v1/chat")
    assert chat["request_id"] == rid and isinstance(chat["ms"], float)
    text = access_log.getvalue()
    for leaked in (sid, key, token, "13812345678", "劳动合同", "site_key=", PW, "127.0.0.1"):
        assert leaked not in text, leaked


def test_the_json_formatter_masks_personal_data_in_any_record(access_log: io.StringIO) -> None:
    logging.getLogger("qifa.test").warning("call %s about %s", "13812345678", "91330726MA2XXXXX1B",
                                           extra={"who": "身份证330726199001011234"})
    line = json.loads(access_log.getvalue().splitlines()[-1])
    assert line["message"] == "call 138****5678 about 91**************1B"
    assert line["who"] == "身份证3307************34"
