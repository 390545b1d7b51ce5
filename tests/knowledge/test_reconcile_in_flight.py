"""``reconcile`` (the start of every ``qifa ingest``, and restore's repair) deletes vectors no chunk row points to. A
writer puts its vectors in the store before its chunk rows commit: a reconcile in that window must not take them for
strays (its chunks would commit without vectors, missed by dense search). Writers hold ``VECTOR_WRITES`` shared across
processes (a lock file beside the SQLite database, an advisory lock on PostgreSQL) and reconcile deletes only while it
can take it alone; an interrupted ingest's leftovers still go once no write is in flight."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import numpy as np
import pytest
from conftest import COMPANY, COMPANY_TITLE, LABOUR_2012, LABOUR_TITLE, Docs, statute_text
from postgres_support import ADMIN_URL, SKIP_REASON, fresh_database
from sqlalchemy import select
from test_freshness import settings_for

from composition import Runtime, build_runtime
from config import Settings
from db import Database, open_database
from db.models_kb import KbChunk
from ingest import pipeline
from ingest.pipeline import ingest
from knowledge.base import VECTOR_WRITES, VERSION_KEY
from knowledge.chunking import ParsedDocument, parse_document
from knowledge.embeddings import QifaEmbeddings

LIMIT = 20_000_000
T = TypeVar("T")


@pytest.fixture
def rt(tmp_path: Path, docs: Docs, embeddings: QifaEmbeddings) -> Iterator[Runtime]:
    runtime = build_runtime(settings_for(tmp_path / "var"), shipped=False, embeddings=embeddings)
    ingest(runtime.kb, [docs.statute("劳动合同法(2012-12-28).md", LABOUR_TITLE, LABOUR_2012)], LIMIT)
    yield runtime
    runtime.close()


def _after_each_vector_write(rt: Runtime, monkeypatch: pytest.MonkeyPatch, act: Callable[[], T]) -> list[T]:
    """Each vector write of ``rt`` is followed, before its writer goes on to its rows, by ``act`` on a thread of its
    own (another writer or reader in that window); returns what each call gave."""
    store = rt.kb.vectors
    real_upsert = store.upsert
    results: list[T] = []

    def upsert_then_act(ids: list[str], *args: object, **kw: object) -> None:
        real_upsert(ids, *args, **kw)  # type: ignore[arg-type]
        other = threading.Thread(target=lambda: results.append(act()))
        other.start()
        other.join(30)

    monkeypatch.setattr(store, "upsert", upsert_then_act)
    return results


@contextmanager
def _a_write_in_flight(rt: Runtime) -> Iterator[threading.Event]:
    """Another writer holds ``writing`` on a thread of its own until the block ends (or the event it yields is set)."""
    ends, holding = threading.Event(), threading.Event()

    def hold() -> None:
        with rt.kb.writing():
            holding.set()
            ends.wait(10)

    writer = threading.Thread(target=hold)
    writer.start()
    try:
        assert holding.wait(10)
        yield ends
    finally:
        ends.set()
        writer.join(10)


def _without_vectors(rt: Runtime) -> set[str]:
    with rt.kb.db.session() as s:
        ids = set(s.scalars(select(KbChunk.id)))
    return ids - rt.kb.vectors.existing(sorted(ids))


def test_a_reconcile_between_an_uploads_vectors_and_its_rows_deletes_none_of_them(
    rt: Runtime, docs: Docs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer (here the documents desk's upload on a thread of its own) reconciles in the window; before the
    fix its reconcile deleted the upload's new vectors and the chunks committed without any."""
    results = _after_each_vector_write(rt, monkeypatch, rt.kb.reconcile)
    path = docs.statute("公司法.md", COMPANY_TITLE, COMPANY)
    doc = parse_document(path.read_text(encoding="utf-8"), str(path), {})
    assert rt.kb.upsert(doc) == "added"
    assert _without_vectors(rt) == set()
    assert results == [None]  # the write was in flight: nothing looked for, nothing deleted
    assert rt.kb.reconcile() == 0  # and nothing of it is stray once it committed


def test_a_second_ingest_starting_during_an_ingest_leaves_its_window_of_vectors_alone(
    rt: Runtime, docs: Docs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``qifa ingest`` writes a window's vectors ahead of its rows: a second ingest's opening reconcile in between
    must leave them (and the first ingest must still end with every chunk embedded)."""
    real_embed = pipeline._WindowEmbedder.embed
    results: list[int | None] = []

    def embed_then_another_ingest_starts(self: pipeline._WindowEmbedder, batch: list) -> None:  # type: ignore[type-arg]
        real_embed(self, batch)
        if batch:
            other = threading.Thread(target=lambda: results.append(rt.kb.reconcile()))
            other.start()
            other.join(30)

    monkeypatch.setattr(pipeline._WindowEmbedder, "embed", embed_then_another_ingest_starts)
    report = ingest(rt.kb, [docs.statute("公司法.md", COMPANY_TITLE, COMPANY)], LIMIT)
    assert report.added == 1 and _without_vectors(rt) == set()
    assert results == [None]


def test_an_interrupted_ingests_stray_vectors_are_still_deleted_and_repair_waits_for_a_write_to_end(
    rt: Runtime
) -> None:
    stray = np.ones((2, rt.kb.embeddings.dimension), dtype=np.float32)
    rt.kb.vectors.upsert(["left-1", "left-2"], stray, [{"document_id": "gone"}] * 2)  # vectors, no rows
    assert rt.kb.reconcile() == 2 and not {"left-1", "left-2"} & rt.kb.vectors.all_ids()

    rt.kb.vectors.upsert(["left-3"], stray[:1], [{"document_id": "gone"}])
    with _a_write_in_flight(rt) as ends:  # the write holds the lock before reconcile tries
        assert rt.kb.reconcile() is None and "left-3" in rt.kb.vectors.all_ids()  # one try: busy, left alone
        threading.Timer(0.5, ends.set).start()
        started = time.monotonic()
        assert rt.kb.repair(wait_s=10) == (1, 0)  # kept trying until the write ended, then deleted it
        assert 0.3 < time.monotonic() - started < 10
    assert "left-3" not in rt.kb.vectors.all_ids()


def test_reconcile_lists_its_candidates_without_the_lock_and_deletes_only_those_still_stray(
    rt: Runtime, docs: Docs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The listing (every vector id against every chunk row: the long part at a large index) runs while writers go
    on; under the lock only the candidates are checked again. A write in flight at the listing and committed before
    the check keeps its vectors; a leftover of an interrupted ingest still goes."""
    stray = np.ones((1, rt.kb.embeddings.dimension), dtype=np.float32)
    rt.kb.vectors.upsert(["left-4"], stray, [{"document_id": "gone"}])
    store = rt.kb.vectors
    real_all_ids = store.all_ids
    writers_meanwhile: list[bool] = []

    def all_ids_while_a_writer_tries() -> set[str]:
        with rt.kb.db.held(VECTOR_WRITES, shared=True, wait=False) as sharing:
            writers_meanwhile.append(sharing)
        return real_all_ids()

    monkeypatch.setattr(store, "all_ids", all_ids_while_a_writer_tries)
    assert rt.kb.reconcile() == 1 and writers_meanwhile == [True]  # a writer could take its lock during the listing
    assert "left-4" not in real_all_ids()

    listed = _after_each_vector_write(rt, monkeypatch, rt.kb._stray_candidates)
    path = docs.statute("公司法.md", COMPANY_TITLE, COMPANY)
    assert rt.kb.upsert(parse_document(path.read_text(encoding="utf-8"), str(path), {})) == "added"
    monkeypatch.undo()
    assert listed and listed[0]  # the upload's vectors, rows not yet committed, looked stray at the listing
    with rt.kb.db.held(VECTOR_WRITES, wait=False) as alone:
        assert alone
        assert rt.kb._delete_stray(listed[0]) == 0  # checked again: every one of them has its row now
    assert _without_vectors(rt) == set()


def _rule(tmp: Path, third: str) -> ParsedDocument:
    text = statute_text("某企业规定", {"总则": ["甲条的内容是关于试用期的规定。", third]})
    return parse_document(text, str(tmp / "某企业规定.md"), {})


def test_a_replaced_chunk_put_back_by_a_write_in_flight_keeps_its_vector(rt: Runtime, tmp_path: Path) -> None:
    """One write replaces a document (its old chunk goes) while another write is in flight putting that chunk back
    (it finds the vector in place and does not embed it again). Before, the first write deleted the old vectors
    after its commit whatever else was in flight, and the second's rows were left without one. Now the first leaves
    them while another write is in flight; the ingest's closing ``reconcile`` takes what is really stray."""
    v1, v2 = _rule(tmp_path, "乙条的内容是关于加班费的规定。"), _rule(tmp_path, "丙条的内容是关于年休假的规定。")
    assert rt.kb.upsert(v1) == "added"
    gone = sorted({c.id for c in v1.chunks} - {c.id for c in v2.chunks})
    assert gone

    with _a_write_in_flight(rt):
        assert rt.kb.upsert(v2) == "replaced"
        assert set(gone) <= rt.kb.vectors.existing(gone)  # left: the write in flight may put them back
        assert rt.kb.upsert(v1) == "replaced"  # ... and here it does, without embedding them again
    assert _without_vectors(rt) == set()
    assert rt.kb.reconcile() == 1  # v2's own new chunk, replaced in turn: the one real stray
    assert _without_vectors(rt) == set()


def test_a_replaced_documents_old_vectors_go_at_once_without_another_write_and_at_an_ingests_end(
    rt: Runtime, docs: Docs, tmp_path: Path
) -> None:
    v1, v2 = _rule(tmp_path, "乙条的内容是关于加班费的规定。"), _rule(tmp_path, "丙条的内容是关于年休假的规定。")
    assert rt.kb.upsert(v1) == "added"
    old = {c.id for c in v1.chunks} - {c.id for c in v2.chunks}
    assert rt.kb.upsert(v2) == "replaced"
    assert not old & rt.kb.vectors.all_ids()  # nothing in flight: deleted right away

    path = docs.statute("公司法.md", COMPANY_TITLE, COMPANY)
    assert ingest(rt.kb, [path], LIMIT).added == 1
    company = {c.id for c in parse_document(path.read_text(encoding="utf-8"), str(path), {}).chunks}
    path.write_text(path.read_text(encoding="utf-8").replace("有限责任公司", "有限公司"), encoding="utf-8")
    assert ingest(rt.kb, [path], LIMIT).replaced == 1  # inside the ingest's own hold the old vectors wait ...
    with rt.kb.db.session() as s:
        rows = set(s.scalars(select(KbChunk.id)))
    assert company - rows and not (company - rows) & rt.kb.vectors.all_ids()  # ... for its closing reconcile
    assert rt.kb.vectors.all_ids() == rows


def test_two_writes_of_one_document_overlapping_file_what_each_really_replaced(
    rt: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """B starts writing the document again (v1's chunks, other front matter) and is held before its vectors; A
    replaces v1 by v2 meanwhile (X out, Y in); then B commits. The journal must end with X present and Y gone, as
    SQL and the vector store are: before, B filed what it had read before A's write (nothing removed, X not added),
    so every other process's copy of the vectors lost X and kept Y."""
    v1, v2 = _rule(tmp_path, "乙条的内容是关于加班费的规定。"), _rule(tmp_path, "丙条的内容是关于年休假的规定。")
    text = statute_text("某企业规定", {"总则": ["甲条的内容是关于试用期的规定。", "乙条的内容是关于加班费的规定。"]},
                        front="issuer: 某公司")
    v3 = parse_document(text, str(tmp_path / "某企业规定.md"), {})
    assert v3.content_hash != v1.content_hash and {c.id for c in v3.chunks} == {c.id for c in v1.chunks}
    assert rt.kb.upsert(v1) == "added"
    base = rt.kb.get_meta(VERSION_KEY)
    assert base is not None
    x = {c.id for c in v1.chunks} - {c.id for c in v2.chunks}
    y = {c.id for c in v2.chunks} - {c.id for c in v1.chunks}
    store = rt.kb.vectors
    real_existing = store.existing
    go, paused = threading.Event(), threading.Event()

    def existing_held_in_b(ids: list[str]) -> set[str]:
        if threading.current_thread().name == "B":
            paused.set()
            go.wait(10)
        return real_existing(ids)

    monkeypatch.setattr(store, "existing", existing_held_in_b)
    results: dict[str, str] = {}
    b = threading.Thread(target=lambda: results.setdefault("B", rt.kb.upsert(v3)), name="B")
    b.start()
    try:
        assert paused.wait(10)  # B has read the document as v1 and waits before its vectors
        results["A"] = rt.kb.upsert(v2)
    finally:
        go.set()
        b.join(10)
    monkeypatch.setattr(store, "existing", real_existing)
    assert results == {"A": "replaced", "B": "replaced"}
    now = rt.kb.get_meta(VERSION_KEY)
    assert now is not None
    changes = rt.kb._changes(base, now)
    assert changes is not None
    assert x <= set(changes.added) and not x & set(changes.removed)  # put back by B: present
    assert y <= set(changes.removed) and not y & set(changes.added)  # A's, taken out by B: gone
    assert _without_vectors(rt) == set()
    rt.kb.reconcile()
    assert not y & rt.kb.vectors.all_ids()


_HOLDER = """
import sys, time
from db import Database
with Database(sys.argv[1]).held(sys.argv[2], shared=True):
    print("held", flush=True)
    time.sleep(30)
"""


def test_the_writers_lock_is_shared_between_processes_on_one_sqlite_file(tmp_path: Path) -> None:
    """Two processes on one data dir (``qifa ingest`` beside ``qifa serve``): a writer's shared hold in one keeps the
    other from holding it alone, not from sharing it; it goes with the process."""
    db = open_database(settings_for(tmp_path / "var"))
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, db.url, VECTOR_WRITES], stdout=subprocess.PIPE,
                              text=True, cwd=Path(__file__).resolve().parents[2])
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with db.held(VECTOR_WRITES, wait=False) as alone:
            assert not alone
        with db.held(VECTOR_WRITES, shared=True, wait=False) as sharing:
            assert sharing
    finally:
        holder.kill()
        holder.wait(10)
    with db.held(VECTOR_WRITES, wait=False) as alone:
        assert alone
    db.dispose()


def _lock_semantics(one: Database, two: Database) -> None:
    with one.held(VECTOR_WRITES, shared=True):
        with two.held(VECTOR_WRITES, shared=True, wait=False) as sharing:
            assert sharing
        with two.held(VECTOR_WRITES, wait=False) as alone:
            assert not alone
    with two.held(VECTOR_WRITES, wait=False) as alone:
        assert alone
        with one.held(VECTOR_WRITES, shared=True, wait=False) as sharing:
            assert not sharing
    with one.held(VECTOR_WRITES, wait=False) as alone:
        assert alone  # every hold above was let go


def test_the_writers_lock_on_an_in_memory_database_still_excludes_between_threads() -> None:
    db = Database("sqlite://")
    _lock_semantics(db, db)
    db.dispose()


@pytest.mark.skipif(not ADMIN_URL, reason=SKIP_REASON)
def test_the_writers_lock_on_postgresql_is_an_advisory_lock_shared_by_every_process(tmp_path: Path) -> None:
    with fresh_database() as url:
        one = open_database(Settings(_env_file=None, data_dir=tmp_path / "a", database_url=url))
        two = open_database(Settings(_env_file=None, data_dir=tmp_path / "b", database_url=url), migrate=False)
        try:
            _lock_semantics(one, two)
        finally:
            one.dispose()
            two.dispose()
