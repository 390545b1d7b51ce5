"""A ``kb_meta`` value written by two processes at once, the first write of its key included: both transactions
commit (a read-then-insert let both insert, and the second met a duplicate key) — the curation counters
(intent examples, links) and the check-up questionnaires' counter, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from postgres_support import dialect_params, store

from checkups import desk
from curation.versions import bump_version
from db import Database
from db.meta import put_meta
from db.models_kb import KbMeta

DIALECTS = dialect_params()



def _at_once(db: Database, key: str, write: Callable[[Any], str]) -> tuple[list[str], list[BaseException]]:
    """Two transactions, both past their read of ``key`` (not there yet) before either writes it."""
    both_read = threading.Barrier(2)
    values: list[str] = []
    errors: list[BaseException] = []

    def one() -> None:
        try:
            with db.session() as s:
                assert s.get(KbMeta, key) is None
                both_read.wait(10)
                values.append(write(s))
        except BaseException as exc:  # reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return values, errors


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("writer", ["curation", "checkups"])
def test_two_first_writes_of_a_counter_both_commit(dialect: str, writer: str, tmp_path: Path) -> None:
    key = "intent_examples_version" if writer == "curation" else desk.VERSION_KEY

    def write(s: Any) -> str:
        return bump_version(s, key) if writer == "curation" else desk._bump(s)

    with store(dialect, tmp_path / "var") as db:
        values, errors = _at_once(db, key, write)
        assert errors == []
        assert len(values) == 2 and values[0] != values[1]  # readers compare values: each write is told apart
        with db.session() as s:
            row = s.get(KbMeta, key)
            assert row is not None and row.value in values


@pytest.mark.parametrize("dialect", DIALECTS)
def test_put_meta_inserts_then_updates(dialect: str, tmp_path: Path) -> None:
    with store(dialect, tmp_path / "var") as db:
        with db.session() as s:
            put_meta(s, "some_setting", "a")
        with db.session() as s:
            put_meta(s, "some_setting", "b")
        with db.session() as s:
            row = s.get(KbMeta, "some_setting")
            assert row is not None and row.value == "b"
