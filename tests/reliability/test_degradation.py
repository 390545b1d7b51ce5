"""Degradation: the LLM down (extractive answers), the vector store down (keyword-only answers, a warning,
/readyz saying so), Telegram unreachable at start (the API serves, the bot retries with backoff)."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import LABOUR_2012, LABOUR_TITLE, Docs
from fastapi.testclient import TestClient
from live_server import free_port

from api.app import create_app
from composition import build_runtime
from config import Settings
from ingest.pipeline import ingest
from knowledge.embeddings import QifaEmbeddings

CHROMA = Path(sys.executable).parent / "chroma"
QUESTION = "劳动合同的试用期最长可以约定多久？"


def _start_chroma(path: Path, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([str(CHROMA), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None, "the Chroma server exited"
        assert time.monotonic() < deadline, "the Chroma server did not start"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait(timeout=20)


@pytest.fixture
def chroma_port(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    if not CHROMA.exists():
        pytest.skip(f"chromadb's server command is not installed at {CHROMA}")
    yield free_port(), tmp_path / "chroma-server"


def test_vector_store_down_answers_from_memory_then_keywords_and_readyz_says_so(
        tmp_path: Path, docs: Docs, embeddings: QifaEmbeddings, chroma_port: tuple[int, Path],
        caplog: pytest.LogCaptureFixture) -> None:
    """A worker holds the Chroma server's vectors in memory: when the server dies its questions keep their dense
    search and /readyz says the store is down (writes would fail); without that copy they fall back to keywords."""
    port, path = chroma_port
    proc = _start_chroma(path, port)
    rt = build_runtime(Settings(data_dir=tmp_path / "var", chroma_url=f"http://127.0.0.1:{port}"), shipped=False,
                       embeddings=embeddings)
    try:
        ingest(rt.kb, [docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012)], 20_000_000)
        with TestClient(create_app(runtime=rt)) as client:
            assert client.get("/readyz").json()["status"] == "ready"
            before = client.post("/api/v1/chat", json={"message": QUESTION}).json()
            assert before["route"] == "answer" and "试用期" in before["reply"]

            proc.kill()  # the Chroma server dies
            proc.wait(timeout=20)
            with caplog.at_level(logging.WARNING, logger="knowledge.base"):
                during = client.post("/api/v1/chat", json={"message": QUESTION})
                assert during.status_code == 200 and during.json()["reply"] == before["reply"]
                assert rt.kb.search(QUESTION, k=3, mode="dense")  # from memory
                for _ in range(2):
                    ready = client.get("/readyz")
                    assert ready.status_code == 503 and ready.json()["not_ready"] == ["index"]
                    assert "in-memory copy" in ready.json()["checks"]["index"]["detail"]
                rt.kb.vectors.reopen()  # the copy dropped (another worker wrote): nothing to answer dense from
                during = client.post("/api/v1/chat", json={"message": QUESTION})
                again = client.post("/api/v1/chat", json={"message": QUESTION})
            assert during.status_code == again.status_code == 200
            assert during.json()["route"] == "answer"
            assert during.json()["citations"][0]["locator"] == before["citations"][0]["locator"]
            warnings = [r for r in caplog.records if "vector store unavailable" in r.getMessage()]
            assert len(warnings) == 1  # once per outage, not once per question or check
            ready = client.get("/readyz")
            assert ready.status_code == 503
            assert ready.json()["not_ready"] == ["index"]
            assert "keyword search only" in ready.json()["checks"]["index"]["detail"]
            assert ready.json()["checks"]["database"]["ok"] is True
            assert client.get("/healthz").status_code == 200  # alive all along

            proc = _start_chroma(path, port)  # back on the same port and data
            client.post("/api/v1/chat", json={"message": QUESTION})
            assert client.get("/readyz").status_code == 200
            assert rt.kb.vector_error is None
    finally:
        _stop(proc)
        rt.close()


def test_keyword_fallback_in_the_knowledge_base_itself(runtime, docs: Docs) -> None:
    ingest(runtime.kb, [docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012)], 20_000_000)
    hybrid = runtime.kb.search(QUESTION, k=3)
    keyword = runtime.kb.search(QUESTION, k=3, mode="bm25")

    def broken(*args: object, **kw: object) -> list[tuple[str, float]]:
        raise ConnectionError("chroma is gone")

    runtime.kb.vectors.query = broken  # the store's own client fails the way a dead server does
    fallen = runtime.kb.search(QUESTION, k=3)
    assert [p.chunk_id for p in fallen] == [p.chunk_id for p in keyword] and hybrid
    assert runtime.kb.search(QUESTION, k=3, mode="dense") == []
    assert runtime.kb.vector_error == "ConnectionError: chroma is gone"


def test_llm_down_gives_extractive_answers_over_http(runtime, docs: Docs) -> None:
    ingest(runtime.kb, [docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012)], 20_000_000)
    from assistant.llm import LlmWriter, build_chat_model

    closed = free_port()  # nothing listens there: every call fails at once
    runtime.assistant.llm = LlmWriter(build_chat_model(f"http://127.0.0.1:{closed}/v1", "m", "k", 2.0))
    with TestClient(create_app(runtime=runtime)) as client:
        r = client.post("/api/v1/chat", json={"message": QUESTION})
        assert r.status_code == 200
        assert r.json()["data"]["writer"] == "extractive" and r.json()["citations"]
        assert client.get("/readyz").status_code == 200  # the LLM is optional: not a readiness check


async def test_telegram_unreachable_at_start_the_api_serves_and_the_bot_retries(
        runtime, tmp_path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bot"))
    from emulator import BotApiEmulator

    port = free_port()  # closed: Telegram unreachable
    settings = Settings(data_dir=tmp_path / "var", telegram_token="123456:TEST-token",
                        telegram_api_base=f"http://127.0.0.1:{port}", telegram_retry_max_s=1.0)
    app = create_app(settings, runtime)
    async with app.router.lifespan_context(app):
        bot = app.state.telegram
        assert not bot.ready and bot.last_error
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api", timeout=30) as client:
            assert (await client.get("/healthz")).status_code == 200
            chat = await client.post("/api/v1/chat", json={"message": "服务清单"})
            assert chat.status_code == 200 and chat.json()["route"] == "menu"
            ready = await client.get("/readyz")
            assert ready.status_code == 503 and ready.json()["not_ready"] == ["telegram"]
            assert "retrying" in ready.json()["checks"]["telegram"]["detail"]

            emulator = BotApiEmulator(port=port).start()  # Telegram comes back
            try:
                deadline = time.monotonic() + 20
                while not bot.ready:
                    assert time.monotonic() < deadline, "the bot did not retry"
                    await asyncio.sleep(0.1)
                assert (await client.get("/readyz")).status_code == 200
                emulator.send_text(4242, "/help")
                [answer] = await emulator.wait_sent(4242, 1, 20)
                assert "/menu" in answer["text"]
            finally:
                await bot.stop()
                emulator.stop()

