"""SQLite's hot-path writers of one process take turns on a lock (``Database.transaction(write=True)``): the second
waits for the first's commit instead of meeting SQLite's busy handler; readers do not wait."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import text

from db import Database


def _db(tmp_path: Path) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'w.db'}")
    with db.transaction(write=True) as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    return db


def test_a_second_writer_starts_after_the_first_commits(tmp_path: Path) -> None:
    db = _db(tmp_path)
    inside = threading.Event()
    order: list[str] = []

    def first() -> None:
        with db.transaction(write=True) as conn:
            conn.execute(text("INSERT INTO t VALUES (1)"))
            inside.set()
            time.sleep(0.2)
            order.append("first commits")

    def second() -> None:
        inside.wait(5)
        with db.transaction(write=True) as conn:
            order.append("second writes")
            conn.execute(text("INSERT INTO t VALUES (2)"))

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    inside.wait(5)
    with db.transaction() as conn:  # a reader meanwhile: not held up by the writers' turn
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 0
    assert order == []
    for t in threads:
        t.join(10)
    assert order == ["first commits", "second writes"]
    with db.transaction() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 2
    db.engine.dispose()


def test_many_writers_at_once_all_commit(tmp_path: Path) -> None:
    db = _db(tmp_path)

    def writer(k: int) -> None:
        for i in range(30):
            with db.transaction(write=True) as conn:
                conn.execute(text("INSERT INTO t VALUES (:n)"), {"n": k * 100 + i})

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    with db.transaction() as conn:
        assert conn.execute(text("SELECT count(DISTINCT n) FROM t")).scalar() == 180
    db.engine.dispose()
