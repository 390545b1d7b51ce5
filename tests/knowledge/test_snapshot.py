"""The keyword snapshot kept on disk (knowledge.snapshot): a second process on the same data dir loads it instead
of reading every chunk, any write makes a new one, and a damaged file is rebuilt, with the same results."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from conftest import COMPANY, COMPANY_TITLE, LABOUR_2012, LABOUR_TITLE, Docs

from composition import Runtime, build_runtime
from config import Settings
from ingest.pipeline import ingest
from knowledge import snapshot
from knowledge.bm25 import Bm25Builder, Bm25Index
from knowledge.embeddings import QifaEmbeddings

LIMIT = 20_000_000


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "var", shipped_packs="none")


@pytest.fixture
def first(settings: Settings, docs: Docs, embeddings: QifaEmbeddings) -> Iterator[Runtime]:
    rt = build_runtime(settings, shipped=False, embeddings=embeddings)
    ingest(rt.kb, [docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012)], LIMIT)
    yield rt
    rt.close()


def _kept(settings: Settings) -> list[Path]:
    return sorted(settings.snapshot_path.glob("keywords-*.npz"))


def _results(rt: Runtime, q: str) -> list[tuple[str, float]]:
    return [(p.chunk_id, p.score) for p in rt.kb.search(q, k=5)]


def _alike(got: list[tuple[str, float]], expected: list[tuple[str, float]]) -> bool:
    """The same chunks in the same order, scores to 1e-5: the writer's vector mirror holds its rows in the order it
    wrote them, a new process in the order it read them, and a matrix-vector product may round a row's sum in the
    last place."""
    return [c for c, _ in got] == [c for c, _ in expected] and \
        [s for _, s in got] == pytest.approx([s for _, s in expected], abs=1e-5)


def test_a_second_process_loads_the_kept_snapshot_and_answers_alike(
    first: Runtime, settings: Settings, embeddings: QifaEmbeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _results(first, "试用期最长多久")
    assert expected and len(_kept(settings)) == 1
    monkeypatch.setattr(snapshot, "_from_sql", lambda *a: pytest.fail("read from SQL although a file was kept"))
    second = build_runtime(settings, shipped=False, embeddings=embeddings)
    try:
        assert _alike(_results(second, "试用期最长多久"), expected)
        assert second.kb.term_weights(["试用期"]) == first.kb.term_weights(["试用期"])
    finally:
        second.close()


def test_a_write_makes_a_new_file_and_removes_the_old(first: Runtime, settings: Settings, docs: Docs) -> None:
    first.kb.search("试用期", k=1)
    before = _kept(settings)
    ingest(first.kb, [docs.statute("公司法(2023-12-29).md", COMPANY_TITLE, COMPANY)], LIMIT)
    assert first.kb.search("股东出资", k=1)[0].title == COMPANY_TITLE
    after = _kept(settings)
    assert len(after) == 1 and after != before


def test_a_damaged_file_is_rebuilt(first: Runtime, settings: Settings, embeddings: QifaEmbeddings) -> None:
    expected = _results(first, "劳动合同期限")
    [kept] = _kept(settings)
    kept.write_bytes(kept.read_bytes()[:100])
    second = build_runtime(settings, shipped=False, embeddings=embeddings)
    try:
        assert _alike(_results(second, "劳动合同期限"), expected)
        assert _kept(settings)[0].stat().st_size > 100
    finally:
        second.close()


def test_the_builder_gives_okapi_bm25_weights() -> None:
    docs = [["劳动", "合同", "劳动"], [], ["合同", "解除", "通知", "合同"], ["试用期"]]
    ids = ["a", "b", "c", "d"]
    builder = Bm25Builder()
    for d in docs:
        builder.add(d)
    built, whole = builder.build(ids), Bm25Index(ids, docs)
    assert built.vocab == whole.vocab == {"劳动": 0, "合同": 1, "解除": 2, "通知": 3, "试用期": 4}
    assert np.array_equal(built.matrix.toarray(), whole.matrix.toarray())
    # "合同" in chunk c: tf 2, length 4, average length 2, in 2 of 4 chunks (k1 1.2, b 0.5)
    assert built.matrix[2, 1] == pytest.approx(np.log(2.0) * 2 * 2.2 / (2 + 1.2 * (0.5 + 0.5 * 4 / 2)), rel=1e-6)
    assert built.top(["合同"], 5) == whole.top(["合同"], 5) and built.top(["合同"], 5)[0][0] == 2
    assert len(Bm25Builder().build([])) == 0
    with pytest.raises(ValueError):
        builder.build(ids[:2])
