"""A compaction of the vector mirror (a new matrix, after a write too big for its spare rows and dead marks) is built
outside the lock every dense query takes: a query meanwhile answers at once from the rows as they were, writes
meanwhile are applied on top of the new matrix, and the result equals a mirror loaded fresh with the same vectors."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import knowledge.dense_mirror as dense_mirror
from knowledge.dense_mirror import DenseMirror

DIM = 16


def _unit(rng: np.random.Generator, n: int) -> np.ndarray:
    v = rng.standard_normal((n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


class HeldBuild:
    """Holds the compactor thread inside its build (at its normalising of the added rows) until released."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.building, self.release = threading.Event(), threading.Event()
        real = dense_mirror._normalised

        def held(m: np.ndarray) -> np.ndarray:
            if threading.current_thread().name == "compactor":
                self.building.set()
                self.release.wait(15)
            return real(m)

        monkeypatch.setattr(dense_mirror, "_normalised", held)


def test_a_query_during_a_compaction_is_not_held_up_and_the_result_equals_a_fresh_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(21)
    start = _unit(rng, 3000)
    ids = [f"c{i:04d}" for i in range(3000)]
    mirror = DenseMirror()
    mirror.fill(ids, start)  # no spare rows: the next added row needs a new matrix
    probes = _unit(rng, 5)
    before = [mirror.query(q, 20) for q in probes]

    added = _unit(rng, 600)  # a fifth of the index: more than the spare rows of any matrix would hold
    replaced = _unit(rng, 1)
    mirror.upsert([f"n{i:03d}" for i in range(600)], added)
    mirror.upsert(["c0007"], replaced)
    mirror.delete(["c0001", "c0002"])

    held = HeldBuild(monkeypatch)
    compactor = threading.Thread(target=mirror.apply, name="compactor")
    answers: list[list[tuple[str, float]]] = []
    asker = threading.Thread(target=lambda: answers.extend(mirror.query(q, 20) for q in probes))
    try:
        compactor.start()
        assert held.building.wait(10), "the compaction never started"
        asker.start()
        asker.join(3)
        answered_during_build = not asker.is_alive()
        late = _unit(rng, 2)  # written while the new matrix is built: applied on top of it
        mirror.upsert(["late", "c0010"], late)
        mirror.delete(["n000", "c0003"])
    finally:
        held.release.set()
    compactor.join(15)
    asker.join(15)
    assert answered_during_build  # the query did not wait for the build
    assert answers == before  # it answered from the rows as they were before the writes being compacted
    assert not compactor.is_alive() and mirror._taken is None

    final = dict(zip(ids, start, strict=True))
    final.update(zip([f"n{i:03d}" for i in range(600)], added, strict=True))
    final["c0007"] = replaced[0]
    final["late"], final["c0010"] = late[0], late[1]
    for gone in ("c0001", "c0002", "n000", "c0003"):
        del final[gone]
    fresh = DenseMirror()
    fresh.fill(list(final), np.stack(list(final.values())))
    got_ids, got = mirror.rows()
    assert sorted(got_ids) == sorted(final) and len(mirror) == len(final)
    want_ids, want = fresh.rows()
    order = {cid: i for i, cid in enumerate(want_ids)}
    assert np.allclose(got, want[[order[cid] for cid in got_ids]], atol=1e-6)  # the same vector for every id
    for q in [*probes, late[0], replaced[0]]:
        mine, theirs = mirror.query(q, 25), fresh.query(q, 25)
        assert [c for c, _ in mine] == [c for c, _ in theirs]
        assert np.allclose([s for _, s in mine], [s for _, s in theirs], atol=1e-6)
    assert mirror.query(late[0], 1)[0][0] == "late" and mirror.query(replaced[0], 1)[0][0] == "c0007"


def test_a_fill_during_a_compaction_wins_and_the_compaction_is_thrown_away(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(22)
    mirror = DenseMirror()
    mirror.fill([f"a{i}" for i in range(50)], _unit(rng, 50))
    mirror.upsert([f"b{i}" for i in range(20)], _unit(rng, 20))
    held = HeldBuild(monkeypatch)
    compactor = threading.Thread(target=mirror.apply, name="compactor")
    try:
        compactor.start()
        assert held.building.wait(10)
        reloaded = _unit(rng, 5)
        mirror.fill([f"r{i}" for i in range(5)], reloaded)  # read again whole meanwhile (another process wrote)
    finally:
        held.release.set()
    compactor.join(15)
    assert sorted(mirror.rows()[0]) == [f"r{i}" for i in range(5)]
    assert mirror.query(reloaded[3], 1)[0][0] == "r3"


def test_rows_wait_for_a_compaction_under_way_so_a_kept_copy_holds_every_write(monkeypatch: pytest.MonkeyPatch) -> None:
    """``rows`` (what ``keep_mirror`` writes to disk under the version the writes made) never returns the rows a
    compaction started from: it waits for the swap, and includes the writes made during the build too."""
    rng = np.random.default_rng(23)
    mirror = DenseMirror()
    mirror.fill(["a", "b", "c", "d"], _unit(rng, 4))  # no spare rows: the next added row needs a new matrix
    mirror.upsert(["e"], _unit(rng, 1))
    held = HeldBuild(monkeypatch)
    compactor = threading.Thread(target=mirror.apply, name="compactor")
    got: list[list[str]] = []
    reader = threading.Thread(target=lambda: got.append(sorted(mirror.rows()[0])))
    try:
        compactor.start()
        assert held.building.wait(10)
        mirror.delete(["a"])  # a write during the build
        reader.start()
        reader.join(1)
        waited = reader.is_alive()
    finally:
        held.release.set()
    compactor.join(15)
    reader.join(15)
    assert waited  # it did not answer from the rows the compaction started from
    assert got == [["b", "c", "d", "e"]]  # the compacted write and the one made meanwhile are both in
