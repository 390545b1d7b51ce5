"""A webhook update is handled by one worker, once: a second delivery reaching another worker on the same store,
or the same worker after a restart, is dropped; old ids are pruned. SQLite here, and PostgreSQL with two
``Database`` objects (as two worker processes hold) racing for the same ids when QIFA_TEST_POSTGRES_URL is set."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
from postgres_support import ADMIN_URL, SKIP_REASON, fresh_database
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from bot.updates_seen import KEEP, SeenUpdates
from db import Database
from db.base import utcnow
from db.models_telegram import TelegramUpdate


def _store(url: str) -> Database:
    db = Database(url)
    db.migrate()
    return db


def test_a_second_delivery_is_dropped_by_another_worker_and_after_a_restart(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'qifa.db'}"
    one = _store(url)
    two = Database(url)
    try:
        assert SeenUpdates(one).take(101) is True
        assert SeenUpdates(two).take(101) is False  # the retry reached the other worker
        assert SeenUpdates(two).take(102) is True
    finally:
        one.dispose()
        two.dispose()
    restarted = Database(url)
    try:
        assert SeenUpdates(restarted).take(102) is False
        assert SeenUpdates(restarted).take(103) is True
    finally:
        restarted.dispose()


def test_ids_older_than_the_redelivery_window_are_pruned(tmp_path: Path) -> None:
    db = _store(f"sqlite:///{tmp_path / 'qifa.db'}")
    try:
        seen = SeenUpdates(db)
        for update_id in (1, 2, 3):
            assert seen.take(update_id)
        with db.session() as s:
            s.execute(update(TelegramUpdate).where(TelegramUpdate.update_id < 3)
                      .values(received_at=utcnow() - KEEP - timedelta(minutes=1)))
        assert seen.prune() == 2
        with db.session() as s:
            assert list(s.scalars(select(TelegramUpdate.update_id))) == [3]
    finally:
        db.dispose()


@pytest.mark.skipif(not ADMIN_URL, reason=SKIP_REASON)
def test_two_workers_racing_on_postgresql_take_each_update_once() -> None:
    with fresh_database("qifa_updates") as url:
        first, second = _store(url), Database(url)
        taken: dict[str, list[int]] = {"first": [], "second": []}
        try:
            def run(name: str, db: Database) -> None:
                seen = SeenUpdates(db)
                taken[name] = [i for i in range(200) if seen.take(i)]

            threads = [threading.Thread(target=run, args=(n, d)) for n, d in (("first", first), ("second", second))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert sorted(taken["first"] + taken["second"]) == list(range(200))
            with first.session() as s:
                assert s.scalar(select(func.count()).select_from(TelegramUpdate)) == 200
        finally:
            first.dispose()
            second.dispose()


def test_a_failed_clean_up_does_not_lose_the_update_just_taken(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    db = _store(f"sqlite:///{tmp_path / 'qifa.db'}")
    try:
        seen = SeenUpdates(db)

        def broken() -> int:
            raise OperationalError("DELETE", {}, Exception("database is locked"))

        monkeypatch.setattr(seen, "prune", broken)
        assert seen.take(1) is True  # the first take prunes: it fails, the update is still handled
        assert seen.take(1) is False
    finally:
        db.dispose()
