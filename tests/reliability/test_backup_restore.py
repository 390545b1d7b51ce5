"""``qifa backup`` while a real server runs and answers, ``qifa restore`` into a fresh data dir: same answers,
same orders and conversations; every refusal clear and harmless."""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import COMPANY, COMPANY_TITLE, LABOUR_2012, LABOUR_TITLE, Docs
from server_proc import run_qifa, serve

from cli.main import main
from composition import build_runtime
from composition.backup import backup, copy_in
from config import Settings, get_settings
from knowledge.embeddings import QifaEmbeddings

QUESTIONS = ["试用期最长可以约定多久？", "经济补偿按什么标准支付？", "公司的法定代表人由谁担任？", "服务清单",
             "what is the probation period limit?"]
ORDER: dict[str, Any] = {
    "service_id": "contract-review", "enterprise_name": "浦江晶彩水晶有限公司", "credit_code": "91440300708461136T",
    "contact_name": "张三", "phone": "0579-84123456", "description": "审查一份采购合同", "consent": True,
}


def _answers(url: str) -> list[tuple[str, str, list[str]]]:
    with httpx.Client(base_url=url, timeout=30) as c:
        out = []
        for q in QUESTIONS:
            r = c.post("/api/v1/chat", json={"message": q}).json()
            out.append((r["route"], r["reply"], [x["locator"] for x in r["citations"]]))
        return out


def test_backup_while_serving_and_restore_into_a_fresh_dir_gives_the_same_answers(tmp_path: Path, docs: Docs) -> None:
    data = tmp_path / "var"
    docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012)
    docs.statute("公司法.md", COMPANY_TITLE, COMPANY)
    ingested = run_qifa(data, "ingest", str(docs.root))
    assert ingested.returncode == 0, ingested.stderr
    (data / "uploads").mkdir()
    (data / "uploads" / "合同.txt").write_text("一份上传的文件", encoding="utf-8")  # any other file goes along
    snapshot = tmp_path / "backup"
    with serve(data) as server:
        with httpx.Client(base_url=server.url, timeout=30) as c:
            order = c.post("/api/v1/orders", json=ORDER).json()
            talk = c.post("/api/v1/chat", json={"message": "试用期最长可以约定多久？"}).json()
        stop = threading.Event()
        writes: list[int] = []

        def traffic() -> None:  # the server keeps writing while the backup is taken
            with httpx.Client(base_url=server.url, timeout=30) as c:
                while not stop.is_set():
                    writes.append(c.post("/api/v1/chat", json={"message": "服务清单"}).status_code)

        t = threading.Thread(target=traffic)
        t.start()
        try:
            taken = run_qifa(data, "backup", str(snapshot))
        finally:
            stop.set()
            t.join(timeout=30)
        assert taken.returncode == 0, taken.stderr
        assert taken.stdout.startswith(f"backup written to {snapshot}") and writes and set(writes) == {200}
        before = _answers(server.url)
    manifest = json.loads((snapshot / "manifest.json").read_text())
    assert manifest["vectors"] is True and manifest["chunks"] > 10

    fresh = tmp_path / "restored"
    restored = run_qifa(fresh, "restore", str(snapshot))
    assert restored.returncode == 0, restored.stderr
    assert "0 stray vectors removed, 0 chunks embedded" in restored.stdout  # the copied index was whole
    assert (fresh / "uploads" / "合同.txt").read_text(encoding="utf-8") == "一份上传的文件"
    with serve(fresh) as server:
        assert _answers(server.url) == before
        with httpx.Client(base_url=server.url, timeout=30) as c:
            got = c.get(f"/api/v1/orders/{order['id']}", params={"session_id": order["session_id"]})
            assert got.status_code == 200 and got.json()["number"] == order["number"]
            history = c.get(f"/api/v1/sessions/{talk['session_id']}/messages").json()
            assert [m["role"] for m in history] == ["user", "bot"] and history[1]["id"] == talk["message_id"]

    again = run_qifa(fresh, "restore", str(snapshot))  # never over a store in use
    assert again.returncode == 2 and "is not empty" in again.stderr
    assert again.stdout == ""


def test_a_torn_index_copy_is_repaired_from_sql_on_restore(tmp_path: Path, runtime, docs: Docs,
                                                          embeddings: QifaEmbeddings) -> None:
    from ingest.pipeline import ingest

    ingest(runtime.kb, [docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012)], 20_000_000)
    expected = runtime.kb.search("试用期最长可以约定多久？", k=3)
    report = backup(runtime.settings, tmp_path / "b")
    assert report.vectors and report.chunks == runtime.kb.stats()["chunks"]
    shutil.rmtree(tmp_path / "b" / "chroma")  # as if the index had been copied before the chunks were written
    target = Settings(data_dir=tmp_path / "fresh")
    copy_in(target, tmp_path / "b")
    rt = build_runtime(target, shipped=False, embeddings=embeddings)
    try:
        removed, embedded = rt.kb.repair()
        assert (removed, embedded) == (0, report.chunks)
        assert rt.kb.vectors.all_ids() == {p for p in _chunk_ids(tmp_path / "fresh")}
        assert [p.chunk_id for p in rt.kb.search("试用期最长可以约定多久？", k=3)] == [p.chunk_id for p in expected]
        assert rt.kb.repair() == (0, 0)
    finally:
        rt.close()


def test_the_caches_stay_out_of_a_backup_and_come_back_at_the_first_start(tmp_path: Path, runtime, docs: Docs,
                                                                          embeddings: QifaEmbeddings) -> None:
    """The keyword snapshot and the kept vectors are derived from SQL and Chroma (and renamed by a running server
    while a backup would copy them): left out, and rebuilt by the restored store's first search."""
    from ingest.pipeline import ingest

    ingest(runtime.kb, [docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012)], 20_000_000)
    runtime.kb.keep_snapshot()
    runtime.kb.vectors.load_mirror()
    runtime.kb.vectors.keep_mirror()
    assert any(runtime.settings.snapshot_path.iterdir())  # the caches are there to leave out
    expected = [p.chunk_id for p in runtime.kb.search("试用期最长可以约定多久？", k=3)]
    backup(runtime.settings, tmp_path / "b")
    assert not (tmp_path / "b" / "snapshot").exists()
    target = Settings(data_dir=tmp_path / "fresh")
    copy_in(target, tmp_path / "b")
    rt = build_runtime(target, shipped=False, embeddings=embeddings)
    try:
        assert [p.chunk_id for p in rt.kb.search("试用期最长可以约定多久？", k=3)] == expected
    finally:
        rt.close()


def _chunk_ids(data: Path) -> set[str]:
    with sqlite3.connect(data / "qifa.db") as conn:
        return {r[0] for r in conn.execute("SELECT id FROM kb_chunks")}


def test_refusals_are_clear_and_write_nothing(tmp_path: Path, runtime, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    def qifa(*args: str, data: Path, **env: str) -> tuple[int, str]:
        monkeypatch.setenv("QIFA_DATA_DIR", str(data))
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        get_settings.cache_clear()
        code = main(list(args))
        return code, capsys.readouterr().err

    data = runtime.settings.data_dir
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep.txt").write_text("mine")
    code, err = qifa("backup", str(full), data=data)
    assert code == 2 and "already exists and is not an empty folder" in err
    assert [p.name for p in full.iterdir()] == ["keep.txt"]
    code, err = qifa("backup", str(data / "inside"), data=data)
    assert code == 2 and "inside the data dir" in err
    code, err = qifa("backup", str(tmp_path / "b"), data=tmp_path / "nothing-here")
    assert code == 2 and "nothing to back up" in err and not (tmp_path / "b").exists()
    code, err = qifa("restore", str(full), data=tmp_path / "new")
    assert code == 2 and "not a qifa backup" in err and not (tmp_path / "new").exists()
    code, err = qifa("backup", str(tmp_path / "pg"), data=data, QIFA_DATABASE_URL="postgresql://u@127.0.0.1/x")
    assert code == 2 and "pg_dump" in err and not (tmp_path / "pg").exists()
