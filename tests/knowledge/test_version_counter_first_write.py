"""The knowledge base's very first write, by two workers at once: the version counter's row is there from the start
(migration 0022) and is put back without a race if it was lost, so both writes commit, under distinct versions, each
filed in the change journal — on SQLite and on PostgreSQL (where two inserts of the row met a duplicate key)."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from postgres_support import dialect_params, store
from sqlalchemy import delete, select

from db import Database
from db.models_kb import KbChange, KbMeta
from knowledge.base import VERSION_KEY, KnowledgeBase

DIALECTS = dialect_params()



def _two_first_writes(db: Database) -> tuple[list[SimpleNamespace], list[BaseException]]:
    """Two workers, each in its own transaction, both past their first read before either moves the counter."""
    workers = [SimpleNamespace(_seen=None, _foreign=False, vectors=SimpleNamespace(advance=lambda p, v: None))
               for _ in range(2)]
    both_read = threading.Barrier(2)
    errors: list[BaseException] = []

    def write(worker: SimpleNamespace, chunk: str) -> None:
        try:
            with db.session() as s:
                s.get(KbMeta, "some other key")
                both_read.wait(10)
                KnowledgeBase._bump(worker, s, added=[chunk])  # type: ignore[arg-type]
        except BaseException as exc:  # reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w, f"chunk-{i}")) for i, w in enumerate(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return workers, errors


def _check_two_versions(db: Database, workers: list[SimpleNamespace], errors: list[BaseException]) -> None:
    assert errors == []
    assert sorted(w._seen for w in workers) == ["1", "2"]
    with db.session() as s:
        row = s.get(KbMeta, VERSION_KEY)
        assert row is not None and row.value == "2"
        filed = s.execute(select(KbChange.version, KbChange.added).order_by(KbChange.version)).all()
    assert [v for v, _ in filed] == [1, 2] and sorted(a for _, a in filed) == ["chunk-0", "chunk-1"]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_new_store_has_the_counter_row_and_two_first_writes_at_once_both_commit(dialect: str,
                                                                                   tmp_path: Path) -> None:
    with store(dialect, tmp_path / "var") as db:
        with db.session() as s:
            row = s.get(KbMeta, VERSION_KEY)
            assert row is not None and row.value == ""  # seeded by the migration: no write yet
        workers, errors = _two_first_writes(db)
        _check_two_versions(db, workers, errors)
        # "" is no write: the first writer, which had seen nothing, did not take it for another process's write
        assert [w._foreign for w in workers if w._seen == "1"] == [False]
        assert [w._foreign for w in workers if w._seen == "2"] == [True]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_lost_counter_row_is_put_back_by_two_first_writes_at_once_without_a_duplicate_key(dialect: str,
                                                                                            tmp_path: Path) -> None:
    with store(dialect, tmp_path / "var") as db:
        with db.session() as s:  # as in a store migrated before 0022 that was never written
            s.execute(delete(KbMeta).where(KbMeta.key == VERSION_KEY))
        workers, errors = _two_first_writes(db)
        _check_two_versions(db, workers, errors)
