"""A data dir follows a tokenizer change: the keyword tokens stored at ingest are cut again at the next start
(knowledge.retokenize). Built on disk with one dictionary, started with another (LEGAL_TERMS pointed at a temporary
file holding one more compound): the stored tokens carry the compound and its article comes first; a second start
does nothing; a start that fails after its first batch is finished by the next; shipped tokens are taken, not cut
again. The compound and the fixture statutes are this file's own."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jieba
import pytest
import yaml
from conftest import Docs
from fastapi.testclient import TestClient

from api.app import create_app
from composition import Runtime, build_runtime
from config import Settings
from db import open_database
from ingest.pipeline import ingest
from knowledge import precomputed, retokenize, termweights, tokens
from knowledge.base import VERSION_KEY
from knowledge.embeddings import QifaEmbeddings
from knowledge.factory import open_knowledge_base
from knowledge.packs import PACKS_DIR, install_pack, load_pack
from knowledge.precomputed import save_precomputed

COMPOUND = "联锁保护"  # cut 联锁 + 保护 by the shipped dictionary
VESSEL = "中华人民共和国压力容器运行条例"  # names the compound once
VESSEL_ARTICLES = {"第一章 总则": [
    "压力容器应当设置联锁保护；联锁保护失效的，不得投入运行。",
    "压力容器的操作人员应当经过培训，持证上岗。",
]}
GATE = "中华人民共和国门禁系统管理办法"  # 联锁 and 保护 throughout, never the compound
GATE_ARTICLES = {"第一章 总则": [
    "门禁联锁应当定期检查；门禁联锁损坏的，应当及时修复，保护通行安全。",
    "门禁系统应当保护个人信息，联锁装置的记录应当保护，不得泄露；联锁记录保存一年。",
    "联锁门的管理单位应当保护门体，联锁故障时应当采取保护措施。",
]}
QUESTION = "联锁保护失灵了还能继续开机吗"


def _settings(root: Path) -> Settings:
    return Settings(_env_file=None, data_dir=root / "var", shipped_packs="none")


def _start(root: Path, embeddings: QifaEmbeddings) -> Runtime:
    """A start of qifa on the data dir (the start-up work included)."""
    return build_runtime(_settings(root), shipped=False, embeddings=embeddings)


def _stored(root: Path) -> dict[str, str]:
    with sqlite3.connect(root / "var" / "qifa.db") as conn:
        return dict(conn.execute("SELECT id, tokens FROM kb_chunks"))


def _meta(root: Path, key: str) -> str | None:
    with sqlite3.connect(root / "var" / "qifa.db") as conn:
        row = conn.execute("SELECT value FROM kb_meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def _clear_caches() -> None:
    termweights._cut.cache_clear()
    termweights._word_shares.cache_clear()


@pytest.fixture
def new_dictionary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], str]]:
    """Call it to change the dictionary: the shipped terms and the compound, loaded afresh; returns the new
    fingerprint. jieba's dictionary is the process's: the compound is taken out again at the end."""
    path = tmp_path / "legal_terms.txt"
    path.write_text(tokens.LEGAL_TERMS.read_text(encoding="utf-8").rstrip("\n") + f"\n{COMPOUND} 2000 n\n",
                    encoding="utf-8")
    tokens.warm_up()  # the shipped dictionary is loaded before the change (the old cut is already in place)

    def change() -> str:
        before = tokens.tokenizer_fingerprint()
        monkeypatch.setattr(tokens, "LEGAL_TERMS", path)
        monkeypatch.setattr(tokens, "_ready", False)
        _clear_caches()
        assert tokens.tokenizer_fingerprint() != before
        return tokens.tokenizer_fingerprint()

    yield change
    jieba.del_word(COMPOUND)
    _clear_caches()


@pytest.fixture
def data_dir(tmp_path: Path, embeddings: QifaEmbeddings) -> Path:
    """A data dir built by the shipped dictionary, with the two statutes ingested; nothing running on it."""
    rt = _start(tmp_path, embeddings)
    docs = Docs(tmp_path / "docs")
    ingest(rt.kb, [docs.statute("vessel.md", VESSEL, VESSEL_ARTICLES), docs.statute("gate.md", GATE, GATE_ARTICLES)],
           20_000_000)
    rt.close()
    return tmp_path


def test_a_start_after_a_dictionary_change_cuts_the_stored_tokens_again(
        data_dir: Path, embeddings: QifaEmbeddings, new_dictionary: Callable[[], str]) -> None:
    old = _meta(data_dir, retokenize.TOKENIZER_KEY)
    assert old == tokens.tokenizer_fingerprint()  # recorded by the first start of the new data dir
    assert not any(COMPOUND in t.split() for t in _stored(data_dir).values())
    current = new_dictionary()
    assert COMPOUND in tokens.tokenize(QUESTION)
    # opened without the start-up work (as a prepared worker would), the question's compound meets only its parts
    db = open_database(_settings(data_dir))
    kb = open_knowledge_base(_settings(data_dir), db)
    assert kb.search(QUESTION, k=1, mode="bm25")[0].title == GATE
    assert retokenize.status(db) is not None and "下次启动" in (retokenize.status(db) or "")
    kb.vectors.stop_loading()
    db.dispose()

    rt = _start(data_dir, embeddings)
    try:
        stored = _stored(data_dir)
        assert [cid for cid, t in stored.items() if COMPOUND in t.split()] != []
        assert _meta(data_dir, retokenize.TOKENIZER_KEY) == current
        assert _meta(data_dir, retokenize.PROGRESS_KEY) is None
        for mode in ("bm25", "hybrid"):
            top = rt.kb.search(QUESTION, k=3, mode=mode)  # type: ignore[arg-type]
            assert (top[0].title, COMPOUND in top[0].text) == (VESSEL, True)
        assert retokenize.status(rt.db) is None
    finally:
        rt.close()


def test_a_second_start_does_nothing(data_dir: Path, embeddings: QifaEmbeddings,
                                     new_dictionary: Callable[[], str], monkeypatch: pytest.MonkeyPatch) -> None:
    new_dictionary()
    _start(data_dir, embeddings).close()
    version, stored = _meta(data_dir, VERSION_KEY), _stored(data_dir)
    batches: list[int] = []
    real = retokenize._rewrite
    monkeypatch.setattr(retokenize, "_rewrite", lambda db, rows, *a: batches.append(len(rows)) or real(db, rows, *a))
    _start(data_dir, embeddings).close()
    assert (batches, _meta(data_dir, VERSION_KEY), _stored(data_dir)) == ([], version, stored)


def test_a_start_that_fails_midway_is_finished_by_the_next(
        data_dir: Path, embeddings: QifaEmbeddings, new_dictionary: Callable[[], str],
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    total = len(_stored(data_dir))
    old = _meta(data_dir, retokenize.TOKENIZER_KEY)
    current = new_dictionary()
    monkeypatch.setattr(retokenize, "BATCH", 2)
    batches: list[int] = []
    real = retokenize._rewrite

    def failing(db: Any, rows: list[Any], *rest: Any) -> tuple[int, int]:
        if batches:
            raise OSError("磁盘已满 / disk full")  # the second batch: the process dies here
        batches.append(len(rows))
        return real(db, rows, *rest)

    monkeypatch.setattr(retokenize, "_rewrite", failing)
    with pytest.raises(OSError):
        _start(data_dir, embeddings)
    assert _meta(data_dir, retokenize.TOKENIZER_KEY) == old  # not recorded: the next start is to finish
    assert (_meta(data_dir, retokenize.PROGRESS_KEY) or "").startswith(f"{current} ")

    walked: list[int] = []

    def counting(db: Any, rows: list[Any], *rest: Any) -> tuple[int, int]:
        walked.append(len(rows))
        return real(db, rows, *rest)

    monkeypatch.setattr(retokenize, "_rewrite", counting)
    caplog.set_level("INFO", logger="knowledge.retokenize")
    rt = _start(data_dir, embeddings)
    try:
        assert sum(walked) == total - 2  # from where the first stopped, not again from the start
        assert "resuming after" in caplog.text
        assert _meta(data_dir, retokenize.TOKENIZER_KEY) == current
        assert _meta(data_dir, retokenize.PROGRESS_KEY) is None
        assert rt.kb.search(QUESTION, k=1, mode="bm25")[0].title == VESSEL
    finally:
        rt.close()


def test_shipped_tokens_are_taken_and_only_the_rest_is_cut(
        tmp_path: Path, embeddings: QifaEmbeddings, new_dictionary: Callable[[], str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A pack installed under the old dictionary; the new one ships with the pack's tokens of the new cut (as
    ``ingest.build_pack_vectors`` makes them): its chunks take them, jieba cuts only the ingested statute's."""
    content = tmp_path / "content"
    pack = _one_document_pack(content / "packs" / "small", embeddings)
    rt = _start(tmp_path, embeddings)
    install_pack(rt.kb, pack)
    ingest(rt.kb, [Docs(tmp_path / "docs").statute("vessel.md", VESSEL, VESSEL_ARTICLES)], 20_000_000)
    rt.close()
    stored = _stored(tmp_path)
    statute = {cid for cid in stored if cid not in _pack_chunks(tmp_path)}

    current = new_dictionary()
    texts = list(dict.fromkeys(pack.chunk_texts()))
    path = pack.vectors_path(embeddings.model_id)
    save_precomputed(path, embeddings.model_id, texts, embeddings.encode(texts))  # the new cut, shipped
    monkeypatch.setattr(precomputed, "CONTENT", content)
    cut: list[str] = []
    real = retokenize.tokenize
    monkeypatch.setattr(retokenize, "tokenize", lambda text: cut.append(text) or real(text))
    _start(tmp_path, embeddings).close()
    assert len(cut) == len(statute) and statute  # the statute's chunks only: no shipped tokens for them
    assert _meta(tmp_path, retokenize.TOKENIZER_KEY) == current
    assert any(COMPOUND in t.split() for cid, t in _stored(tmp_path).items() if cid in statute)


def test_readyz_and_packs_list_say_the_tokens_are_being_rebuilt(
        data_dir: Path, embeddings: QifaEmbeddings, new_dictionary: Callable[[], str]) -> None:
    """Another process holds the rebuild (a `qifa ingest` that started first): this one serves with the tokens as
    they are, and says so without calling itself unready."""
    new_dictionary()
    db = open_database(_settings(data_dir))
    with db.held(retokenize.LOCK):
        rt = _start(data_dir, embeddings)  # finds the rebuild taken: goes on
        try:
            assert _meta(data_dir, retokenize.TOKENIZER_KEY) != tokens.tokenizer_fingerprint()
            with TestClient(create_app(runtime=rt)) as client:
                ready = client.get("/readyz")
                assert client.get("/healthz").json()["status"] == "ok"  # alive: it answers all along
            assert ready.status_code == 200
            assert "正按新分词重建" in ready.json()["checks"]["index"]["detail"]
            assert "keyword tokens are being rebuilt" in (retokenize.status(rt.db) or "")
        finally:
            rt.close()
    db.dispose()


def _one_document_pack(dest: Path, embeddings: QifaEmbeddings) -> Any:
    """A pack of one real document of the laws pack, with vectors and tokens of the current tokenizer."""
    data = yaml.safe_load((PACKS_DIR / "laws" / "manifest.yaml").read_text(encoding="utf-8"))
    data["pack"] = "small"
    data["documents"] = [d for d in data["documents"] if d["id"] == "paid-annual-leave-regulations"]
    for d in data["documents"]:
        (dest / d["file"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(PACKS_DIR / "laws" / d["file"], dest / d["file"])
    (dest / "manifest.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    pack = load_pack(dest)
    texts = list(dict.fromkeys(pack.chunk_texts()))
    save_precomputed(pack.vectors_path(embeddings.model_id), embeddings.model_id, texts, embeddings.encode(texts))
    return pack


def _pack_chunks(root: Path) -> set[str]:
    with sqlite3.connect(root / "var" / "qifa.db") as conn:
        return {r[0] for r in conn.execute(
            "SELECT c.id FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id WHERE d.pack = 'small'")}

