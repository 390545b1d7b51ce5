"""The dense search considers active chunks only (knowledge.active_rows): a superseded or removed document's
vectors stay in the store and in the in-memory mirror (a removal of the newer version brings the older one back),
but they never enter the hybrid search's dense pool, and a document that becomes active again is found again,
also when another process made the change (a second runtime on the same data dir)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from conftest import LABOUR_2007, LABOUR_2012, LABOUR_TITLE, Docs
from test_freshness import settings_for, wait_for

from composition import Runtime, build_runtime
from ingest.pipeline import ingest
from knowledge import active_rows
from knowledge.dense_mirror import DenseMirror, Nearest
from knowledge.embeddings import QifaEmbeddings

LIMIT = 20_000_000
QUESTION = "公司和员工之间没签书面合同，多久之内必须补签？"
# a later version of the labour-contract statute (one article reworded): the 2012 text is superseded by it
LABOUR_2030 = {chapter: [a.replace("一个月内", "十五日内") for a in articles]
               for chapter, articles in LABOUR_2012.items()}


class Pools:
    """Records the chunk ids of every dense pool the knowledge base asks the vector store for."""

    def __init__(self, rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
        self.seen: list[set[str]] = []
        store = rt.kb.vectors
        real = store.query

        def recorded(*args: object, **kw: object) -> object:
            found = real(*args, **kw)  # type: ignore[arg-type]
            assert isinstance(found, Nearest), "the mirror answers"
            self.seen.append({cid for cid, _ in found})
            return found

        monkeypatch.setattr(store, "query", recorded)

    def of(self, rt: Runtime, question: str = QUESTION) -> set[str]:
        rt.kb.search(question, k=5)
        return self.seen[-1]


def _chunks(rt: Runtime, name: str) -> set[str]:
    doc = next(d for d in rt.kb.documents() if d.source.endswith(name))
    return {cid for cid in rt.kb.vectors.all_ids() if cid.startswith(doc.id)}


def _active(rt: Runtime) -> set[str]:
    ids = rt.kb.vectors.all_ids()
    return {cid for d in rt.kb.documents() if d.active for cid in ids if cid.startswith(d.id)}


@pytest.fixture
def rt(tmp_path: Path, docs: Docs, embeddings: QifaEmbeddings) -> Iterator[Runtime]:
    runtime = build_runtime(settings_for(tmp_path / "var"), shipped=False, embeddings=embeddings)
    ingest(runtime.kb, [docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012)], LIMIT)
    runtime.kb.warm_up()
    assert runtime.kb.vectors.mirrored()
    yield runtime
    runtime.close()


@pytest.mark.parametrize("share", [active_rows.COPY_SHARE, 1.0], ids=["copied-apart", "masked"])
def test_an_older_version_s_chunks_stay_in_the_mirror_but_never_enter_the_pool(
    rt: Runtime, docs: Docs, monkeypatch: pytest.MonkeyPatch, share: float
) -> None:
    monkeypatch.setattr(active_rows, "COPY_SHARE", share)
    ingest(rt.kb, [docs.statute("旧版/劳动合同法(2007-06-29).md", LABOUR_TITLE, LABOUR_2007, passed="2007年6月29日")],
           LIMIT)
    old, current = _chunks(rt, "劳动合同法(2007-06-29).md"), _chunks(rt, "劳动合同法(2012-12-28).md")
    mirror = rt.kb.vectors._mirror
    assert mirror is not None and old <= set(mirror.rows()[0])  # kept: it may become active again
    pools = Pools(rt, monkeypatch)
    pool = pools.of(rt)
    assert not pool & old
    assert pool == current  # the pool is deeper than this small index: every active chunk, nothing else
    assert pools.of(rt, "见习考察期最长多久？") == current  # words only the old version has


def test_a_document_active_again_after_the_newer_one_is_removed_is_in_the_pool_again(
    rt: Runtime, docs: Docs, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(rt.kb, [docs.statute("旧版/劳动合同法(2007-06-29).md", LABOUR_TITLE, LABOUR_2007, passed="2007年6月29日")],
           LIMIT)
    pools = Pools(rt, monkeypatch)
    old = _chunks(rt, "劳动合同法(2007-06-29).md")
    assert not pools.of(rt) & old
    newer = next(d for d in rt.kb.documents() if d.source.endswith("劳动合同法(2012-12-28).md"))
    rt.kb.remove(newer.id)
    assert pools.of(rt) == old == _active(rt)
    assert any("见习考察期" in p.text for p in rt.kb.search("见习考察期最长多久？", k=3, mode="dense"))


def test_another_process_s_newer_version_and_its_removal_are_followed(
    rt: Runtime, tmp_path: Path, docs: Docs, embeddings: QifaEmbeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = build_runtime(settings_for(tmp_path / "var"), shipped=False, embeddings=embeddings)
    try:
        pools = Pools(rt, monkeypatch)
        first = _chunks(rt, "劳动合同法(2012-12-28).md")
        assert pools.of(rt) == first
        path = docs.statute("劳动合同法(2030-01-01).md", LABOUR_TITLE, LABOUR_2030, passed="2030年1月1日")
        ingest(writer.kb, [path], LIMIT)
        later = _chunks(writer, "劳动合同法(2030-01-01).md")
        wait_for(lambda: pools.of(rt) == later)  # the superseded version's rows left the pool, the new ones came
        mirror = rt.kb.vectors._mirror
        assert mirror is not None and first | later <= set(mirror.rows()[0])
        writer.kb.remove(next(d for d in writer.kb.documents() if d.source.endswith("劳动合同法(2030-01-01).md")).id)
        wait_for(lambda: pools.of(rt) == first)  # active again: back in the pool
    finally:
        writer.close()


@pytest.mark.parametrize("share", [active_rows.COPY_SHARE, 1.0], ids=["copied-apart", "masked"])
def test_the_mirror_s_nearest_among_chosen_rows_has_the_full_product_s_order_and_similarities(
    monkeypatch: pytest.MonkeyPatch, share: float
) -> None:
    monkeypatch.setattr(active_rows, "COPY_SHARE", share)
    rng = np.random.default_rng(7)
    mirror = DenseMirror()
    ids = [f"c{i}" for i in range(400)]
    mirror.fill(ids, rng.standard_normal((400, 24)))
    mirror.delete(["c3", "c10"])  # dead rows: never chosen, never ranked
    active = np.array([i % 3 != 0 for i in range(400)])
    place = {cid: i for i, cid in enumerate(ids)}
    q = rng.standard_normal(24).astype(np.float32)
    q /= np.linalg.norm(q)

    def among(row_ids: list[str], matrix: np.ndarray) -> active_rows.ActiveRows:
        places = np.array([place.get(c, -1) for c in row_ids])
        return active_rows.active_rows(places, active, matrix)

    got = list(mirror.nearest(q, 50, ordered=True, among=among))
    expected = [(cid, sim) for cid, sim in mirror.query(q, 400) if active[place[cid]]][:50]
    assert [c for c, _ in got] == [c for c, _ in expected]
    assert np.allclose([s for _, s in got], [s for _, s in expected], atol=1e-6)
    unordered = mirror.nearest(q, 50, ordered=False, among=among)
    assert sorted(c for c, _ in unordered) == sorted(c for c, _ in got)
    everything = {c for c, _ in mirror.nearest(q, 10_000, ordered=False, among=among)}
    assert everything == {c for c in ids if active[place[c]] and c not in ("c3", "c10")}
