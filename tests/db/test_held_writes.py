"""A write held back (``Database.hold``) runs before anything else its thread does with the store through a session or a
write transaction, once; a read of the knowledge base's kind (``transaction()``) leaves it held; another thread never
runs it; ``release`` hands it to the caller and ``settle`` runs it now."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, text

from db import Database


def _db(tmp_path: Path) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'h.db'}")
    with db.transaction(write=True) as conn:
        conn.execute(text("CREATE TABLE t (n TEXT)"))
    return db


def _rows(db: Database) -> list[str]:
    with db.engine.connect() as conn:  # the engine itself: no session, so nothing held runs
        return [r[0] for r in conn.execute(text("SELECT n FROM t ORDER BY rowid"))]


def _insert(n: str) -> Callable[[Connection], None]:
    def write(conn: Connection) -> None:
        conn.execute(text("INSERT INTO t VALUES (:n)"), {"n": n})
    return write


def test_a_held_write_runs_once_before_the_threads_next_session(tmp_path: Path) -> None:
    db = _db(tmp_path)
    db.hold("会话", _insert("会话与首条消息"))
    with db.transaction() as conn:  # reading passages: the write stays held
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 0
    assert _rows(db) == []
    with db.session() as s:  # a case or an order: it finds the rows stored
        assert s.execute(text("SELECT n FROM t")).scalars().all() == ["会话与首条消息"]
    with db.session():
        pass
    assert _rows(db) == ["会话与首条消息"]  # once
    assert db.release("会话") is None
    db.engine.dispose()


def test_a_write_transaction_runs_it_first_in_a_transaction_of_its_own(tmp_path: Path) -> None:
    db = _db(tmp_path)
    db.hold("session", _insert("held"))
    try:
        with db.transaction(write=True) as conn:
            conn.execute(text("INSERT INTO t VALUES ('the write')"))
            raise RuntimeError("the write fails")
    except RuntimeError:
        pass
    assert _rows(db) == ["held"]  # committed before the write that failed
    db.engine.dispose()


def test_another_thread_neither_runs_nor_releases_it(tmp_path: Path) -> None:
    db = _db(tmp_path)
    db.hold("会话", _insert("mine"))
    seen: list[object] = []

    def other() -> None:
        with db.transaction(write=True) as conn:
            conn.execute(text("INSERT INTO t VALUES ('theirs')"))
        seen.append(db.release("会话"))

    worker = threading.Thread(target=other)
    worker.start()
    worker.join(10)
    assert seen == [None] and _rows(db) == ["theirs"]
    db.settle()
    db.settle()
    assert _rows(db) == ["theirs", "mine"]
    db.engine.dispose()


def test_release_hands_the_write_to_the_caller(tmp_path: Path) -> None:
    db = _db(tmp_path)
    db.hold("new session", _insert("with the reply"))
    write = db.release("new session")
    assert write is not None and db.release("new session") is None
    with db.transaction(write=True) as conn:
        write(conn)
        conn.execute(text("INSERT INTO t VALUES ('reply')"))
    assert _rows(db) == ["with the reply", "reply"]
    db.engine.dispose()
