"""The in-memory exact search of an embedded vector store (DenseMirror) against brute force and Chroma."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from knowledge.dense_mirror import Nearest
from knowledge.vectors import VectorStore


def _store(tmp_path: Path) -> VectorStore:
    return VectorStore("mirror", "test-model", 8, path=tmp_path / "chroma")


def _unit(rng: np.random.Generator, n: int) -> np.ndarray:
    v = rng.normal(size=(n, 8)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_an_empty_store_answers_nothing_and_loads_its_mirror(tmp_path: Path) -> None:
    store = _store(tmp_path)
    assert store.load_mirror() is True
    assert store.query(np.ones(8, dtype=np.float32), 5) == []


def test_the_mirror_finds_the_exact_nearest_and_follows_writes(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    store = _store(tmp_path)
    vecs = _unit(rng, 200)
    ids = [f"c{i:03d}" for i in range(200)]
    store.upsert(ids, vecs, [{"document_id": "d"} for _ in ids])
    q = _unit(rng, 1)[0]
    sims = vecs @ q
    want = [ids[i] for i in np.argsort(-sims)[:10]]
    got = store.query(q, 10)
    assert store.load_mirror() is True
    assert [cid for cid, _ in got] == want
    assert np.allclose([s for _, s in got], np.sort(sims)[::-1][:10], atol=1e-5)
    # the same neighbours as Chroma itself (200 points: its HNSW search is exact at this size)
    chroma = store.collection.query(query_embeddings=[q.tolist()], n_results=10, include=["distances"])
    assert chroma["ids"][0] == want

    store.delete([want[0]])  # a deleted vector is gone at once
    assert want[0] not in [cid for cid, _ in store.query(q, 10)]
    store.upsert(["new"], q.reshape(1, -1) * 3.0, [{"document_id": "d"}])  # normalised on the way in
    top = store.query(q, 1)
    assert top[0][0] == "new" and abs(top[0][1] - 1.0) < 1e-5


def test_reopen_loads_the_vectors_another_client_wrote(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    reader = _store(tmp_path)
    vecs = _unit(rng, 20)
    reader.upsert([f"a{i}" for i in range(20)], vecs, [{"document_id": "d"} for _ in range(20)])
    assert reader.query(vecs[0], 1)[0][0] == "a0"
    writer = _store(tmp_path)  # the same client in this process: stands for another process's writes
    writer.collection.upsert(ids=["b"], embeddings=[(-vecs[0]).tolist()], metadatas=[{"document_id": "d"}])
    assert reader.query(-vecs[0], 1)[0][0] != "b"  # not seen until the store is reopened
    reader.reopen()
    assert reader.query(-vecs[0], 1)[0][0] == "b"


def test_the_mirror_answers_as_arrays_that_read_as_the_same_pairs(tmp_path: Path) -> None:
    rng = np.random.default_rng(11)
    store = _store(tmp_path)
    vecs = _unit(rng, 50)
    store.upsert([f"r{i}" for i in range(50)], vecs, [{"document_id": "d"} for _ in range(50)])
    q = _unit(rng, 1)[0]
    arrays = store.query(q, 7, rows=True)
    assert isinstance(arrays, Nearest) and len(arrays) == 7
    assert list(arrays) == store.query(q, 7)
    assert [arrays.ids[r] for r in arrays.rows] == [cid for cid, _ in store.query(q, 7)]
    before = arrays.ids
    store.upsert(["late"], q.reshape(1, -1), [{"document_id": "d"}])
    after = store.query(q, 1, rows=True)
    assert isinstance(after, Nearest) and after.ids is not before  # a changed matrix comes with a new id list
    assert next(iter(after))[0] == "late"


def test_an_unordered_answer_holds_the_same_rows_and_similarities(tmp_path: Path) -> None:
    """The hybrid search's deep pool (``ordered=False``): the rows of the ordered answer, ties at its edge included
    (copies of one vector), with the same similarities; only their order is left."""
    rng = np.random.default_rng(5)
    store = _store(tmp_path)
    vecs = _unit(rng, 300)
    vecs[100:140] = vecs[7]  # forty copies: a tie across the edge of the first 50
    store.upsert([f"v{i}" for i in range(300)], vecs, [{"document_id": "d"} for _ in range(300)])
    assert store.load_mirror() is True
    for q in (_unit(rng, 1)[0], vecs[7]):
        for k in (1, 50, 120, 299, 300, 400):
            ranked = store.query(q, k, rows=True)
            pooled = store.query(q, k, rows=True, ordered=False)
            assert isinstance(ranked, Nearest) and isinstance(pooled, Nearest)
            assert sorted(pooled.rows.tolist()) == sorted(ranked.rows.tolist())
            assert dict(pooled) == dict(ranked)


def test_a_query_while_the_mirror_loads_asks_chroma_instead_of_waiting(tmp_path: Path, monkeypatch) -> None:
    import knowledge.vectors as vectors

    monkeypatch.setattr(vectors, "_LOAD_BATCH", 7)  # several pages, the last one short
    rng = np.random.default_rng(3)
    store = _store(tmp_path)
    vecs = _unit(rng, 50) * 4.0  # stored unnormalised: the loaded matrix is normalised in place
    ids = [f"c{i:02d}" for i in range(50)]
    store.upsert(ids, vecs, [{"document_id": "d"} for _ in ids])
    store.reopen()  # a fresh client: nothing loaded yet
    q = _unit(rng, 1)[0]
    want = [ids[i] for i in np.argsort(-(vecs @ q))[:5]]
    with store._mirror_lock:  # another thread (the start-up warm-up) is loading it
        assert [cid for cid, _ in store.query(q, 5)] == want
        assert store._mirror is None
    got = store.query(q, 5)  # the first query after that loads it
    assert store._mirror is not None and [cid for cid, _ in got] == want
    assert np.allclose(np.linalg.norm(store._mirror.matrix, axis=1), 1.0, atol=1e-5)
    assert sorted(store._mirror.ids) == ids


def test_a_big_index_without_a_kept_file_is_read_behind_while_chroma_answers(tmp_path: Path, monkeypatch) -> None:
    import time

    import knowledge.vectors as vectors

    monkeypatch.setattr(vectors, "INLINE_MAX", 10)
    rng = np.random.default_rng(5)
    store = _store(tmp_path)
    vecs = _unit(rng, 40)
    ids = [f"b{i:02d}" for i in range(40)]
    store.upsert(ids, vecs, [{"document_id": "d"} for _ in ids])
    store.reopen()  # another process wrote: nothing loaded, no file kept
    q = _unit(rng, 1)[0]
    want = [ids[i] for i in np.argsort(-(vecs @ q))[:3]]
    assert [cid for cid, _ in store.query(q, 3)] == want  # answered by Chroma, the load started behind it
    deadline = time.monotonic() + 10
    while store._mirror is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert store._mirror is not None and sorted(store._mirror.ids) == ids
    assert [cid for cid, _ in store.query(q, 3)] == want


def test_reopen_during_a_load_does_not_wait_and_the_load_is_read_again(tmp_path: Path) -> None:
    """Another process wrote while this one's mirror was being loaded (seconds at laws-all size): ``reopen`` (called
    with the knowledge base's lock held) returns at once, and what the load installed is dropped and read again."""
    import time

    rng = np.random.default_rng(5)
    store = _store(tmp_path)
    vecs = _unit(rng, 30)
    store.upsert([f"o{i}" for i in range(30)], vecs, [{"document_id": "d"} for _ in range(30)])
    assert store.load_mirror()
    writer = _store(tmp_path)  # the same client in this process: stands for another process's writes
    writer.collection.upsert(ids=["fresh"], embeddings=[(-vecs[0]).tolist()], metadatas=[{"document_id": "d"}])
    with store._mirror_lock:  # a load under way holds the lock
        started = time.monotonic()
        store.reopen()
        assert time.monotonic() - started < 1.0 and store._stale
    assert store.mirrored()  # the old rows, until a query finds the mark
    top = store.query(-vecs[0], 1)
    assert top[0][0] == "fresh" and store.mirrored() and not store._stale
    assert isinstance(store.query(-vecs[0], 1, rows=True), Nearest)


def test_a_followable_version_noticed_as_a_load_starts_still_throws_the_load_away(tmp_path: Path) -> None:
    """The lock is held while a load reads the state, before it marks itself loading: another process's version
    noticed then (one the journal could follow) must not let the load install a copy read across that write —
    without a copy of a known version there is nothing to follow, so the load is marked stale."""
    import time

    store = _store(tmp_path)
    store.journal = lambda base, until: None  # a journal is there: the version is followable
    assert store._mirror is None and not store._loading
    with store._mirror_lock:  # a load that has the lock but has not yet set ``_loading``
        started = time.monotonic()
        store.reopen("6")
        assert time.monotonic() - started < 1.0
    assert store._stale


def test_a_delete_of_this_process_during_a_load_throws_the_load_away(tmp_path: Path, monkeypatch) -> None:
    """The load reads Chroma page by page by offset: a delete between two pages shifts the rows and live ones would
    be skipped, so a load that saw a write of this process is thrown away and read again by the next query."""
    import threading
    import time

    import knowledge.vectors as vectors

    monkeypatch.setattr(vectors, "_LOAD_BATCH", 10)
    rng = np.random.default_rng(9)
    store = _store(tmp_path)
    vecs = _unit(rng, 40)
    ids = [f"p{i:02d}" for i in range(40)]
    store.upsert(ids, vecs, [{"document_id": "d"} for _ in ids])
    store.reopen()
    real_get = store.collection.get
    deleting: list[threading.Thread] = []

    def get_then_delete(**kw: object) -> object:
        got = real_get(**kw)
        if not deleting:  # after the first page, another thread of this process deletes two rows of it
            deleting.append(threading.Thread(target=store.delete, args=(ids[:2],)))
            deleting[0].start()
            deadline = time.monotonic() + 10
            while real_get(ids=ids[:2], include=[])["ids"]:  # gone from Chroma (its mirror update waits for us)
                assert time.monotonic() < deadline
                time.sleep(0.01)
        return got

    monkeypatch.setattr(store.collection, "get", get_then_delete)
    assert store.load_mirror() is False and not store.mirrored()  # thrown away, not installed short
    deleting[0].join(10)
    monkeypatch.setattr(store.collection, "get", real_get)
    assert store.load_mirror() is True
    ids_now, _ = store._mirror.rows()  # type: ignore[union-attr]
    assert sorted(ids_now) == ids[2:]  # every live row, none of the deleted


def test_advance_does_not_wait_for_a_load_and_a_stopped_store_loads_nothing(tmp_path: Path) -> None:
    import time

    store = _store(tmp_path)
    store.upsert(["a"], np.ones((1, 8), dtype=np.float32), [{"document_id": "d"}])
    with store._mirror_lock:  # a load under way; the caller of advance holds the counter's row lock
        started = time.monotonic()
        store.advance("1", "2")
        assert time.monotonic() - started < 0.5
    store.reopen()
    store.stop_loading()  # at close or exit: no load starts inside Chroma any more
    assert store.load_mirror() is False and not store.mirrored()


def test_questions_do_not_read_the_journal_again_while_the_background_follows(tmp_path: Path) -> None:
    """Another process wrote more than a question follows inline: the background thread follows, and later
    questions ask Chroma meanwhile instead of each reading the journal's backlog again (52 ms at laws-all size)."""
    import threading

    rng = np.random.default_rng(9)
    store = _store(tmp_path)
    store.upsert(["a", "b"], _unit(rng, 2), [{"document_id": "d"}, {"document_id": "d"}])
    assert store.load_mirror()
    store.mirror_version, store._latest = "5", "6"  # behind: another process wrote version 6
    reads: list[tuple[str, str]] = []
    store.journal = lambda base, until: reads.append((base, until))  # type: ignore[assignment,return-value]
    hold = threading.Event()
    store._loader = threading.Thread(target=hold.wait, daemon=True)
    store._loader.start()
    try:
        assert store._mirror_ready() is False and store._mirror_ready() is False
        assert reads == []
    finally:
        hold.set()
        store._loader.join()
    assert store._mirror_ready() is True or reads  # with the follower done, a question follows (here: a no-op)
