"""The vector mirror kept on disk (knowledge.mirror_file): a process on an unchanged knowledge base maps the kept
matrix instead of reading every vector from Chroma and answers alike; a file of another state is never used (the
vectors are read from Chroma then, and kept anew); a writer that crashed mid-write leaves the last whole file
usable; ``qifa ingest`` in another process keeps the vectors of what it wrote, and a running reader sees them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import COMPANY, COMPANY_TITLE, LABOUR_2012, LABOUR_TITLE, Docs
from test_freshness import COMPANY_FACT, has, qifa, wait_for

from composition import Runtime, build_runtime
from config import Settings
from ingest.pipeline import ingest
from knowledge import base, mirror_file, vectors
from knowledge.embeddings import QifaEmbeddings
from knowledge.mirror_file import MirrorFile
from knowledge.vectors import VectorStore

LIMIT = 20_000_000
QUESTION = "有限责任公司股东对公司债务承担什么责任？"


def settings_for(data_dir: Path) -> Settings:
    return Settings(_env_file=None, data_dir=data_dir, shipped_knowledge=False)


@pytest.fixture
def first(tmp_path: Path, docs: Docs, embeddings: QifaEmbeddings) -> Iterator[Runtime]:
    rt = build_runtime(settings_for(tmp_path / "var"), shipped=False, embeddings=embeddings)
    ingest(rt.kb, [docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012)], LIMIT)
    rt.kb.warm_up()  # as a server's start-up: the vectors are read from Chroma and kept
    yield rt
    rt.close()


def _kept(rt: Runtime) -> list[Path]:
    return sorted(rt.settings.snapshot_path.glob(f"{mirror_file.PREFIX}*"))


def _dense(rt: Runtime, q: str) -> list[tuple[str, float]]:
    return [(p.chunk_id, p.dense) for p in rt.kb.search(q, k=5, mode="dense")]


def _alike(got: list[tuple[str, float]], expected: list[tuple[str, float]]) -> bool:
    """The same chunks in the same order, similarities to 1e-5 (rows in another order may round in the last place)."""
    return [c for c, _ in got] == [c for c, _ in expected] and \
        [s for _, s in got] == pytest.approx([s for _, s in expected], abs=1e-5)


def _no_chroma_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading every vector back from Chroma fails the test (a kept file should have been used)."""
    real = VectorStore.count

    def refuse(self: VectorStore) -> int:
        if self._mirror is None and not self._mirror_off:  # only the mirror's load asks for the count first
            pytest.fail("the vectors were read from Chroma although a matching file was kept")
        return real(self)

    monkeypatch.setattr(VectorStore, "count", refuse)


def _open(rt: Runtime, embeddings: QifaEmbeddings) -> Runtime:
    return build_runtime(rt.settings, shipped=False, embeddings=embeddings)


def test_a_second_process_maps_the_kept_vectors_and_answers_alike(
    first: Runtime, embeddings: QifaEmbeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _dense(first, "试用期最长多久")
    [kept] = _kept(first)
    ids = (kept / "ids.npy").stat().st_size
    assert expected and ids > 0
    _no_chroma_reads(monkeypatch)
    second = _open(first, embeddings)
    try:
        assert second.kb.vectors.load_mirror()
        assert _alike(_dense(second, "试用期最长多久"), expected)
        assert second.kb.vectors._mirror is not None
        assert sorted(second.kb.vectors._mirror.ids) == sorted(first.kb.vectors.all_ids())
    finally:
        second.close()


def test_a_file_of_another_state_is_never_used(
    first: Runtime, tmp_path: Path, docs: Docs, embeddings: QifaEmbeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    [old] = _kept(first)
    # a writer that does not follow the mirror (a big index with no kept file at its state) moves the state on
    writer = _open(first, embeddings)
    try:
        for stale in _kept(first):
            os.rename(stale, tmp_path / stale.name)  # hidden from the writer, so it keeps nothing
        monkeypatch.setattr(vectors, "INLINE_MAX", 0)
        monkeypatch.setattr(base, "INLINE_MAX", 0)
        ingest(writer.kb, [docs.statute("公司法(2023-12-29).md", COMPANY_TITLE, COMPANY)], LIMIT)
        writer.kb.keep_snapshot()
        assert not _kept(first)
        monkeypatch.undo()
    finally:
        writer.close()
    os.rename(tmp_path / old.name, old)  # the old state's file is back in the folder
    third = _open(first, embeddings)
    try:
        assert has(third.kb.search(QUESTION, k=5, mode="dense"), COMPANY_FACT)  # read from Chroma, not the file
        [now] = _kept(third)
        assert now != old  # kept anew under the new state; the old one removed
        assert third.kb.vectors.mirror_version == third.kb.get_meta("kb_version")
    finally:
        third.close()


def test_a_damaged_file_is_read_again_from_chroma(first: Runtime, embeddings: QifaEmbeddings) -> None:
    expected = _dense(first, "劳动合同期限")
    [kept] = _kept(first)
    matrix = kept / "matrix.npy"
    matrix.write_bytes(matrix.read_bytes()[:200])
    second = _open(first, embeddings)
    try:
        assert _alike(_dense(second, "劳动合同期限"), expected)
    finally:
        second.close()


def test_a_crash_mid_write_leaves_the_last_file_usable(
    first: Runtime, docs: Docs, embeddings: QifaEmbeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    [before] = _kept(first)
    real_save = np.save

    def dies_halfway(file: Any, arr: np.ndarray, *a: Any, **kw: Any) -> None:
        if getattr(file, "name", "").endswith("matrix.npy"):
            file.write(b"\x93NUMPY half a matrix")
            raise SystemExit("killed while writing")
        real_save(file, arr, *a, **kw)

    monkeypatch.setattr(np, "save", dies_halfway)
    key = "0" * 24
    with pytest.raises(SystemExit):
        MirrorFile(first.settings.snapshot_path).save(key, ["a"], np.ones((1, 512), dtype=np.float32))
    monkeypatch.undo()
    assert _kept(first) == [before]  # the half-written folder was never renamed into place
    assert list(first.settings.snapshot_path.glob(".vectors-*.tmp"))
    _no_chroma_reads(monkeypatch)
    second = _open(first, embeddings)
    try:
        assert _alike(_dense(second, "劳动合同期限"), _dense(first, "劳动合同期限"))
    finally:
        second.close()
    monkeypatch.undo()
    # the next write of a whole file clears what the crash left
    ingest(first.kb, [docs.statute("公司法(2023-12-29).md", COMPANY_TITLE, COMPANY)], LIMIT)
    first.kb.keep_snapshot()
    assert len(_kept(first)) == 1 and _kept(first) != [before]
    assert not list(first.settings.snapshot_path.glob(".vectors-*.tmp"))


def test_qifa_ingest_on_a_small_index_without_a_kept_file_reads_it_and_keeps_it(
    tmp_path: Path, docs: Docs
) -> None:
    data_dir = tmp_path / "fresh"
    path = docs.statute("公司法(2023-12-29).md", COMPANY_TITLE, COMPANY, passed="2023年12月29日")
    qifa(data_dir, "ingest", str(path))
    assert len(list((data_dir / "snapshot").glob(f"{mirror_file.PREFIX}*"))) == 1


def test_this_process_writes_are_followed_and_kept_as_chroma_holds_them(
    first: Runtime, docs: Docs, embeddings: QifaEmbeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = docs.statute("公司法(2023-12-29).md", COMPANY_TITLE, COMPANY)
    ingest(first.kb, [path], LIMIT)
    path.write_text(path.read_text(encoding="utf-8").replace("认缴的出资额", "实缴的出资额"), encoding="utf-8")
    ingest(first.kb, [path], LIMIT)  # one article replaced: its old vector deleted, the new one added
    first.kb.keep_snapshot()
    [kept] = _kept(first)
    ids, matrix = MirrorFile(first.settings.snapshot_path).load(kept.name[len(mirror_file.PREFIX):], 512) or ([], None)
    assert matrix is not None
    got = first.kb.vectors.collection.get(include=["embeddings"])
    stored = {cid: np.asarray(v) / np.linalg.norm(v) for cid, v in zip(got["ids"], got["embeddings"], strict=True)}
    assert sorted(ids) == sorted(stored)
    assert all(np.allclose(row, stored[cid], atol=1e-6) for cid, row in zip(ids, matrix, strict=True))
    _no_chroma_reads(monkeypatch)
    second = _open(first, embeddings)
    try:
        assert has(second.kb.search(QUESTION, k=5, mode="dense"), COMPANY_FACT.replace("认缴", "实缴"))
    finally:
        second.close()


def test_qifa_ingest_in_another_process_keeps_its_vectors_and_a_running_reader_sees_them(
    first: Runtime, docs: Docs, embeddings: QifaEmbeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert first.kb.search("试用期", k=1)
    [before] = _kept(first)
    path = docs.statute("公司法(2023-12-29).md", COMPANY_TITLE, COMPANY, passed="2023年12月29日")
    assert not has(first.kb.search(QUESTION, k=5, mode="dense"), COMPANY_FACT)
    qifa(first.settings.data_dir, "ingest", str(path))
    [after] = _kept(first)  # the ingest followed the kept mirror and kept it at its new state
    assert after != before
    # the reader, which has its mirror in memory, sees the other process's vectors within seconds
    assert wait_for(lambda: has(first.kb.search(QUESTION, k=5, mode="dense"), COMPANY_FACT)) < 5.0
    assert first.kb.vectors.mirror_version == first.kb.get_meta("kb_version")  # loaded from that file
    _no_chroma_reads(monkeypatch)
    third = _open(first, embeddings)
    try:
        assert has(third.kb.search(QUESTION, k=5, mode="dense"), COMPANY_FACT)
    finally:
        third.close()


def test_a_damaged_kept_folder_is_written_again(tmp_path: Path) -> None:
    kept = MirrorFile(tmp_path / "snap")
    matrix = np.eye(3, 4, dtype=np.float32)
    assert kept.save("k1", ["a", "b", "c"], matrix)
    (kept.path("k1") / "matrix.npy").write_bytes(b"not a matrix")  # a crash or a full disk
    assert kept.load("k1", 4) is None
    assert kept.save("k1", ["a", "b", "c"], matrix)
    loaded = kept.load("k1", 4)
    assert loaded is not None and loaded[0] == ["a", "b", "c"] and np.array_equal(loaded[1], matrix)
