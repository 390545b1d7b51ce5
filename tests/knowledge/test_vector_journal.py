"""The change journal (knowledge.journal): a process holding every vector in memory follows another process's
writes by reading only the vectors of the ids they changed; it reads every vector again only when the journal does
not reach back to its copy's version (pruned, older than the journal, or a rebuild rewrote every vector)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import COMPANY, COMPANY_TITLE, LABOUR_2012, LABOUR_TITLE, Docs
from sqlalchemy import delete, select
from test_freshness import COMPANY_FACT, has, settings_for, wait_for

from composition import Runtime, build_runtime
from db import open_database
from db.models_kb import KbChange, KbMeta
from ingest.pipeline import ingest
from knowledge import journal
from knowledge.base import VERSION_KEY
from knowledge.chunking import document_id
from knowledge.embeddings import QifaEmbeddings
from knowledge.vectors import VectorStore

LIMIT = 20_000_000
QUESTION = "有限责任公司股东对公司债务承担什么责任？"


# ---- the journal itself -------------------------------------------------------------------------------------------
@pytest.fixture
def session_factory(tmp_path: Path) -> Iterator[object]:
    db = open_database(settings_for(tmp_path / "var"))
    yield db
    db.dispose()


def test_the_last_change_of_an_id_decides_and_a_gap_or_a_rebuild_says_read_everything(session_factory) -> None:
    db = session_factory
    with db.session() as s:
        journal.record(s, "1", added=["a", "b"])
        journal.record(s, "2", added=["c"], removed=["a"])
        journal.record(s, "3")  # a metadata edit: no vector changed
        journal.record(s, "4", added=["a"], removed=["c"])
    with db.session() as s:
        got = journal.since(s, "", "4")
        assert got is not None and got.version == "4"
        assert sorted(got.added) == ["a", "b"] and got.removed == ["c"]
        later = journal.since(s, "2", "3")  # reaches further than asked when more is filed
        assert later is not None and later.version == "4" and later.added == ["a"] and later.removed == ["c"]
        nothing = journal.since(s, "4", "4")
        assert nothing is not None and (nothing.added, nothing.removed) == ([], [])
        assert journal.since(s, "1", "5") is None  # not filed yet (or lost): cannot say
        assert journal.since(s, "x", "4") is None
    with db.session() as s:
        s.execute(delete(KbChange).where(KbChange.version == 2))
    with db.session() as s:
        assert journal.since(s, "1", "4") is None  # a gap
        assert journal.since(s, "2", "4") is not None  # after the gap it still reaches
        journal.record(s, "5", everything=True)
    with db.session() as s:
        assert journal.since(s, "3", "5") is None  # every vector was written again


def test_old_entries_are_pruned_and_entries_past_a_counter_that_went_back_are_dropped(session_factory) -> None:
    db = session_factory
    with db.session() as s:
        for v in (1, 2, 3):
            journal.record(s, str(v), added=[f"id{v}"])
        journal.record(s, "2", added=["again"])  # the counter went back to 1 (its row was lost): 2 and 3 are stale
    with db.session() as s:
        assert list(s.scalars(select(KbChange.version).order_by(KbChange.version))) == [1, 2]
        journal.record(s, str(journal.KEEP + 100), added=["far"])
    with db.session() as s:
        assert list(s.scalars(select(KbChange.version))) == [journal.KEEP + 100]
    with pytest.raises(ValueError, match="line break"), db.session() as s:
        journal.record(s, "7", added=["a\nb"])


# ---- a reader following another process's writes --------------------------------------------------------------------
@pytest.fixture
def reader(tmp_path: Path, docs: Docs, embeddings: QifaEmbeddings) -> Iterator[Runtime]:
    rt = build_runtime(settings_for(tmp_path / "var"), shipped=False, embeddings=embeddings)
    ingest(rt.kb, [docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012)], LIMIT)
    rt.kb.warm_up()
    assert rt.kb.vectors.mirrored()
    yield rt
    rt.close()


@pytest.fixture
def writer(tmp_path: Path, reader: Runtime, embeddings: QifaEmbeddings) -> Iterator[Runtime]:
    rt = build_runtime(settings_for(tmp_path / "var"), shipped=False, embeddings=embeddings)
    yield rt
    rt.close()


class FullReads:
    """Counts the times a store reads every vector from Chroma."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = VectorStore._read_all

        def counted(store: VectorStore, *args: object) -> bool:
            self.count += 1
            return real(store, *args)  # type: ignore[arg-type]

        monkeypatch.setattr(VectorStore, "_read_all", counted)


def _mirror_ids(rt: Runtime) -> set[str]:
    mirror = rt.kb.vectors._mirror
    assert mirror is not None
    return set(mirror.rows()[0])


def _chunk_ids(rt: Runtime, title: str) -> set[str]:
    doc = next(d for d in rt.kb.documents() if d.title == title)
    return {p for p in rt.kb.vectors.all_ids() if p.startswith(doc.id)}


def test_a_reader_follows_an_ingest_a_replacement_and_a_removal_by_the_changed_ids(
    reader: Runtime, writer: Runtime, docs: Docs, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = FullReads(monkeypatch)
    path = docs.statute("公司法(2023-12-29).md", COMPANY_TITLE, COMPANY, passed="2023年12月29日")
    ingest(writer.kb, [path], LIMIT)
    wait_for(lambda: has(reader.kb.search(QUESTION, k=5, mode="dense"), COMPANY_FACT))
    company = _chunk_ids(writer, COMPANY_TITLE)
    assert company <= _mirror_ids(reader)
    assert reader.kb.vectors.mirror_version == writer.kb.get_meta(VERSION_KEY)

    path.write_text(path.read_text(encoding="utf-8").replace("认缴的出资额", "实缴的出资额"), encoding="utf-8")
    ingest(writer.kb, [path], LIMIT)
    wait_for(lambda: has(reader.kb.search(QUESTION, k=5, mode="dense"), COMPANY_FACT.replace("认缴", "实缴")))
    replaced = _chunk_ids(writer, COMPANY_TITLE)
    assert replaced != company and replaced <= _mirror_ids(reader)
    assert not (company - replaced) & _mirror_ids(reader)  # the replaced article's old vector is gone

    writer.kb.remove(document_id(str(path.resolve())))
    wait_for(lambda: not replaced & _mirror_ids(reader) if reader.kb.search(QUESTION, k=3, mode="dense") else False)
    assert reads.count == 0  # never every vector again
    assert len(_mirror_ids(reader)) == writer.kb.vectors.count()


def test_a_write_of_the_reader_before_it_followed_keeps_its_copy_followable(
    reader: Runtime, writer: Runtime, docs: Docs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader writes (a metadata edit) after the other process's ingest and before its next search: its copy
    still matches its own version with its write on top, and the journal brings the other's vectors."""
    reads = FullReads(monkeypatch)
    ingest(writer.kb, [docs.statute("公司法(2023-12-29).md", COMPANY_TITLE, COMPANY, passed="2023年12月29日")], LIMIT)
    labour = next(d for d in reader.kb.documents() if d.title == LABOUR_TITLE)
    reader.kb.update_metadata(labour.id, {"issuer": "全国人民代表大会常务委员会"})
    wait_for(lambda: has(reader.kb.search(QUESTION, k=5, mode="dense"), COMPANY_FACT))
    assert _chunk_ids(writer, COMPANY_TITLE) <= _mirror_ids(reader)
    assert reads.count == 0


def test_a_copy_the_journal_does_not_reach_back_to_is_read_again_whole(
    reader: Runtime, writer: Runtime, docs: Docs, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = FullReads(monkeypatch)
    ingest(writer.kb, [docs.statute("公司法(2023-12-29).md", COMPANY_TITLE, COMPANY, passed="2023年12月29日")], LIMIT)
    with writer.kb.db.session() as s:  # as if pruned, or written by a qifa without the journal
        s.execute(delete(KbChange))
    wait_for(lambda: has(reader.kb.search(QUESTION, k=5, mode="dense"), COMPANY_FACT))
    assert reads.count == 1
    assert _mirror_ids(reader) == writer.kb.vectors.all_ids()


def test_a_rebuild_in_another_process_makes_the_reader_read_every_vector_again(
    reader: Runtime, writer: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = FullReads(monkeypatch)
    writer.kb.reembed_all()
    with writer.kb.db.session() as s:
        version = s.get(KbMeta, VERSION_KEY)
        assert version is not None and s.get(KbChange, int(version.value)).everything  # type: ignore[union-attr]
    wait_for(lambda: bool(reader.kb.search("试用期", k=3, mode="dense")) and reads.count == 1
             and reader.kb.vectors.mirrored())
    assert reader.kb.vectors.mirror_version == writer.kb.get_meta(VERSION_KEY)


@pytest.mark.parametrize("noticed", [False, True], ids=["unnoticed", "noticed-during-the-load"])
def test_a_whole_read_overlapping_another_process_s_write_ends_versioned_and_follows_the_journal(
    reader: Runtime, writer: Runtime, docs: Docs, monkeypatch: pytest.MonkeyPatch, noticed: bool
) -> None:
    """The reader reads every vector again while the writer ingests a document: the copy takes the version read
    before the load and follows the journal from it, so it ends current and of a known version with one whole read
    (review5: it ended unversioned, and served without the write until some later write made it read again).
    ``noticed``: the reader's knowledge base sees the new version during the load (a question meanwhile)."""
    store = reader.kb.vectors
    store.reopen()  # the copy is dropped: read again whole, from Chroma (as a worker on a Chroma server does)
    monkeypatch.setattr(store, "_from_file", lambda version, key: False)
    before = reader.kb.get_meta(VERSION_KEY)
    reads = FullReads(monkeypatch)
    path = docs.statute("公司法(2023-12-29).md", COMPANY_TITLE, COMPANY, passed="2023年12月29日")
    real_get = store.collection.get
    wrote: list[str] = []

    def get_then_write(**kw: object) -> object:
        got = real_get(**kw)
        if not wrote:  # after the load's first read, the other process ingests a document
            ingest(writer.kb, [path], LIMIT)
            wrote.append(writer.kb.get_meta(VERSION_KEY) or "")
            if noticed:
                store.reopen(wrote[0])
        return got

    monkeypatch.setattr(store.collection, "get", get_then_write)
    assert store.load_mirror() is True and wrote and wrote[0] != before
    assert store.mirror_version == before  # the version read before the load, not none
    assert store.behind()  # the journal names what was written after it
    monkeypatch.setattr(store.collection, "get", real_get)
    wait_for(lambda: has(reader.kb.search(QUESTION, k=5, mode="dense"), COMPANY_FACT))
    assert store.mirror_version == writer.kb.get_meta(VERSION_KEY) and not store.behind()
    assert _mirror_ids(reader) == writer.kb.vectors.all_ids()
    assert reads.count == 1  # never read whole a second time


def test_a_removal_by_another_process_during_a_whole_read_skips_no_live_vector(
    reader: Runtime, writer: Runtime, docs: Docs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The vectors are read by id after listing the ids, not page by page by offset: a delete between two pages
    shifted the offsets and live vectors were never read (no journal entry names them)."""
    import knowledge.vectors as vectors

    path = docs.statute("公司法(2023-12-29).md", COMPANY_TITLE, COMPANY, passed="2023年12月29日")
    ingest(writer.kb, [path], LIMIT)
    store = reader.kb.vectors
    store.reopen()
    monkeypatch.setattr(store, "_from_file", lambda version, key: False)
    monkeypatch.setattr(vectors, "_LOAD_BATCH", 5)
    real_get = store.collection.get
    removed: list[bool] = []

    def get_then_remove(**kw: object) -> object:
        got = real_get(**kw)
        if kw.get("include") == ["embeddings"] and not removed:  # after the first page of vectors
            writer.kb.remove(document_id(str(path.resolve())))
            removed.append(True)
        return got

    monkeypatch.setattr(store.collection, "get", get_then_remove)
    assert store.load_mirror() is True and removed and store.mirror_version is not None
    monkeypatch.setattr(store.collection, "get", real_get)
    wait_for(lambda: bool(reader.kb.search(QUESTION, k=3, mode="dense")) and not store.behind())
    assert _mirror_ids(reader) == writer.kb.vectors.all_ids()


def test_stray_vectors_reconcile_deletes_are_journalled_and_dropped_by_the_other_copies(
    reader: Runtime, writer: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A vector no chunk row points to (an interrupted ingest) is deleted by ``reconcile`` under a move of the version
    counter filed in the journal: a reader whose copy holds it drops it (before, only the reconciling process did)."""
    import numpy as np

    reads = FullReads(monkeypatch)
    store = reader.kb.vectors
    stray = np.ones((1, writer.kb.embeddings.dimension), dtype=np.float32)
    writer.kb.vectors.upsert(["stray-chunk"], stray, [{"document_id": "gone"}])  # no chunk row, no journal entry
    store.reopen()  # the reader reads every vector again (from Chroma, not its kept file): it holds the stray one
    monkeypatch.setattr(store, "_from_file", lambda version, key: False)
    assert store.load_mirror() and "stray-chunk" in _mirror_ids(reader) and reads.count == 1
    before = writer.kb.get_meta(VERSION_KEY)
    assert writer.kb.reconcile() == 1
    after = writer.kb.get_meta(VERSION_KEY)
    assert journal.number(after) == (journal.number(before) or 0) + 1
    with writer.kb.db.session() as s:
        entry = s.get(KbChange, journal.number(after))
        assert entry is not None and entry.removed == "stray-chunk" and entry.added == ""
    wait_for(lambda: bool(reader.kb.search(QUESTION, k=3, mode="dense")) and "stray-chunk" not in _mirror_ids(reader))
    assert _mirror_ids(reader) == writer.kb.vectors.all_ids() and reads.count == 1
    assert writer.kb.reconcile() == 0 and writer.kb.get_meta(VERSION_KEY) == after  # nothing stray: no write


def test_the_mirror_applies_replacements_deletions_and_additions_into_one_new_matrix() -> None:
    import numpy as np

    from knowledge.dense_mirror import DenseMirror

    rng = np.random.default_rng(7)
    start = rng.standard_normal((6, 8)).astype(np.float32)
    mirror = DenseMirror()
    mirror.fill([f"c{i}" for i in range(6)], start)
    before_ids, before = mirror.rows()
    snapshot = before.copy()
    replaced, added = rng.standard_normal((1, 8)).astype(np.float32), rng.standard_normal((2, 8)).astype(np.float32)
    mirror.delete(["c1", "c4"])
    mirror.upsert(["c2"], replaced)
    mirror.upsert(["n1", "n2"], added)
    ids, matrix = mirror.rows()
    assert ids == ["c0", "c3", "c5", "c2", "n1", "n2"]
    expected = DenseMirror()
    expected.fill(ids, np.concatenate([start[[0, 3, 5]], replaced, added]))
    assert np.allclose(matrix, expected.rows()[1])
    assert np.array_equal(before, snapshot)  # the matrix a query in flight holds is never changed in place
    assert before_ids == [f"c{i}" for i in range(6)] and np.allclose(np.linalg.norm(matrix, axis=1), 1.0)
    mirror.delete(ids)
    assert mirror.rows()[0] == [] and len(mirror) == 0


def test_a_few_changes_go_into_spare_rows_and_dead_marks_without_a_new_matrix() -> None:
    import numpy as np

    from knowledge.dense_mirror import DenseMirror

    rng = np.random.default_rng(8)
    rows = rng.standard_normal((20, 8)).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    buffer = np.empty((24, 8), dtype=np.float32)
    buffer[:20] = rows
    mirror = DenseMirror()
    mirror.fill_normalised([f"c{i}" for i in range(20)], buffer[:20], buffer)
    held = mirror.nearest(rows[3], 5)  # a query under way holds these ids and rows
    view = mirror.matrix
    held_ids, held_matrix = list(held.ids), view.copy()
    assert next(iter(held))[0] == "c3"

    mirror.delete(["c3"])
    mirror.upsert(["c5", "n1"], -rows[[5, 3]])  # c5 replaced; n1 points away from c3
    top = mirror.query(rows[3], 20)
    assert "c3" not in {cid for cid, _ in top} and len(top) == 20  # the dead row never ranks
    assert mirror._buffer is buffer  # no new matrix
    assert held.ids == held_ids and np.array_equal(view, held_matrix)  # what the query held never changed
    ids, matrix = mirror.rows()
    assert len(ids) == 20 and "c3" not in ids and ids[-2:] == ["c5", "n1"]
    assert np.allclose(matrix[-1], -rows[3]) and np.allclose(matrix[-2], -rows[5])

    mirror.delete([f"c{i}" for i in range(10)])  # dead rows past a quarter: the live ones are copied out
    ids, matrix = mirror.rows()
    assert mirror._buffer is not buffer and sorted(ids) == sorted([f"c{i}" for i in range(10, 20)] + ["n1"])
    assert len(mirror) == 11 and mirror.query(rows[12], 1)[0][0] == "c12"


def test_two_writers_at_once_on_sqlite_each_file_their_own_version(runtime: Runtime) -> None:
    """The second writer reads the counter only after the first commits (SQLite takes no row lock for a read):
    both writes are in the journal, under consecutive versions (review: both read 5, both filed 6, one lost)."""
    import threading
    import time

    kb, db = runtime.kb, runtime.db
    with db.session() as s:
        start = journal.number(s.get(KbMeta, VERSION_KEY).value if s.get(KbMeta, VERSION_KEY) else "")
    first = db._factory()
    kb._bump(first, added=["chunk-first"])  # holds the write lock until it commits
    done: list[str] = []

    def second() -> None:
        s = db._factory()
        kb._bump(s, added=["chunk-second"])
        s.commit()
        s.close()
        done.append("yes")

    t = threading.Thread(target=second)
    t.start()
    time.sleep(0.5)
    assert not done  # waiting for the first writer's lock
    first.commit()
    first.close()
    t.join(20)
    assert done
    with db.session() as s:
        rows = s.execute(select(KbChange.version, KbChange.added).where(KbChange.version > (start or 0))
                         .order_by(KbChange.version)).all()
        assert s.get(KbMeta, VERSION_KEY).value == str((start or 0) + 2)
    assert [(v, a) for v, a in rows] == [((start or 0) + 1, "chunk-first"), ((start or 0) + 2, "chunk-second")]
