"""The knowledge base's version counter on PostgreSQL: two workers writing at once each move it, so each sees the
other's write (its keyword snapshot and vector mirror are rebuilt) instead of both writing the same next value."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from postgres_support import ADMIN_URL, SKIP_REASON, fresh_database
from sqlalchemy import select

from config import Settings
from db import open_database
from db.models_kb import KbChange, KbMeta
from knowledge import journal
from knowledge.base import VERSION_KEY, KnowledgeBase


@pytest.mark.skipif(not ADMIN_URL, reason=SKIP_REASON)
def test_two_writes_at_once_move_the_counter_twice(tmp_path: Path) -> None:
    with fresh_database() as url:
        db = open_database(Settings(data_dir=tmp_path / "var", database_url=url))
        try:
            with db.session() as s:
                s.merge(KbMeta(key=VERSION_KEY, value="5"))
            moved: list[tuple[str, str]] = []
            workers = [SimpleNamespace(_seen="5", _foreign=False,
                                       vectors=SimpleNamespace(advance=lambda p, v: moved.append((p, v))))
                       for _ in range(2)]
            both_read = threading.Barrier(2)

            def write(worker: SimpleNamespace) -> None:
                with db.session() as s:
                    assert s.get(KbMeta, VERSION_KEY) is not None  # both transactions have read the counter
                    both_read.wait()
                    KnowledgeBase._bump(worker, s)  # type: ignore[arg-type]

            threads = [threading.Thread(target=write, args=(w,)) for w in workers]
            for t in threads:
                t.start()
            for t in threads:
                t.join(20)
            with db.session() as s:
                row = s.get(KbMeta, VERSION_KEY)
                assert row is not None and row.value == "7"
            assert sorted(w._seen for w in workers) == ["6", "7"]
            assert [w._foreign for w in workers if w._seen == "7"] == [True]  # the second saw the first's write
            assert sorted(moved) == [("5", "6"), ("6", "7")]  # each mirror told the move it made
            with db.session() as s:  # each write filed in the change journal under its own version
                assert sorted(s.scalars(select(KbChange.version))) == [6, 7]
                followed = journal.since(s, "5", "7")
                assert followed is not None and followed.version == "7"
        finally:
            db.dispose()
