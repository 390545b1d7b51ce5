"""Bodies over QIFA_MAX_BODY_KB are answered 413 before they are read; slow bodies 408; nothing is written."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from live_server import live_server
from sqlalchemy import func, select

from api.app import create_app
from composition import Runtime, build_runtime
from config import Settings
from db.models_chat import ChatSession
from knowledge.embeddings import QifaEmbeddings


def sessions(rt: Runtime) -> int:
    with rt.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(ChatSession)) or 0)


@pytest.fixture
def small(tmp_path, embeddings: QifaEmbeddings) -> Iterator[Runtime]:
    rt = build_runtime(Settings(data_dir=tmp_path / "var", max_body_kb=4, body_timeout_s=1.0), shipped=False,
                       embeddings=embeddings)
    yield rt
    rt.close()


def test_a_large_json_body_is_refused_with_413_json(small: Runtime) -> None:
    with TestClient(create_app(runtime=small)) as client:
        body = json.dumps({"message": "合同" * 4000}).encode()
        r = client.post("/api/v1/chat", content=body, headers={"Content-Type": "application/json"})
        assert r.status_code == 413
        err = r.json()["error"]
        assert err["code"] == "body_too_large" and "4 KB" in err["message"] and "请求体" in err["message"]
        assert r.headers["X-Request-ID"]
        assert sessions(small) == 0
        # a body under the limit goes through to validation as before
        r = client.post("/api/v1/chat", json={"message": "合" * 1000})
        assert r.status_code in (200, 422) and r.status_code != 413
        assert client.get("/healthz").status_code == 200


def test_a_chunked_body_is_counted_as_it_streams(small: Runtime) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"message": "'
        for _ in range(10):
            yield "合同".encode() * 300
        yield b'"}'

    with TestClient(create_app(runtime=small)) as client:
        r = client.post("/api/v1/chat", content=chunks(), headers={"Content-Type": "application/json"})
        assert r.status_code == 413 and r.json()["error"]["code"] == "body_too_large"
        r = client.post("/api/v1/auth/token", content=chunks(),
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status_code == 413
        assert sessions(small) == 0


def test_a_bad_content_length_is_refused(small: Runtime) -> None:
    with TestClient(create_app(runtime=small)) as client:
        r = client.post("/api/v1/chat", content=b"{}", headers={"Content-Type": "application/json",
                                                               "Content-Length": "99999999999999"})
        assert r.status_code == 413


def raw(port: int, head: bytes, body: bytes = b"", wait_s: float = 10) -> tuple[bytes, float]:
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=wait_s) as s:
        s.sendall(head + body)
        data = b""
        while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
            piece = s.recv(65536)
            if not piece:
                break
            data += piece
    return data, time.monotonic() - started


def test_over_real_uvicorn_413_comes_before_the_body_and_slow_bodies_time_out(small: Runtime) -> None:
    with live_server(create_app(runtime=small)) as base:
        port = int(base.rsplit(":", 1)[1])
        # 50 MB announced, nothing sent: the answer comes at once, the body is never awaited
        head = (b"POST /api/v1/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 50000000\r\n\r\n")
        data, took = raw(port, head)
        assert data.startswith(b"HTTP/1.1 413") and b"body_too_large" in data and took < 5
        # 20 bytes announced, 5 sent, then silence: 408 after QIFA_BODY_TIMEOUT_S (1 s here)
        head = (b"POST /api/v1/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 20\r\n\r\n")
        data, took = raw(port, head, b'{"mes')
        assert data.startswith(b"HTTP/1.1 408") and b"body_timeout" in data and 0.9 < took < 8
    assert sessions(small) == 0


def test_an_upload_over_the_file_limit_is_refused_before_it_is_read(tmp_path, embeddings: QifaEmbeddings) -> None:
    """Multipart bodies may have QIFA_MAX_FILE_MB plus room for the form; a larger upload gets 413 at once (from
    the body limit, before the login is even checked), a file under it but over the limit gets the route's 413."""
    from db.models_curation import KbUpload

    rt = build_runtime(Settings(data_dir=tmp_path / "var", max_file_mb=0.05, max_body_kb=4), shipped=False,
                       embeddings=embeddings)
    rt.accounts.add("chen", "curator", "curator-pass-1")
    try:
        with TestClient(create_app(runtime=rt)) as client:
            huge = b"x" * 300_000  # 0.3 MB > 0.05 MB + 64 KB
            r = client.post("/api/v1/documents", files={"file": ("big.md", huge)})  # not even logged in
            assert r.status_code == 413 and r.json()["error"]["code"] == "body_too_large"
            token = client.post("/api/v1/auth/token", data={"username": "chen", "password": "curator-pass-1"})
            who = {"Authorization": f"Bearer {token.json()['access_token']}"}
            r = client.post("/api/v1/documents", files={"file": ("big.md", huge)}, headers=who)
            assert r.status_code == 413 and r.json()["error"]["code"] == "body_too_large"
            # 60 KB: inside the multipart allowance (which JSON bodies do not get), over the file limit
            r = client.post("/api/v1/documents", files={"file": ("mid.md", "合同".encode() * 10_000)}, headers=who)
            assert r.status_code == 413 and r.json()["error"]["code"] == "file_too_large"
            with rt.db.session() as s:
                assert s.query(KbUpload).count() == 0
            assert client.get("/healthz").status_code == 200
    finally:
        rt.close()
